/**
 * Prints the line catalogue (verifier/catalogue.ts) as the markdown table of docs/spec.md §13;
 * `--write` replaces the table in docs/spec.md. test/docs.test.ts checks that the two agree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '../verifier/catalogue.ts';

export function catalogueTable(): string {
  const codes = (c: readonly string[]) => (c.length ? c.map((x) => `\`${x}\``).join(', ') : '–');
  const rows = CATALOGUE.map(
    (c) =>
      `| \`${c.check}\`${c.presence === 'optional' ? ' (optional)' : ''} | ${c.subject} | ${c.step} | ${c.title} | ${codes(c.fails)} | ${codes(c.waits)} | ${codes(c.skips ?? [])} |`
  );
  return [HEAD, '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const SPEC = new URL('../docs/spec.md', import.meta.url);
const HEAD =
  '| check | subject | step | what a passing line establishes | fails with | waits on | skipped with |';

/** docs/spec.md with its catalogue table replaced by the generated one. */
export function specWithTable(spec: string): string {
  const start = spec.indexOf(HEAD);
  if (start < 0) throw new Error('docs/spec.md has no catalogue table');
  let end = spec.indexOf('\n\n', start);
  if (end < 0) end = spec.length;
  return spec.slice(0, start) + catalogueTable() + spec.slice(end);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  if (process.argv.includes('--write'))
    writeFileSync(SPEC, specWithTable(readFileSync(SPEC, 'utf8')));
  else process.stdout.write(catalogueTable() + '\n');
}
