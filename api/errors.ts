/**
 * The API's error codes. Every error a client can see carries one of these in
 * `extensions.code` (GraphQL) or `error.code` (REST); messages may change, codes do not.
 * docs/api.md lists them with the HTTP status each maps to.
 * @module
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  BAD_USER_INPUT: 400,
  BAD_FILTER: 400,
  BAD_CURSOR: 400,
  LIMIT_TOO_LARGE: 400,
  OFFSET_TOO_LARGE: 400,
  TOO_COMPLEX: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  TIMEOUT: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error meant for the client: a stable code, a message, and facts where they help. */
export class ApiError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly facts?: Record<string, unknown>
  ) {
    super(message, { extensions: { code, ...(facts ? { facts } : {}) } });
  }
}

/** The REST error body: `{ error: { code, message, facts? } }`. */
export function restError(code: ErrorCode, message: string, facts?: Record<string, unknown>) {
  return { error: { code, message, ...(facts ? { facts } : {}) } };
}

/** Whether a database error is a statement or query timeout (the client's concern, not ours). */
export function isTimeout(text: string): boolean {
  return /statement timeout|canceling statement|Query read timeout|timeout exceeded/i.test(text);
}
