import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASONS } from '../verifier/lines.ts';
import { specWithTable } from '../scripts/catalogue-table.ts';

const spec = readFileSync(new URL('../docs/spec.md', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('documentation stays in step with the code', () => {
  it('docs/spec.md explains every reason code with the text the tools print', () => {
    for (const [code, meaning] of Object.entries(REASONS)) {
      expect(spec, code).toContain(`| \`${code}\` | ${meaning} |`);
    }
  });

  it('docs/spec.md carries the line catalogue table generated from verifier/catalogue.ts', () => {
    expect(spec).toBe(specWithTable(spec));
  });

  it('the README shows the quick start and the test command on its first screen', () => {
    const firstScreen = readme.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain('npm install && npm start');
    expect(firstScreen).toContain('npm test');
  });
});
