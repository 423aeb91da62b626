/**
 * The worst-case number of rows an operation can make the server read, computed before it runs
 * from the page sizes it asks for (variables included). Depth and cost limits bound the shape of a
 * query but not `limit`s multiplied through nested relations (1,000 batches × 1,000 records ×
 * 1,000 lines); this bound does. Each list field counts its page size times the size of every
 * list above it; a relation to one row counts one per parent; a computed field counts its weight.
 * @module
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  valueFromAST,
} from 'graphql';

/** Rows (or queries) a computed field costs per parent. */
const WEIGHTS: Record<string, number> = {
  'ActivityRecord.receipt': 25,
  'Query.receipt': 25,
  'AttestationRound.matrix': 50,
  'EraPayout.reconciliation': 200,
  'Query._meta': 10,
};

function argNumber(
  field: FieldNode,
  def: GraphQLField<unknown, unknown>,
  name: string,
  variables: Record<string, unknown>
): number | undefined {
  const a = field.arguments?.find((x) => x.name.value === name);
  const argDef = def.args.find((x) => x.name === name);
  if (!a || !argDef) return undefined;
  const v = valueFromAST(a.value, argDef.type, variables);
  return typeof v === 'number' ? v : undefined;
}

export function estimateRows(
  schema: GraphQLSchema,
  document: { definitions: readonly unknown[] },
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  defaultPage: number,
  /** Sizes above the page limit are refused by the resolvers themselves, with their own code. */
  maxPage: number
): number {
  const defs = document.definitions as Array<OperationDefinitionNode | FragmentDefinitionNode>;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of defs) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const ops = defs.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION
  );
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op) return 0;
  const root =
    op.operation === 'query'
      ? schema.getQueryType()
      : op.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getMutationType();
  if (!root) return 0;
  let total = 0;
  const seen = new Set<string>();
  const walk = (
    set: SelectionSetNode | undefined,
    type: GraphQLNamedType,
    mult: number,
    depth: number
  ) => {
    if (!set || !isObjectType(type) || depth > 64 || total > 1e12) return;
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        const t = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        if (t) walk(s.selectionSet, t, mult, depth + 1);
        continue;
      }
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments[s.name.value];
        const key = `${s.name.value}@${depth}`;
        if (!f || seen.has(key)) continue; // a spread cycle is a validation error anyway
        seen.add(key);
        const t = schema.getType(f.typeCondition.name.value);
        if (t) walk(f.selectionSet, t, mult, depth + 1);
        seen.delete(key);
        continue;
      }
      const def = type.getFields()[s.name.value];
      if (!def) continue;
      const inner = getNullableType(def.type);
      const named = getNamedType(def.type);
      const weight = WEIGHTS[`${type.name}.${def.name}`];
      let next = mult;
      if (isListType(inner)) {
        const size =
          argNumber(s, def, 'limit', variables) ??
          (def.args.some((a) => a.name === 'limit') ? defaultPage : 1);
        next = mult * Math.min(maxPage, Math.max(1, size));
        total += next;
      } else if (named.name.endsWith('Connection')) {
        next =
          mult *
          Math.min(maxPage, Math.max(1, argNumber(s, def, 'first', variables) ?? defaultPage));
        total += next;
      } else if (isObjectType(named)) {
        total += mult;
      }
      if (weight) total += mult * weight;
      walk(s.selectionSet, named, next, depth + 1);
    }
  };
  walk(op.selectionSet, root, 1, 0);
  return total;
}
