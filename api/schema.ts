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

/** The full SDL the server runs (schema.graphql plus the derived entity queries). */
export function fullSdl(model: Model): string {
  return `${print(withListArguments(model))}\n\n${derivedSdl(model)}`;
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
      Query: {
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
        _meta: (_p: unknown, _a: Args, ctx: ApiContext) => meta(ctx),
        squidStatus: (_p: unknown, _a: Args, ctx: ApiContext) => squidStatus(ctx),
        activityStats: (_p: unknown, args: Args, ctx: ApiContext) => activityStats(ctx, args),
        checkStats: (_p: unknown, args: Args, ctx: ApiContext) => checkStats(ctx, args),
      },
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
