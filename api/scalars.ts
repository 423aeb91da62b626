/**
 * The custom scalars of schema.graphql. Inputs are validated strictly (a bad literal is a
 * GraphQL validation error naming the value, never a database error).
 * @module
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const BIGINT = /^-?\d{1,78}$/;
const HEX = /^0x(?:[0-9a-fA-F]{2}){0,65536}$/;

function literal(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined;
}

export const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  serialize(v) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && BIGINT.test(v)) return v;
    throw new GraphQLError(`BigInt cannot represent ${String(v)}`);
  },
  parseValue(v) {
    if (typeof v === 'string' && BIGINT.test(v)) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    throw new GraphQLError('BigInt: expected an integer as a decimal string');
  },
  parseLiteral(ast) {
    const v = literal(ast);
    if (typeof v === 'string' && BIGINT.test(v)) return v;
    throw new GraphQLError('BigInt: expected an integer as a decimal string');
  },
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize(v) {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string' && Number.isFinite(Date.parse(v))) return new Date(v).toISOString();
    if (typeof v === 'number') return new Date(v).toISOString();
    throw new GraphQLError(`DateTime cannot represent ${String(v)}`);
  },
  parseValue(v) {
    if (typeof v === 'string' && v.length <= 64 && Number.isFinite(Date.parse(v))) return v;
    throw new GraphQLError('DateTime: expected an ISO 8601 string');
  },
  parseLiteral(ast) {
    if (
      ast.kind === Kind.STRING &&
      ast.value.length <= 64 &&
      Number.isFinite(Date.parse(ast.value))
    )
      return ast.value;
    throw new GraphQLError('DateTime: expected an ISO 8601 string');
  },
});

export const BytesScalar = new GraphQLScalarType({
  name: 'Bytes',
  serialize(v) {
    if (v instanceof Uint8Array)
      return `0x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    if (typeof v === 'string' && HEX.test(v)) return v.toLowerCase();
    throw new GraphQLError('Bytes cannot represent the value');
  },
  parseValue(v) {
    if (typeof v === 'string' && HEX.test(v)) return Buffer.from(v.slice(2), 'hex');
    throw new GraphQLError('Bytes: expected 0x-prefixed hex with an even number of digits');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING && HEX.test(ast.value))
      return Buffer.from(ast.value.slice(2), 'hex');
    throw new GraphQLError('Bytes: expected 0x-prefixed hex with an even number of digits');
  },
});

function jsonLiteral(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((x) => jsonLiteral(x, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        ast.fields.map((f) => [f.name.value, jsonLiteral(f.value, variables)])
      );
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      return undefined;
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => jsonLiteral(ast, variables),
});

export const SCALARS = {
  BigInt: BigIntScalar,
  DateTime: DateTimeScalar,
  Bytes: BytesScalar,
  JSON: JSONScalar,
};
