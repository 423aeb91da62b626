/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the signed bytes of an SCP activity record.
 * Object members sorted by their names' UTF-16 code units, no whitespace, strings escaped as
 * ECMAScript's JSON.stringify does (RFC 8785 §3.2.2.2), numbers in ECMAScript's shortest form
 * (§3.2.2.3). Lone surrogates, non-finite numbers and non-JSON values are rejected.
 * @module
 */
import { utf8 } from './bytes.ts';

export class JcsError extends Error {}

function serialise(v: unknown, out: string[], depth: number): void {
  if (depth > 64) throw new JcsError('nesting too deep');
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new JcsError('non-finite number');
      out.push(JSON.stringify(v));
      return;
    case 'string':
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)) {
        throw new JcsError('lone surrogate in string');
      }
      out.push(JSON.stringify(v));
      return;
    case 'object': {
      if (Array.isArray(v)) {
        out.push('[');
        v.forEach((item, k) => {
          if (k > 0) out.push(',');
          serialise(item, out, depth + 1);
        });
        out.push(']');
        return;
      }
      const obj = v as Record<string, unknown>;
      // Default sort compares UTF-16 code units, exactly what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(obj).sort();
      out.push('{');
      let first = true;
      for (const k of keys) {
        const item = obj[k];
        if (item === undefined) continue;
        if (!first) out.push(',');
        first = false;
        serialise(k, out, depth + 1);
        out.push(':');
        serialise(item, out, depth + 1);
      }
      out.push('}');
      return;
    }
    default:
      throw new JcsError(`not a JSON value: ${typeof v}`);
  }
}

/** The JCS text of a JSON value. Throws JcsError on values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  serialise(value, out, 0);
  return out.join('');
}

/**
 * The JCS text of each member of an object, in JCS order: `"name":value`. Joining any subset of
 * them with commas inside braces gives the JCS text of the object restricted to that subset,
 * because JCS orders members by name alone; so several canonical forms of one object (with and
 * without some members) cost one serialisation.
 */
export function canonicalMembers(obj: Readonly<Record<string, unknown>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const k of Object.keys(obj).sort()) {
    const item = obj[k];
    if (item === undefined) continue;
    const parts: string[] = [];
    serialise(k, parts, 1);
    parts.push(':');
    serialise(item, parts, 1);
    out.push([k, parts.join('')]);
  }
  return out;
}

/** `{…}` of the members whose names are not in `omit`. */
export function joinMembers(
  members: ReadonlyArray<[string, string]>,
  omit: readonly string[] = []
): string {
  return (
    '{' +
    members
      .filter(([k]) => !omit.includes(k))
      .map(([, t]) => t)
      .join(',') +
    '}'
  );
}

/** The UTF-8 bytes of the JCS text. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
