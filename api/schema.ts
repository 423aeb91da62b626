/**
 * The executable GraphQL schema: schema.graphql (with list arguments on relation fields) plus the
 * SDL derived from its entities, and every resolver.
 * @module
 */
import { type GraphQLResolveInfo, type GraphQLSchema, print } from 'graphql';
import { createSchema, filter, pipe } from 'graphql-yoga';
import type { ApiContext } from './context.ts';
import { byId, entityResolvers } from './entities.ts';
import { ApiError } from './errors.ts';
import type { LiveFeed, ReceiptEvent } from './live.ts';
import { type Model, derivedSdl, withListArguments } from './model.ts';
import { countCopies, loadRecordObject, reasonOf, receiptLoader, statusOf } from './receipt.ts';
import { SCALARS } from './scalars.ts';
import {
  activityStats,
  checkStats,
  meta,
  reconciliation,
  squidStatus,
  voteMatrix,
} from './views.ts';

type Row = Record<string, unknown>;
type Args = Record<string, unknown>;
type Resolver = (p: unknown, a: Args, ctx: ApiContext, info: GraphQLResolveInfo) => unknown;

/** `resolve`, its result kept as one of the request's root reads (ApiContext.rootReads). */
function rootRead(resolve: Resolver): Resolver {
  return (p, a, ctx, info) => {
    const r = resolve(p, a, ctx, info);
    if (r instanceof Promise) ctx.rootReads.add(r);
    return r;
  };
}

/**
 * Settles once the request's other root fields have been read, so that a status read after it
 * is at or above the height of everything they list: a write commits its rows and the status
 * together, and heights only grow (a fork may lower them). Both graphql-js and graphql-jit call
 * every root resolver of a query before awaiting any, so one turn of the microtask queue lets
 * every sibling register its read.
 */
async function afterRootReads(ctx: ApiContext): Promise<void> {
  await null;
  await Promise.allSettled([...ctx.rootReads]);
}

/** The full SDL the server runs (schema.graphql plus the derived entity queries). */
export function fullSdl(model: Model): string {
  return `${print(withListArguments(model))}\n\n${derivedSdl(model)}`;
}

/** The status fields, read last; every other root field of Query is a root read. */
const STATUS_FIELDS = new Set(['_meta', 'squidStatus']);

function withRootReads(query: Record<string, Resolver>): Record<string, Resolver> {
  return Object.fromEntries(
    Object.entries(query).map(([name, r]) => [name, STATUS_FIELDS.has(name) ? r : rootRead(r)])
  );
}

export function buildSchema(model: Model, live: LiveFeed): GraphQLSchema {
  const generated = entityResolvers(model.entities.values(), (n) => model.entities.get(n)!);
  const subscribe = <T>(topic: 'receipt' | 'failedCheck', keep: (v: T, args: Args) => boolean) => ({
    subscribe: (_p: unknown, args: Args) => {
      live.ensureStarted();
      return pipe(
        live.pubsub.subscribe(topic),
        filter((v: unknown) => keep(v as T, args))
      );
    },
    resolve: (v: unknown) => v,
  });
  const matches = (want: unknown, have: unknown) =>
    want === undefined || want === null || want === have;
  return createSchema<ApiContext>({
    typeDefs: fullSdl(model),
    resolvers: {
      ...SCALARS,
      ...generated.types,
      ActivityRecord: {
        ...generated.types.ActivityRecord,
        // Batched: a page of records reads its receipts with one statement.
        receipt: (row: Row, _a: Args, ctx: ApiContext) =>
          receiptLoader(ctx.loaders, ctx.db)({ id: String(row.id) }),
      },
      AttestationRound: {
        ...generated.types.AttestationRound,
        matrix: (row: Row, _a: Args, ctx: ApiContext) => voteMatrix(ctx, row),
      },
      EraPayout: {
        ...generated.types.EraPayout,
        reconciliation: (row: Row, _a: Args, ctx: ApiContext) => reconciliation(ctx, row),
      },
      VerificationLine: {
        ...generated.types.VerificationLine,
        reason: (row: Row) => reasonOf(row.code as string | null),
        status: (row: Row) =>
          statusOf({
            ok: row.ok === true,
            pending: row.pending === true,
            skipped: row.skipped === true,
          }),
      },
      SentinelCheck: {
        ...generated.types.SentinelCheck,
        reason: (row: Row) => reasonOf(row.code as string | null),
      },
      Receipt: {
        record: (r: { id: string }, _a: Args, ctx: ApiContext) => loadRecordObject(ctx.db, r.id),
        copies: (r: { recordId: string }, _a: Args, ctx: ApiContext) =>
          countCopies(ctx.db, r.recordId),
        activity: (r: { id: string }, _a: Args, ctx: ApiContext, info: GraphQLResolveInfo) =>
          byId(ctx, model.entities.get('ActivityRecord')!, { id: r.id }, info),
        bundleUrl: (r: { id: string }, _a: Args, ctx: ApiContext) =>
          `${ctx.baseUrl}/v1/receipts/${encodeURIComponent(r.id)}`,
      },
      Query: withRootReads({
        ...generated.Query,
        // An unknown record is a NOT_FOUND error (the field is null and the error names the key).
        receipt: async (_p: unknown, args: Args, ctx: ApiContext) => {
          const { id, recordId } = args;
          if (typeof id !== 'string' && typeof recordId !== 'string')
            throw new ApiError('BAD_USER_INPUT', 'receipt needs recordId or id');
          const key = typeof id === 'string' ? { id } : { recordId: recordId as string };
          const found = await receiptLoader(ctx.loaders, ctx.db)(key);
          if (found === null)
            throw new ApiError(
              'NOT_FOUND',
              'id' in key
                ? `no activity record has the id ${JSON.stringify(key.id)}`
                : `no activity record has the record id ${JSON.stringify(key.recordId)}`,
              key
            );
          return found;
        },
        // The status is read after the request's other root fields (afterRootReads).
        _meta: (_p: unknown, _a: Args, ctx: ApiContext) =>
          afterRootReads(ctx).then(() => meta(ctx)),
        squidStatus: (_p: unknown, _a: Args, ctx: ApiContext) =>
          afterRootReads(ctx).then(() => squidStatus(ctx)),
        activityStats: (_p: unknown, args: Args, ctx: ApiContext) => activityStats(ctx, args),
        checkStats: (_p: unknown, args: Args, ctx: ApiContext) => checkStats(ctx, args),
      }),
      Subscription: {
        receiptFinalized: subscribe<ReceiptEvent>(
          'receipt',
          (v, a) =>
            matches(a.clusterId, v.clusterId) &&
            matches(a.customerId, v.customerId) &&
            matches(a.providerId, v.providerId)
        ),
        failedCheck: subscribe<Row>(
          'failedCheck',
          (v, a) =>
            matches(a.step, v.step) &&
            matches(a.code, v.code) &&
            matches(a.subjectKind, v.subject_kind)
        ),
      },
    },
  });
}
