// Vary merging.
import { describe, expect, it } from '@jest/globals';
import { appendVary } from './vary.js';

const PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

describe('appendVary', () => {
  // Sources: expressjs/cors (#9), @fastify/cors (#36), hono (#39, #40), @koa/cors (#44),
  // Spring preventDuplicatedVaryHeaders (S26), ASP.NET ApplyResult_AppendsVaryHeader (A11).
  const table: { name: string; current: unknown; names: string; expected: string }[] = [
    { name: 'no Vary yet', current: undefined, names: 'Origin', expected: 'Origin' },
    { name: 'null', current: null, names: 'Origin', expected: 'Origin' },
    { name: 'empty string', current: '', names: 'Origin', expected: 'Origin' },
    { name: 'blank string', current: '  ', names: 'Origin', expected: 'Origin' },
    { name: 'empty array', current: [], names: 'Origin', expected: 'Origin' },
    { name: 'appends to one name (express #9)', current: 'Foo', names: 'Origin', expected: 'Foo, Origin' },
    { name: 'appends to a cookie Vary (ASP.NET A11)', current: 'Cookie', names: 'Origin', expected: 'Cookie, Origin' },
    {
      name: 'handler set its own Vary (hono #39)',
      current: 'X-Custom-Vary-Value',
      names: 'Origin',
      expected: 'X-Custom-Vary-Value, Origin',
    },
    {
      name: 'preflight names after Accept-Encoding (hono #40)',
      current: 'Accept-Encoding',
      names: PREFLIGHT,
      expected: `Accept-Encoding, ${PREFLIGHT}`,
    },
    { name: 'already present, same case', current: 'Origin', names: 'Origin', expected: 'Origin' },
    { name: 'already present, other case', current: 'origin', names: 'Origin', expected: 'origin' },
    { name: 'already present in upper case', current: 'ORIGIN', names: 'Origin', expected: 'ORIGIN' },
    {
      name: 'already present among others (koa #44)',
      current: 'Origin, Accept-Encoding',
      names: 'Origin',
      expected: 'Origin, Accept-Encoding',
    },
    { name: 'already present with odd spacing', current: 'Accept-Encoding ,origin', names: 'Origin', expected: 'Accept-Encoding ,origin' },
    { name: 'some of several names present', current: 'Origin', names: PREFLIGHT, expected: PREFLIGHT },
    {
      name: 'some of several names present, other case',
      current: 'access-control-request-method',
      names: PREFLIGHT,
      expected: 'access-control-request-method, Origin, Access-Control-Request-Headers',
    },
    { name: 'all preflight names present (Spring S26)', current: PREFLIGHT, names: PREFLIGHT, expected: PREFLIGHT },
    { name: 'star is kept (koa #44)', current: '*', names: 'Origin', expected: '*' },
    { name: 'star among names is kept', current: 'Accept-Encoding, *', names: PREFLIGHT, expected: 'Accept-Encoding, *' },
    { name: 'array of field lines (fastify #36)', current: ['foo', 'bar'], names: 'Origin', expected: 'foo, bar, Origin' },
    {
      name: 'array with the name already present',
      current: ['Accept-Encoding', 'origin'],
      names: 'Origin',
      expected: 'Accept-Encoding, origin',
    },
    { name: 'array with a star', current: ['Accept-Encoding', '*'], names: 'Origin', expected: 'Accept-Encoding, *' },
    {
      name: 'a prefix of the name is a different name',
      current: 'Origin-Agent-Cluster',
      names: 'Origin',
      expected: 'Origin-Agent-Cluster, Origin',
    },
    { name: 'a name containing the new one is a different name', current: 'X-Origin', names: 'Origin', expected: 'X-Origin, Origin' },
    { name: 'Vary set as a number-like value', current: 42, names: 'Origin', expected: '42, Origin' },
  ];

  it.each(table)('$name', ({ current, names, expected }) => {
    expect(appendVary(current, names)).toBe(expected);
  });

  it.each(table)('returns a string and leaves the input alone: $name', ({ current, names }) => {
    const snapshot = Array.isArray(current) ? [...current] : current;
    const result = appendVary(current, names);
    expect(typeof result).toBe('string');
    expect(current).toEqual(snapshot);
  });

  it.each(table)('is idempotent: $name', ({ current, names }) => {
    const once = appendVary(current, names);
    expect(appendVary(once, names)).toBe(once);
  });

  it.each([
    { name: 'Origin', names: 'Origin' },
    { name: 'the preflight names', names: PREFLIGHT },
  ])('never yields a name twice (case-insensitively) when appending $name to many shapes', ({ names }) => {
    for (const current of [undefined, 'origin', 'ORIGIN, x', ['Origin'], ['a', 'ACCESS-CONTROL-REQUEST-HEADERS'], 'Accept-Encoding']) {
      const listed = appendVary(current, names)
        .split(',')
        .map((name) => name.trim().toLowerCase());
      expect(new Set(listed).size).toBe(listed.length);
    }
  });
});
