/**
 * Regenerates the typed event, call and storage decoders in `indexer/types/` from the metadata of
 * every Cere runtime the devnet can describe (devnet/metadata.ts `ALL_CERE_RUNTIMES`: the
 * billing-report runtime 71000 and the receipt runtimes of `CERE_RUNTIMES`): `npm run typegen`
 * (scripts/typegen.ts). The typegen writes one decoder per version in which an item's type
 * changed (`events.ddcPayouts.charged.v71000`, `.v73047`, ...). The metadata goes to a temporary
 * spec-versions file in the format of `squid-substrate-metadata-explorer`, then
 * `squid-substrate-typegen` writes the classes. The generated files are committed; run this again
 * whenever devnet/metadata.ts changes.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CERE_RUNTIMES, cereMetadata, cereRuntimeVersion } from '../devnet/metadata.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..', 'indexer', 'types');
const work = mkdtempSync(path.join(tmpdir(), 'proofroom-typegen-'));

/**
 * What the indexer decodes: the Cere DDC pallets' events and calls, the storage it reads
 * (`DdcClusters.ClustersGovParams`, after a governance change of a cluster's protocol parameters),
 * and the remark that carries envelopes.
 */
const PALLETS = {
  DdcClusters: { events: true, calls: true, storage: ['ClustersGovParams'] },
  DdcNodes: { events: true, calls: true },
  DdcCustomers: { events: true, calls: true },
  DdcPayouts: { events: true, calls: true },
  DdcVerification: { events: true, calls: true, storage: ['ValidatorSet'] },
  System: { events: ['Remarked'], calls: ['remark_with_event'] },
  Timestamp: { calls: ['set'] },
};

/** Names the generated modules import from `support.ts` that are types only. */
const TYPE_ONLY = new Set([
  'Block',
  'Bytes',
  'BitSequence',
  'RuntimeCtx',
  'QualifiedName',
  'Runtime',
  'Option',
  'Result',
]);

/**
 * The generator writes extensionless relative imports and imports types as values; this project
 * resolves ESM the Node way under `verbatimModuleSyntax` and forbids unused names. Rewrites each
 * import to name only what the file uses, types with `import type`, with explicit extensions.
 */
function fixImports(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      fixImports(file);
      continue;
    }
    if (!entry.name.endsWith('.ts')) continue;
    let text = readFileSync(file, 'utf8');
    text = text.replace(
      /'@subsquid\/substrate-runtime\/lib\/sts'/g,
      "'@subsquid/substrate-runtime/lib/sts.js'"
    );
    text = text.replace(
      /^import \{([^}]*)\} from '(\.{1,2}\/[^']*)'$/gm,
      (_m, names: string, spec: string) => {
        const body = text
          .split('\n')
          .filter((l) => !l.startsWith('import '))
          .join('\n');
        const used = names
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n && new RegExp(`\\b${n}\\b`).test(body));
        const values = used.filter((n) => !TYPE_ONLY.has(n));
        const types = used.filter((n) => TYPE_ONLY.has(n));
        const target = withExtension(dir, spec);
        return [
          values.length ? `import {${values.join(', ')}} from '${target}'` : '',
          types.length ? `import type {${types.join(', ')}} from '${target}'` : '',
        ]
          .filter(Boolean)
          .join('\n');
      }
    );
    text = text.replace(
      /^(import \* as \w+ from ')(\.{1,2}\/[^']*)(')$/gm,
      (_m, a: string, spec: string, b: string) => a + withExtension(dir, spec) + b
    );
    text = text.replace(
      /^(export \* as \w+ from ')(\.{1,2}\/[^']*)(')$/gm,
      (_m, a: string, spec: string, b: string) => a + withExtension(dir, spec) + b
    );
    if (entry.name === 'support.ts') {
      text = text
        .replace(/^import \{Option, Result\} from/m, 'import type {Option, Result} from')
        .replace(
          /^export \{sts, Bytes, BitSequence, Option, Result\}$/m,
          'export {sts}\nexport type {Bytes, BitSequence, Option, Result}'
        );
    }
    writeFileSync(file, text);
  }
}

function withExtension(dir: string, spec: string): string {
  if (spec.endsWith('.ts')) return spec;
  try {
    readdirSync(path.resolve(dir, spec));
    return `${spec}/index.ts`;
  } catch {
    return `${spec}.ts`;
  }
}

function main(): void {
  try {
    // One line per runtime, oldest first, as squid-substrate-metadata-explorer writes them for a
    // real chain.
    const lines = ALL_CERE_RUNTIMES.map((r, i) =>
      JSON.stringify({
        specName: cereRuntimeVersion(r.specVersion).specName,
        specVersion: r.specVersion,
        blockNumber: i,
        blockHash: '0x' + i.toString(16).padStart(64, '0'),
        metadata: '0x' + Buffer.from(cereMetadata(r.specVersion)).toString('hex'),
      })
    );
    writeFileSync(path.join(work, 'devnet.jsonl'), lines.join('\n') + '\n');
    rmSync(outDir, { recursive: true, force: true });
    const config = { outDir, specVersions: path.join(work, 'devnet.jsonl'), pallets: PALLETS };
    writeFileSync(path.join(work, 'typegen.json'), JSON.stringify(config));
    const bin = path.join(here, '..', 'node_modules', '.bin', 'squid-substrate-typegen');
    const r = spawnSync(bin, [path.join(work, 'typegen.json')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`squid-substrate-typegen exited with ${r.status}`);
    // The generator writes extensionless relative imports; this project resolves ESM the Node way.
    fixImports(outDir);
    console.log(`typegen: wrote ${outDir}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
