// Enforces the import rules of DESIGN.md ("Parts" table): which part of the repository may import
// which other part, and which packages a part may use. Each part is a top-level folder; `verifier/`
// is pure and may import only @noble/*, @scure/* and itself, while its Node-only entry
// (`verifier/node/`) may also use `node:*` built-ins and the faster signature backends DESIGN.md
// allows it (schnorrkel's WebAssembly in @polkadot/wasm-crypto, verdicts as @scure/sr25519's).
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** part -> { parts it may import, predicate on bare package specifiers } */
const RULES = {
  verifier: { parts: ['verifier'], pkg: (s) => /^@(noble|scure)\//.test(s) },
  'verifier/node': {
    parts: ['verifier'],
    // tsx only to boot worker threads on the TypeScript sources (ts-worker.mjs); wasm-crypto for
    // sr25519's fast accept (verifier/node/index.ts, with the argument that verdicts are unchanged).
    pkg: (s) =>
      /^@(noble|scure)\//.test(s) ||
      s.startsWith('node:') ||
      s === 'tsx/esm/api' ||
      s === '@polkadot/wasm-crypto',
  },
  devnet: { parts: ['devnet', 'verifier'], pkg: () => true },
  // db/ turns stored rows into the verifier's inputs (db/receipt-inputs.ts), the one place the
  // indexer and the API assemble them; the pure verifier imports nothing of db/.
  db: { parts: ['db', 'verifier'], pkg: () => true },
  indexer: { parts: ['indexer', 'verifier', 'db'], pkg: () => true },
  api: { parts: ['api', 'verifier', 'db'], pkg: () => true },
  explorer: { parts: ['explorer', 'verifier'], pkg: (s) => !s.startsWith('node:') },
  sentinel: { parts: ['sentinel', 'verifier', 'db'], pkg: () => true },
};

function partOf(absFile) {
  const rel = path.relative(ROOT, absFile).split(path.sep);
  if (rel[0] === 'verifier' && rel[1] === 'node') return 'verifier/node';
  return rel[0];
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the part-to-part import rules of DESIGN.md' },
    schema: [],
    messages: {
      part: "'{{from}}/' may not import from '{{to}}/' (DESIGN.md: parts and what each may import)",
      pkg: "'{{from}}/' may not import the package '{{spec}}' (DESIGN.md: parts and what each may import)",
    },
  },
  create(context) {
    const file = context.filename;
    const from = partOf(file);
    const rule = RULES[from];
    if (!rule) return {};
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = partOf(path.resolve(path.dirname(file), spec));
        const targetPart = target === 'verifier/node' ? 'verifier/node' : target;
        const allowed =
          rule.parts.includes(targetPart) ||
          (targetPart === 'verifier/node' && from === 'verifier/node') ||
          (targetPart === 'verifier/node' &&
            from !== 'verifier' &&
            from !== 'explorer' && // browsers: the pure core only
            rule.parts.includes('verifier'));
        if (!allowed) context.report({ node, messageId: 'part', data: { from, to: targetPart } });
        return;
      }
      if (!rule.pkg(spec)) context.report({ node, messageId: 'pkg', data: { from, spec } });
    }
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
