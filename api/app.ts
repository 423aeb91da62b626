/**
 * The API application: graphql-yoga mounted on express, the REST routes (receipt bundles,
 * sentinel evidence, streamed exports), `/metrics` and `/healthz`, with the protections (body
 * size, depth, cost, aliases, tokens, page sizes, execution time, per-client rate limit, CORS,
 * masked errors).
 * Building the app is separate from listening (api/server.ts), so tests drive it without a port.
 * @module
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import {
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type TypeNode,
  isInputObjectType,
} from 'graphql';
import { type Plugin, createGraphQLError, createYoga } from 'graphql-yoga';
import { estimateRows } from './complexity.ts';
import { EraEvidenceCache } from './era-cache.ts';
import type { ApiConfig } from './config.ts';
import type { ApiContext, Queryable } from './context.ts';
import { ERROR_CODES, type ErrorCode, isTimeout, restError } from './errors.ts';
import { exportRoute } from './export.ts';
import { explorerRouter } from './explorer.ts';
import { LiveFeed } from './live.ts';
import { ApiMetrics } from './metrics.ts';
import { type Model, loadModel } from './model.ts';
import { ChainProofSource } from '../verifier/proof-source.ts';
import { fetchRpcBatch } from './rpc.ts';
import { bundleRoute, evidenceRoute, receiptsPostRoute } from './rest.ts';
import { withNamedStatements } from './prepared.ts';
import { buildSchema } from './schema.ts';

export interface ApiOptions {
  readonly db: Queryable;
  readonly config: ApiConfig;
  /** Pool statistics for /metrics (a pg.Pool has them). */
  readonly poolStats?: () => { total: number; idle: number; waiting: number };
  readonly metrics?: ApiMetrics;
  /** Where errors that are masked from clients are logged (default: stderr). */
  readonly log?: (message: string) => void;
}

export interface Api {
  readonly app: express.Express;
  readonly model: Model;
  readonly live: LiveFeed;
  readonly metrics: ApiMetrics;
  close(): void;
}

/** Routes named for metrics (never the raw path, which would explode the label set). */
function routeOf(req: Request): string {
  const p = req.path;
  if (p === '/graphql') return '/graphql';
  if (p.startsWith('/v1/receipts/')) return '/v1/receipts/:id';
  if (p === '/v1/receipts') return '/v1/receipts';
  if (p.startsWith('/v1/sentinel/evidence/')) return '/v1/sentinel/evidence/:id';
  if (p.startsWith('/v1/export/')) return '/v1/export/:file';
  if (p === '/metrics' || p === '/healthz') return p;
  if (p.startsWith('/assets/')) return 'explorer-asset';
  if (!p.startsWith('/v1/')) return 'explorer-page';
  return 'other';
}

const codeOf = (e: GraphQLError): string => {
  const c = e.extensions?.code;
  return typeof c === 'string' ? c : 'GRAPHQL_VALIDATION_FAILED';
};

/** Execution time limit: the operation's result becomes a TIMEOUT error after `ms`. */
function timeoutPlugin(ms: number): Plugin<ApiContext> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<ExecutionResult>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({
                data: null,
                errors: [
                  createGraphQLError(`the operation took longer than ${ms} ms`, {
                    extensions: { code: 'TIMEOUT', facts: { limitMs: ms }, http: { status: 503 } },
                  }),
                ],
              }),
            ms
          );
        });
        const run = Promise.resolve(executeFn(args) as Promise<ExecutionResult>);
        return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
      });
    },
  };
}

/** Whether the executed operation declares a variable of an input object type. */
function hasInputObjectVariable(args: ExecutionArgs): boolean {
  const ops = args.document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION
  );
  const op = args.operationName ? ops.find((o) => o.name?.value === args.operationName) : ops[0];
  for (const v of op?.variableDefinitions ?? []) {
    let t: TypeNode = v.type;
    while (t.kind !== Kind.NAMED_TYPE) t = t.type;
    if (isInputObjectType(args.schema.getType(t.name.value))) return true;
  }
  return false;
}

/** Refuses an operation whose worst-case row count (api/complexity.ts) is above the limit. */
function rowBudgetPlugin(
  maxRows: number,
  defaultPage: number,
  maxPage: number
): Plugin<ApiContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const rows = estimateRows(
        args.schema,
        args.document,
        args.operationName,
        (args.variableValues ?? {}) as Record<string, unknown>,
        defaultPage,
        maxPage
      );
      if (rows > maxRows)
        setResultAndStopExecution({
          data: null,
          errors: [
            createGraphQLError(
              `the operation could read up to ${Math.round(rows)} rows, more than ${maxRows}: ask for smaller pages (limit, first) in nested lists`,
              {
                extensions: {
                  code: 'TOO_COMPLEX',
                  facts: { estimatedRows: Math.round(rows), maxRows },
                },
              }
            ),
          ],
        });
    },
  };
}

/** Counts operations and error codes; gives validation errors without a code a stable one. */
function metricsPlugin(metrics: ApiMetrics): Plugin<ApiContext> {
  return {
    onValidate() {
      return ({ result }) => {
        for (const e of result)
          if (!e.extensions?.code)
            (e.extensions as Record<string, unknown>).code = 'GRAPHQL_VALIDATION_FAILED';
      };
    },
    onExecute({ args }) {
      const op = args.document.definitions.find(
        (d: { kind: string }) => d.kind === 'OperationDefinition'
      );
      const type = op && 'operation' in op ? op.operation : 'unknown';
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return; // a subscription's stream
          const errors = (result as ExecutionResult).errors ?? [];
          metrics.operations.inc({ type, outcome: errors.length ? 'error' : 'ok' });
        },
      };
    },
    // Errors are counted in the answer as sent, whatever stage produced them: parsing, the limits
    // (thrown from validation), the row budget, execution, masking. A subscription's events are
    // not counted here (a stream has no single answer).
    onResultProcess({ result }) {
      for (const r of Array.isArray(result) ? result : [result]) {
        if (!r || Symbol.asyncIterator in r) continue;
        for (const e of (r as ExecutionResult).errors ?? [])
          metrics.errors.inc({ code: codeOf(e as GraphQLError) });
      }
    },
  };
}

/**
 * What a client sees of an error: errors of ours keep their code, graphql-js's own get one, a
 * database timeout becomes `TIMEOUT`, and anything else is logged and masked as `INTERNAL`.
 */
function maskError(
  error: unknown,
  message: string,
  timeoutMs: number,
  log: (m: string) => void
): Error {
  // Errors meant for clients carry a code of ours; graphql-js's own (parse, validation,
  // variable coercion) have no original error. Checked by shape, not by class: a test
  // runner may load graphql's ESM and CJS builds side by side.
  const chain: unknown[] = [];
  for (
    let e: unknown = error;
    e && chain.length < 5;
    e = (e as { originalError?: unknown }).originalError
  )
    chain.push(e);
  const coded = chain.find((e) => {
    const c = (e as { extensions?: { code?: unknown } }).extensions?.code;
    return typeof c === 'string' && c in ERROR_CODES;
  });
  if (coded) return coded as Error;
  const original = chain.at(-1);
  if (chain.length === 1 && (error as { name?: string }).name === 'GraphQLError') {
    // graphql-armor throws its depth, alias, directive and cost refusals from validation
    // rules as bare "Syntax Error: …" errors; like every error a client sees, they get a code.
    const e = error as GraphQLError;
    if (!e.extensions?.code && e.message.startsWith('Syntax Error:'))
      return createGraphQLError(e.message, {
        extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    return error as Error;
  }
  // Database timeouts are the client's concern; anything else is ours and masked.
  const text = original instanceof Error ? original.message : String(original);
  if (isTimeout(text))
    return createGraphQLError(`the operation took longer than ${timeoutMs} ms`, {
      extensions: { code: 'TIMEOUT', http: { status: 503 } },
    });
  log(`masked error: ${original instanceof Error ? (original.stack ?? text) : text}`);
  return createGraphQLError(message, { extensions: { code: 'INTERNAL' } });
}

/** The GraphQL server's plugins: the armour limits, compiled execution, budgets and metrics. */
function yogaPlugins(config: ApiConfig, metrics: ApiMetrics) {
  const limits = config.limits;
  return [
    maxTokensPlugin({ n: limits.maxTokens }),
    maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesPlugin({ n: limits.maxAliases }),
    maxDirectivesPlugin({ n: 20 }),
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true }),
    blockFieldSuggestionsPlugin(),
    // Compiled execution: the same resolvers, run by code graphql-jit generates per document.
    // Not for operations with input-object variables: graphql-jit 0.8.7 generates coercion code
    // for the variable's type without end when the type is recursive (every *WhereInput is,
    // through AND/OR and relation filters), and the process runs out of memory.
    useGraphQlJit({}, { enableIf: (args) => config.jit && !hasInputObjectVariable(args) }),
    rowBudgetPlugin(limits.maxRows, limits.defaultPageSize, limits.maxPageSize),
    timeoutPlugin(limits.timeoutMs),
    metricsPlugin(metrics),
    {
      onSubscribe() {
        metrics.subscribers.inc();
        return {
          onSubscribeResult() {
            return {
              onEnd() {
                metrics.subscribers.dec();
              },
            };
          },
        };
      },
    },
  ];
}

/** Counts every request by route, method and status, and every REST error answer by its code. */
function countRequests(metrics: ApiMetrics): express.RequestHandler {
  return (req, res, next) => {
    const t0 = process.hrtime.bigint();
    const route = routeOf(req); // before a mount point strips the path
    // Every REST error answer ({ error: { code } }) is counted by its code, like GraphQL's.
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
      if (typeof code === 'string' && code in ERROR_CODES) metrics.errors.inc({ code });
      return json(body);
    };
    res.on('finish', () => {
      metrics.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.latency.observe({ route }, Number(process.hrtime.bigint() - t0) / 1e9);
    });
    next();
  };
}

/** `GET /healthz`: the database answers, and how far the indexer is. */
function healthRoute(db: Queryable) {
  return async (_req: Request, res: Response): Promise<void> => {
    const t0 = performance.now();
    try {
      await db.query('SELECT 1');
    } catch (e) {
      res.status(503).json({
        status: 'unavailable',
        database: { ok: false, error: e instanceof Error ? e.message : String(e) },
      });
      return;
    }
    const database = { ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
    const st = (
      await db
        .query(
          `SELECT height, best_height, finalized_height,
                extract(epoch FROM now() - updated_at)::float8 AS age
           FROM indexer_status WHERE id = 'main'`
        )
        .catch(() => null)
    )?.rows;
    if (!st) {
      res.status(503).json({
        status: 'unavailable',
        database,
        error: 'the database has no Proof Room schema: run the indexer against it first',
      });
      return;
    }
    const s = st[0];
    res.json({
      status: 'ok',
      database,
      indexer: s
        ? {
            indexedHeight: s.height,
            bestHeight: s.best_height,
            finalizedHeight: s.finalized_height,
            lag: Number(s.best_height) - Number(s.height),
            secondsSinceUpdate: Math.round(Number(s.age) * 10) / 10,
          }
        : null,
    });
  };
}

/** The per-client request limit; a refusal is `RATE_LIMITED`, counted like every error. */
function rateLimiter(config: ApiConfig, metrics: ApiMetrics): express.RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      metrics.errors.inc({ code: 'RATE_LIMITED' });
      res.status(429).json(
        restError(
          'RATE_LIMITED',
          `more than ${config.rateLimitPerMinute} requests a minute from this client`,
          {
            limitPerMinute: config.rateLimitPerMinute,
          }
        )
      );
    },
  });
}

/** The last word on a request that failed outside GraphQL: a coded JSON error, never a stack. */
function errorHandler(
  maxBodyBytes: number,
  timeoutMs: number,
  metrics: ApiMetrics,
  log: (m: string) => void
) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const e = err as { type?: string; status?: number; message?: string };
    let code: ErrorCode = 'INTERNAL';
    let message = 'internal error';
    if (e?.type === 'entity.too.large') {
      code = 'PAYLOAD_TOO_LARGE';
      message = `the request body is larger than ${maxBodyBytes} bytes`;
    } else if (e?.type === 'entity.parse.failed') {
      code = 'BAD_USER_INPUT';
      message = 'the request body is not valid JSON';
    } else if (e?.status && e.status >= 400 && e.status < 500) {
      code = 'BAD_USER_INPUT';
      message = e.message ?? 'bad request';
    } else if (isTimeout(e?.message ?? '')) {
      // A REST route (a bundle, an export) whose statement ran out of time, as GraphQL says it.
      code = 'TIMEOUT';
      message = `the request took longer than ${timeoutMs} ms`;
    } else
      log(`request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (res.headersSent) {
      metrics.errors.inc({ code });
      res.destroy();
      return;
    }
    res
      .status(code === 'BAD_USER_INPUT' && e?.status ? e.status : ERROR_CODES[code])
      .json(restError(code, message));
  };
}

export function createApi(opts: ApiOptions): Api {
  const { db, config } = opts;
  const log = opts.log ?? ((m: string) => process.stderr.write(`proofroom api: ${m}\n`));
  const metrics = opts.metrics ?? new ApiMetrics();
  const model = loadModel();
  const live = new LiveFeed(db, config.livePollMs, (e) => log(`live feed: ${String(e)}`));
  const schema = buildSchema(model, live);
  const eras = new EraEvidenceCache(config.eraCacheSize);
  const limits = config.limits;

  // GraphQL's hot statements (a receipt) go by name on a PostgreSQL server (api/prepared.ts).
  const graphDb = config.embeddedDatabase ? db : withNamedStatements(db);
  const yoga = createYoga<{ req: Request; res: Response }, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql ? { title: 'Proof Room GraphQL' } : false,
    landingPage: false,
    cors: false, // express handles CORS for every route
    batching: false,
    logging: false,
    context: ({ req }) => ({
      db: graphDb,
      model,
      limits,
      loaders: new Map(),
      baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      payoutBatchSize: config.payoutBatchSize,
      eras,
      rootReads: new Set(),
    }),
    maskedErrors: {
      maskError: (error, message) => maskError(error, message, limits.timeoutMs, log),
    },
    plugins: yogaPlugins(config, metrics),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(countRequests(metrics));
  app.use(
    cors({
      origin: config.corsOrigins === '*' ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Content-Type', 'Accept', 'Authorization'],
      maxAge: 600,
    })
  );

  app.get('/healthz', healthRoute(db));
  app.get('/metrics', async (_req, res) => {
    const s = opts.poolStats?.();
    if (s) {
      metrics.pool.set({ state: 'total' }, s.total);
      metrics.pool.set({ state: 'idle' }, s.idle);
      metrics.pool.set({ state: 'waiting' }, s.waiting);
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  // The explorer's files are static and cheap: served before the rate limit counts a request.
  if (config.explorerDir !== null) {
    app.use(explorerRouter({ dir: config.explorerDir, embedAncestors: config.embedAncestors }));
  }

  if (config.rateLimitPerMinute > 0) app.use(rateLimiter(config, metrics));

  const proofs = config.rpcUrl
    ? new ChainProofSource(fetchRpcBatch(config.rpcUrl), () => performance.now())
    : null;
  app.get('/v1/receipts/:id', bundleRoute(db, config, eras, proofs));
  // Many bundles as NDJSON: after the rate limit, so the whole request counts once.
  app.post('/v1/receipts', ...receiptsPostRoute(db, config, eras, proofs, log));
  app.get('/v1/sentinel/evidence/:id', evidenceRoute(db));
  app.get('/v1/export/:file', exportRoute(db, model, config, metrics));

  // GraphQL: JSON bodies only, size-limited before yoga sees them.
  app.use(
    '/graphql',
    express.json({ limit: limits.maxBodyBytes, type: ['application/json', 'application/*+json'] }),
    (req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'POST' && (req.body === undefined || typeof req.body !== 'object')) {
        res
          .status(415)
          .json(
            restError(
              'BAD_USER_INPUT',
              'POST /graphql takes a JSON body (Content-Type: application/json)'
            )
          );
        return;
      }
      next();
    },
    yoga as unknown as express.RequestHandler
  );

  app.use((_req, res) => {
    res.status(404).json(restError('NOT_FOUND', 'no such route; see docs/api.md'));
  });
  app.use(errorHandler(limits.maxBodyBytes, limits.timeoutMs, metrics, log));

  return { app, model, live, metrics, close: () => live.close() };
}
