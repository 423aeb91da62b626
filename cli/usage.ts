/**
 * The usage text of each command, apart from the commands themselves, so that `proofroom help` and
 * a usage error load none of the heavy modules a command needs (each command module is imported
 * only when it runs). Each command's options are declared once, in its module (`*_OPTIONS`), and
 * test/cli.test.ts checks that the usage here lists exactly those.
 */
import { DEVNET_FAULTS } from '../devnet/faults.ts';

function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

export const VERIFY_USAGE = `  verify <bundle.json|-> [more.json ...] [--json] [--verbose] [--rule cere67|twoThirds]
         [--roles r1,r2,...] [--allow-unfinalized]
         [--trust-rpc URL] [--trust-hashes FILE] [--trust-authorities FILE]
      Re-checks every line of a receipt bundle offline (- reads standard input), and every
      chain fact it states against the proofs it carries (block headers, storage read proofs,
      GRANDPA justifications). A trust root pins those proofs to the chain you mean:
        --trust-rpc URL          a node you trust gives the canonical hash at each cited height
                                 and its finalized head
        --trust-hashes FILE      blocks you trust as final: [{"number": n, "hash": "0x..."}] or
                                 one "<height> <hash>" per line
        --trust-authorities FILE a GRANDPA set you trust: {"setId": "0", "authorities": [...]};
                                 justifications then prove finality with no node at all
      Exit 0: every line passes and the proofs are pinned; 1: a line fails; 2: the bundle is
      malformed or unreadable; 3: every line passes but no trust root pinned the proofs (the
      bundle is consistent with itself, not shown to be the chain you trust); 4: no line fails
      but some wait for an input (an era not paid yet, the GAR service, a grant anchor); 5: the
      era was skipped by Root (force_skip_inspection): no line fails or waits, the settlement
      checks do not apply. Several bundles exit with the worst: 2, then 1, 4, 5, 3, 0.
      --verbose prints the facts of passing lines too. Several bundles are checked on all
      cores, one line each.
      A sentinel evidence file is recognised by its format and checked the same way: the
      sentinel's signature, the anchor, the expected record's proof and the claimed failure.
`;

export const START_USAGE = `  start [--rpc URL] [--gar URL] [--storage URL,...] [--database URL] [--data DIR] [--port P]
        [--host H] [--from N] [--no-sentinel] [--sentinel-rate N]
        [--records N] [--eras N] [--seed S] [--faults f1,f2,...|all] [--devnet-port P]
      The whole product in one process tree (what npm start runs): the chain (without --rpc, a
      demo devnet with faults on ports 9944-9950), the database (without --database or
      DATABASE_URL, the embedded PostgreSQL in <data dir>/pg), the indexer, the API and explorer
      (port 4350) and the sentinel. Shows the indexer's progress, then the explorer and GraphQL
      URLs. Ctrl-C stops everything; the next start resumes from the database. The demo's shape:
      --records (600), --eras (4), --seed, --faults (default all), --devnet-port. See
      docs/operations.md.
`;

export const DEVNET_USAGE = `  devnet [--seed S] [--records N] [--eras N] [--clusters 1|2] [--runtimes S,S,...]
         [--skip E,...] [--faults f1,f2,...|all] [--port P] [--host H] [--block-time MS]
         [--reorg-after MS] [--slow-node MS] [--out DIR] [--bundles]
      Runs the devnet: Substrate JSON-RPC (HTTP and WebSocket) on P (default 9944), the GAR
      service on P+1 and the storage nodes on P+2.. (P=0: ephemeral ports), serving a seeded
      scenario (default 120 records over 2 eras, 4 with era-not-paid; two clusters, cluster 2
      honest, --clusters 1 for one) on Cere runtimes 73047, 73160 and 73177, era k paid under
      the k-th; --runtimes 71000,73047,73160,73177 starts under 71000, whose era is paid with
      the older billing-report design. --skip lists eras of cluster 2 that Root skips
      (force_skip_inspection). Payout faults land on the first receipt-design era. Faults (or
      'all'):
${wrap(DEVNET_FAULTS.join(', '), 8, 96)}
      --block-time reveals one block per MS instead of all at once; --reorg-after switches from
      the orphaned branch after MS (anchor-reorged); --slow-node delays storage node 0 by MS;
      RPC dev_reorg [depth, drop?] forks on demand. Writes manifest.json (and with --bundles
      every receipt bundle) to DIR (default <data dir>/devnet).
`;

export const INDEX_USAGE = `  index --rpc URL [--database URL] [--gar URL] [--storage URL,URL,...] [--from N]
        [--metrics-port P] [--threads N]
      Indexes the chain at URL (devnet: http://127.0.0.1:9944; Cere mainnet:
      wss://archive.mainnet.cere.network/ws) into PostgreSQL, fetching GAR grants and DAC batch
      payloads and verifying every receipt line on ingest. Without --database (or DATABASE_URL)
      the embedded PostgreSQL keeps its data in <data dir>/pg. Restarts the indexer if it dies;
      stops on SIGINT/SIGTERM. See docs/indexer.md.
`;

export const SERVE_USAGE = `  serve [--database URL] [--port P] [--host H]
      Serves the GraphQL API (/graphql, with GraphiQL in a browser), receipt bundles
      (/v1/receipts/:id), streamed exports (/v1/export/<entity>.csv|.ndjson), /metrics and
      /healthz over the indexed database (default port 4350). Without --database (or
      DATABASE_URL) it opens the embedded PostgreSQL in <data dir>/pg. See docs/api.md.
`;

export const SENTINEL_USAGE = `  sentinel [--database URL] [--storage URL,URL,...] [--confidence D] [--bad-fraction P]
           [--rule exact|formula] [--nodes K] [--rate N] [--concurrency N] [--timeout MS]
           [--evidence-dir DIR|off] [--webhook URL] [--metrics-port P] [--key-file F]
           [--poll MS] [--once] [--json]
      Spot-checks the storage nodes: for every era whose ClusterEraPaid is final it samples
      the era's anchored records (enough to catch a bad fraction P with confidence D; defaults
      0.01 and 0.99; --rule exact, the default, sizes each sample so that it does, formula is
      the binomial approximation, short on small eras) with a seed only this sentinel's key can
      draw, fetches each sampled batch from the nodes (--storage, else the cluster's nodes
      registered on chain), recomputes and compares, and stores every check, a signed evidence
      file per failure (check one with proofroom verify FILE) and per-era figures. --poll MS:
      how often the finalized head is read (default 2000). --once runs the pending rounds and
      exits (1 if a check failed). See docs/sentinel.md.
`;

export const HELP_USAGE = `  help [command]
      Shows this text, or the usage of one command (the same as proofroom <command> --help).
`;

/** Each command's usage, for `proofroom help <command>` and `proofroom <command> --help`. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  verify: VERIFY_USAGE,
  start: START_USAGE,
  devnet: DEVNET_USAGE,
  index: INDEX_USAGE,
  serve: SERVE_USAGE,
  sentinel: SENTINEL_USAGE,
  help: HELP_USAGE,
};

/** The commands, in the order the usage shows them. */
export const COMMANDS = Object.keys(COMMAND_USAGE);

/** One command's usage, as `proofroom help <command>` prints it. */
export function commandUsage(command: string): string {
  return `usage: proofroom ${COMMAND_USAGE[command]!.trimStart()}`;
}

/** Every command's usage, as `proofroom help` prints it. */
export const USAGE = `usage: proofroom <command> [options]

commands:
${COMMANDS.map((c) => COMMAND_USAGE[c]).join('')}`;
