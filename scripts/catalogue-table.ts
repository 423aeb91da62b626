/**
 * Prints the line catalogue (verifier/catalogue.ts) with each check's description
 * (verifier/sentences.ts) as the markdown table of docs/spec.md §13; `--write` replaces the table
 * in docs/spec.md. test/docs.test.ts checks that the two agree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '../verifier/catalogue.ts';
import { SENTENCES, patternSentence } from '../verifier/sentences.ts';

export function catalogueTable(): string {
  const codes = (c: readonly string[]) => (c.length ? c.map((x) => `\`${x}\``).join(', ') : '–');
  const rows = CATALOGUE.map((c) => {
    const words = SENTENCES[c.check];
    const description = words ? patternSentence(words.description) : '–';
    return `| \`${c.check}\`${c.presence === 'optional' ? ' (optional)' : ''} | ${c.title} | ${c.subject} | ${c.step} | ${description} | ${codes(c.fails)} | ${codes(c.waits)} | ${codes(c.skips ?? [])} |`;
  });
  return [HEAD, '| --- | --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const SPEC = new URL('../docs/spec.md', import.meta.url);
const HEAD =
  '| check | title | subject | step | what it checks, and why it matters | fails with | waits on | skipped with |';
/** The section the table lives in, and how its rows begin (whatever the header's columns). */
const SECTION = '## 13. The line catalogue';
const TABLE_START = '\n| check |';

/** docs/spec.md with its catalogue table replaced by the generated one. */
export function specWithTable(spec: string): string {
  const section = spec.indexOf(SECTION);
  const at = section < 0 ? -1 : spec.indexOf(TABLE_START, section);
  if (at < 0) throw new Error('docs/spec.md has no catalogue table');
  const start = at + 1;
  let end = spec.indexOf('\n\n', start);
  if (end < 0) end = spec.length;
  return spec.slice(0, start) + catalogueTable() + spec.slice(end);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  if (process.argv.includes('--write'))
    writeFileSync(SPEC, specWithTable(readFileSync(SPEC, 'utf8')));
  else process.stdout.write(catalogueTable() + '\n');
}
