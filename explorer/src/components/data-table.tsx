/**
 * The one table of the explorer: a page describes its columns (header, cell, alignment) and hands
 * over rows; the markup, the sideways scroll on phones, the empty state and the columns that hide
 * on narrow screens live here only.
 * @module
 */
import type { CSSProperties, ReactNode } from 'react';
import { Empty } from './basics.tsx';

export interface Column<Row> {
  /** The header text (also the key of the column, so unique within a table). */
  header: string;
  /** A tooltip of the header, where the header is an abbreviation. */
  title?: string;
  /** The cell of one row. */
  cell: (row: Row) => ReactNode;
  /** `num` right-aligns with tabular figures (amounts, counts). */
  align?: 'num';
  /** Extra classes of the cells (`mono`, `words`, `nowrap`). */
  className?: string;
  /**
   * Hidden below 640 px: a column a phone reader can do without (a hash also reachable from the
   * row's own page), so the columns that matter stay on screen without scrolling sideways.
   */
  hideNarrow?: boolean;
}

/**
 * What a row adds to its `<tr>`: an anchor id, a class (`bad-row`, `diff`), a style, and `data-`
 * attributes that tests and scripts find rows by.
 */
export interface RowProps {
  id?: string;
  className?: string;
  style?: CSSProperties;
  [data: `data-${string}`]: string | undefined;
}

function classes(...names: Array<string | false | undefined>): string | undefined {
  const s = names.filter(Boolean).join(' ');
  return s || undefined;
}

export function DataTable<Row>(props: {
  caption: string;
  columns: ReadonlyArray<Column<Row> | false | null | undefined>;
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  /** Shown instead of the table when there are no rows; without it an empty table is drawn. */
  empty?: ReactNode;
  rowProps?: (row: Row) => RowProps;
  /**
   * Below 640 px, each row becomes a block of labelled cells instead of a line of columns: for
   * tables whose cells are sentences, which no phone shows side by side.
   */
  stackNarrow?: boolean;
}) {
  // `false` entries let a page drop a column by a condition inline.
  const columns = props.columns.filter((c): c is Column<Row> => Boolean(c));
  if (props.rows.length === 0 && props.empty !== undefined) return <Empty>{props.empty}</Empty>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={props.caption}>
      <table className={props.stackNarrow ? 'stack-narrow' : undefined}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.header}
                scope="col"
                title={c.title}
                className={classes(c.align, c.hideNarrow && 'hide-narrow')}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} {...props.rowProps?.(row)}>
              {columns.map((c) => (
                <td
                  key={c.header}
                  data-label={props.stackNarrow ? c.header : undefined}
                  className={classes(c.align, c.className, c.hideNarrow && 'hide-narrow')}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
