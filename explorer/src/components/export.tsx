/**
 * CSV / NDJSON download links on the API's streaming export endpoints (no row cap; the browser
 * streams the file to disk).
 * @module
 */
import { exportUrl } from '../api.ts';

export function ExportButtons(props: {
  entity: string;
  where?: Record<string, unknown>;
  orderBy?: string;
  label?: string;
}) {
  const name = props.label ?? props.entity;
  return (
    <span className="export">
      <a
        className="button"
        href={exportUrl(props.entity, 'csv', props.where, props.orderBy)}
        download
      >
        ⬇ CSV<span className="sr-only"> of {name}</span>
      </a>
      <a
        className="button"
        href={exportUrl(props.entity, 'ndjson', props.where, props.orderBy)}
        download
      >
        ⬇ NDJSON<span className="sr-only"> of {name}</span>
      </a>
    </span>
  );
}
