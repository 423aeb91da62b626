/**
 * Prometheus metrics of the API process: requests by route and status, latency histograms,
 * GraphQL operations and errors by code, live subscribers, exported rows, the database pool, and
 * the default process metrics (CPU, memory, event loop lag).
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'proofroom_api_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'proofroom_api_request_seconds',
    help: 'HTTP request latency by route (until the response is finished)',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'proofroom_api_graphql_operations_total',
    help: 'GraphQL operations by type and outcome',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'proofroom_api_errors_total',
    help: 'Errors returned to clients by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly subscribers = new Gauge({
    name: 'proofroom_api_live_subscribers',
    help: 'Open GraphQL subscriptions (Server-Sent Events)',
    registers: [this.registry],
  });
  readonly exported = new Counter({
    name: 'proofroom_api_export_rows_total',
    help: 'Rows streamed by the export endpoints',
    labelNames: ['entity', 'format'],
    registers: [this.registry],
  });
  readonly pool = new Gauge({
    name: 'proofroom_api_db_pool_clients',
    help: 'Database pool clients by state',
    labelNames: ['state'],
    registers: [this.registry],
  });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'proofroom_api_' });
  }
}
