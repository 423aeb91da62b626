/**
 * Prometheus metrics of the sentinel: samples and node checks by outcome, fetch latency per node,
 * rounds, the confidence of each cluster's latest round, webhook deliveries and evidence files.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class SentinelMetrics {
  readonly registry = new Registry();
  readonly samples = new Counter({
    name: 'proofroom_sentinel_samples_total',
    help: 'Sampled leaves checked on every chosen node, by result (ok: every node served them intact)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly checks = new Counter({
    name: 'proofroom_sentinel_checks_total',
    help: 'Node checks of sampled leaves, by node and outcome (ok, mismatch, missing, timeout, error)',
    labelNames: ['node', 'kind'],
    registers: [this.registry],
  });
  readonly fetchSeconds = new Histogram({
    name: 'proofroom_sentinel_fetch_seconds',
    help: 'Payload fetch time per node, timeouts included',
    labelNames: ['node'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly rounds = new Counter({
    name: 'proofroom_sentinel_rounds_total',
    help: 'Rounds started and completed',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly confidence = new Gauge({
    name: 'proofroom_sentinel_confidence',
    help: "Confidence achieved by the cluster's latest round: the chance its sample would catch the target bad fraction",
    labelNames: ['cluster'],
    registers: [this.registry],
  });
  readonly roundFailed = new Gauge({
    name: 'proofroom_sentinel_round_failed_samples',
    help: "Failed samples of the cluster's latest round",
    labelNames: ['cluster'],
    registers: [this.registry],
  });
  readonly lastEra = new Gauge({
    name: 'proofroom_sentinel_last_era',
    help: 'The newest era the sentinel completed, per cluster',
    labelNames: ['cluster'],
    registers: [this.registry],
  });
  readonly pendingEras = new Gauge({
    name: 'proofroom_sentinel_pending_eras',
    help: 'Paid, finalized eras not yet completed by this sentinel',
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: 'proofroom_sentinel_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result (delivered, failed, gave_up)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly evidenceFiles = new Counter({
    name: 'proofroom_sentinel_evidence_files_total',
    help: 'Signed evidence files written',
    registers: [this.registry],
  });

  /** Serves `/metrics` on `port` (0: any free port). */
  async serve(port: number, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.statusCode = 404;
        res.end('not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) => {
          res.setHeader('Content-Type', this.registry.contentType);
          res.end(text);
        },
        () => {
          res.statusCode = 500;
          res.end('metrics failed\n');
        }
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    return {
      url: `http://${host}:${a.port}/metrics`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
}
