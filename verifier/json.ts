/**
 * A strict JSON reader (RFC 8259) for hostile input. Unlike `JSON.parse` it rejects duplicate object
 * keys (a signed payload with two `revoked` keys means different things to different parsers), bounds
 * nesting depth and input size, and reports the offset of the first error instead of throwing.
 * Numbers become JS numbers; integers beyond 2^53 are rejected, so amounts travel as strings.
 * @module
 */
import { type Parsed, parsed, rejected } from './lines.ts';

export interface JsonLimits {
  /** Maximum input length in UTF-16 code units. Default 8 MiB. */
  readonly maxLength?: number;
  /** Maximum nesting depth of arrays and objects. Default 64. */
  readonly maxDepth?: number;
}

class JsonError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number
  ) {
    super(reason);
  }
}

// The parser's state: module-level, so a parse creates no closures and compiles no regexes. Safe
// because a parse is synchronous and calls nothing that could start another one.
let text = '';
let i = 0;
let n = 0;
let maxDepth = 64;

// A run of plain characters: no quote, backslash or control character.
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON forbids here
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const NUM_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const FRACTION_OR_EXPONENT = /[.eE]/;

export function parseJson(input: string, limits: JsonLimits = {}): Parsed<unknown> {
  const maxLength = limits.maxLength ?? 8 * 1024 * 1024;
  if (input.length > maxLength) return rejected('TOO_LARGE', { length: input.length, maxLength });
  text = input;
  i = 0;
  n = input.length;
  maxDepth = limits.maxDepth ?? 64;
  try {
    const value = parseValue(0);
    skip();
    if (i !== n) throw new JsonError('trailing characters', i);
    return parsed(value);
  } catch (e) {
    if (e instanceof JsonError)
      return rejected('BAD_ENCODING', { error: e.reason, offset: e.offset });
    return rejected('BAD_ENCODING', { error: 'unparseable JSON' });
  } finally {
    text = ''; // holds no reference to the input
  }
}

function skip(): void {
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
}

function expect(word: string): void {
  if (text.startsWith(word, i)) i += word.length;
  else throw new JsonError(`expected ${word}`, i);
}

function parseString(): string {
  // i at the opening quote
  i++;
  PLAIN.lastIndex = i;
  PLAIN.test(text);
  if (text.charCodeAt(PLAIN.lastIndex) === 0x22) {
    // The common case, a string without escapes, in one native scan.
    const out = text.slice(i, PLAIN.lastIndex);
    i = PLAIN.lastIndex + 1;
    return out;
  }
  let out = '';
  let start = i;
  for (;;) {
    if (i >= n) throw new JsonError('unterminated string', i);
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      out += text.slice(start, i);
      i++;
      return out;
    }
    if (c < 0x20) throw new JsonError('control character in string', i);
    if (c === 0x5c) {
      out += text.slice(start, i);
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(i, i + 4);
          if (!HEX4.test(hex)) throw new JsonError('bad \\u escape', i);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          throw new JsonError('bad escape', i - 1);
      }
      start = i;
      continue;
    }
    i++;
  }
}

function parseNumber(): number {
  NUM_RE.lastIndex = i;
  const m = NUM_RE.exec(text);
  if (!m) throw new JsonError('bad number', i);
  i += m[0].length;
  const v = Number(m[0]);
  if (!Number.isFinite(v)) throw new JsonError('number out of range', i);
  if (Number.isInteger(v) && !Number.isSafeInteger(v) && !FRACTION_OR_EXPONENT.test(m[0])) {
    throw new JsonError('integer beyond 2^53: send it as a string', i);
  }
  return v;
}

function parseValue(depth: number): unknown {
  skip();
  if (i >= n) throw new JsonError('unexpected end', i);
  const c = text[i];
  if (c === '{') {
    if (depth >= maxDepth) throw new JsonError('nesting too deep', i);
    i++;
    const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    skip();
    if (text[i] === '}') {
      i++;
      return obj;
    }
    for (;;) {
      skip();
      if (text[i] !== '"') throw new JsonError('expected key', i);
      const keyAt = i;
      const key = parseString();
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        throw new JsonError(`duplicate key "${key.slice(0, 64)}"`, keyAt);
      }
      skip();
      if (text[i] !== ':') throw new JsonError('expected :', i);
      i++;
      obj[key] = parseValue(depth + 1);
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return obj;
      }
      throw new JsonError('expected , or }', i);
    }
  }
  if (c === '[') {
    if (depth >= maxDepth) throw new JsonError('nesting too deep', i);
    i++;
    const arr: unknown[] = [];
    skip();
    if (text[i] === ']') {
      i++;
      return arr;
    }
    for (;;) {
      arr.push(parseValue(depth + 1));
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return arr;
      }
      throw new JsonError('expected , or ]', i);
    }
  }
  if (c === '"') return parseString();
  if (c === 't') return (expect('true'), true);
  if (c === 'f') return (expect('false'), false);
  if (c === 'n') return (expect('null'), null);
  return parseNumber();
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A hostile value as text for a failed line's facts. `String(v)` throws on the objects `parseJson`
 * builds (they have no prototype, hence no `toString`), and on arrays holding them; a failed check
 * must become data, never an exception, so objects and arrays are named by their kind.
 */
export function valueText(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}
