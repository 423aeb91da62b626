import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../verifier/jcs.ts';
import { parseJson } from '../verifier/json.ts';
import { formatRfc3339, parseRfc3339 } from '../verifier/time.ts';

describe('RFC 8785 JSON canonicalization', () => {
  it('reproduces the RFC 8785 section 3.2.2 example', () => {
    // RFC 8785 §3.2.2, input and expected output transcribed from the RFC's example.
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}'
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 section 3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the member names in output order (a parsed JS object would put "1" first).
    const keys = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) =>
      JSON.parse(`"${m[1]}"`)
    );
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('is idempotent and parse-stable (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
      })
    );
  });

  it('rejects lone surrogates and non-finite numbers', () => {
    expect(() => canonicalJson({ a: '\ud800' })).toThrow();
    expect(() => canonicalJson([Infinity])).toThrow();
  });
});

describe('strict JSON reader', () => {
  it('agrees with JSON.parse on valid JSON without duplicate keys (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const r = parseJson(text);
        // By design, integers beyond 2^53 are refused (amounts travel as strings).
        if (!r.ok) expect(r.facts.error).toBe('integer beyond 2^53: send it as a string');
        else expect(JSON.stringify(r.value)).toBe(JSON.stringify(JSON.parse(text)));
      })
    );
  });

  it('never throws on garbage and reports an offset', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseJson(s);
        if (!r.ok) expect(r.code).toMatch(/BAD_ENCODING|TOO_LARGE/);
      })
    );
    expect(parseJson('{"a":1,"a":2}')).toMatchObject({
      ok: false,
      facts: { error: 'duplicate key "a"' },
    });
    expect(parseJson('[1,]')).toMatchObject({ ok: false });
    expect(parseJson('12345678901234567890')).toMatchObject({ ok: false });
    expect(parseJson('{"__proto__":{"x":1}}')).toMatchObject({ ok: true });
    expect(parseJson('['.repeat(65) + ']'.repeat(65))).toMatchObject({
      ok: false,
      facts: { error: 'nesting too deep' },
    });
  });
});

describe('RFC 3339 time', () => {
  it('matches Date.parse on valid timestamps and round-trips (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        const s = formatRfc3339(ms);
        expect(parseRfc3339(s)).toBe(ms);
        expect(parseRfc3339(s)).toBe(Date.parse(s));
      })
    );
  });

  it('rejects impossible dates and other formats', () => {
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01 00:00:00Z',
      '2024-01-01T00:00:00',
      '1700000000',
      '',
    ]) {
      expect(parseRfc3339(bad), bad).toBeNull();
    }
    expect(parseRfc3339('2024-02-29T23:00:00-01:30')).toBe(Date.parse('2024-02-29T23:00:00-01:30'));
  });
});
