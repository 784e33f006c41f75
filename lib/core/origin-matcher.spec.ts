// Origin matching against every pattern form.
import { describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { CorsOrigin, CorsOriginFunction } from './cors-options.js';
import { OriginMatcher, type OriginMatcherKind } from './origin-matcher.js';

// "*." origin patterns are checked against the Public Suffix List, which is loaded on demand.

const KIB = 1024;
const request = { headers: {} } as IncomingMessage;

/** Origins every matcher that reflects must refuse (never reach a RegExp or a function). */
const MALFORMED: readonly { name: string; origin: string }[] = [
  { name: 'empty', origin: '' },
  { name: 'upper-case host', origin: 'https://APP.example.com' },
  { name: 'upper-case scheme', origin: 'HTTPS://app.example.com' },
  { name: 'trailing slash', origin: 'https://app.example.com/' },
  { name: '8 KiB origin', origin: `https://${'a'.repeat(8 * KIB)}.example.com` },
  { name: 'comma-joined origins (Origin sent twice)', origin: 'https://app.example.com, https://evil.example' },
  { name: 'comma-joined origins, allowed one last', origin: 'https://evil.example, https://app.example.com' },
  { name: 'non-ASCII host', origin: 'https://äpp.example.com' },
  { name: 'percent-encoded host', origin: 'https://%61pp.example.com' },
  { name: 'CRLF injection', origin: 'https://app.example.com\r\nX-Injected: 1' },
  { name: 'user info', origin: 'https://evil@app.example.com' },
  { name: 'jub0bs invalid_origin', origin: 'invalid_origin' },
];

interface Row {
  name: string;
  origin: string;
  allowed: boolean;
}

function rows(allowed: readonly string[], refused: readonly string[]): Row[] {
  return [
    ...allowed.map((origin) => ({ name: `allows ${origin}`, origin, allowed: true })),
    ...refused.map((origin) => ({
      name: `refuses ${JSON.stringify(origin.length > 80 ? `${origin.slice(0, 40)}…` : origin)}`,
      origin,
      allowed: false,
    })),
  ];
}

/**
 * Matching vectors, one block per configuration: rows of (origin → allowed?). Sources: the issue,
 * jub0bs/cors (radix_test.go, middleware_test.go, GHSA-vhxv-fg4m-p2w8), rs/cors, Spring
 * (checkOriginPatternAllowed), ASP.NET Core (CorsPolicyExtensionsTests), expressjs/cors, @fastify/cors.
 */
const CONFIGS: { config: string; origin: CorsOrigin; kind: OriginMatcherKind; rows: Row[] }[] = [
  {
    config: 'one exact origin',
    origin: 'https://app.example.com',
    kind: 'list',
    rows: rows(
      ['https://app.example.com'],
      [
        'http://app.example.com',
        'https://app.example.com:443',
        'https://app.example.com:8443',
        'https://example.com',
        'https://evilapp.example.com',
        'https://x.app.example.com',
        'https://app.example.com.evil.net',
        'https://app.example.co',
        'https://app.example.comm',
        'wss://app.example.com',
        'null',
        ...MALFORMED.map((row) => row.origin),
      ],
    ),
  },
  {
    config: 'a tenant origin',
    origin: ['https://tenant.example.com'],
    kind: 'list',
    rows: rows(
      ['https://tenant.example.com'],
      ['https://eviltenant.example.com', 'https://tenant.example.com.evil.net', 'https://a.tenant.example.com'],
    ),
  },
  {
    config: 'foo.com and bar.com (GHSA-vhxv-fg4m-p2w8)',
    origin: ['https://foo.com', 'https://bar.com'],
    kind: 'list',
    rows: rows(
      ['https://foo.com', 'https://bar.com'],
      ['https://barfoo.com', 'https://foobar.com', 'https://oo.com', 'https://ar.com', 'https://foo.bar.com'],
    ),
  },
  {
    config: 'jub0bs cat/concat/kin/pin',
    origin: ['https://cat', 'https://concat', 'https://kin', 'https://pin'],
    kind: 'list',
    rows: rows(
      ['https://cat', 'https://concat', 'https://kin', 'https://pin'],
      [
        'http://cat',
        'https://cat:1',
        'https://ca',
        'https://at',
        'https://ncat',
        'https://copycat',
        'https://akin',
        'https://bespin',
        'https://pkin',
        'https://kpin',
      ],
    ),
  },
  {
    config: 'jub0bs ten origins sharing a suffix',
    origin: [
      'https://bat',
      'https://cat',
      'https://fat',
      'https://hat',
      'https://meerkat',
      'https://mat',
      'https://oat',
      'https://pat',
      'https://rat',
      'https://sat',
    ],
    kind: 'list',
    rows: rows(['https://meerkat', 'https://mat', 'https://sat'], ['https://hazmat', 'https://at', 'https://kat']),
  },
  {
    config: 'subdomains of example.com',
    origin: 'https://*.example.com',
    kind: 'list',
    rows: rows(
      ['https://a.example.com', 'https://a.b.example.com', 'https://tenant-1.example.com', 'https://xn--bcher-kva.example.com'],
      [
        'https://example.com',
        'http://a.example.com',
        'https://a.example.com:8443',
        'https://a.example.com:443',
        'https://.example.com',
        'https://aexample.com',
        'https://fooexample.com',
        'https://a.example.com.evil.net',
        'https://example.com.evil.net',
        'https://a.example.co',
        'https://a.xample.com',
        'https://example.ne',
        'https://a.example.com, https://evil.example',
        'https://A.example.com',
      ],
    ),
  },
  {
    config: 'subdomains on a port (Spring *.domain.com:8443 style)',
    origin: 'https://*.example.com:8443',
    kind: 'list',
    rows: rows(['https://a.example.com:8443'], ['https://a.example.com', 'https://a.example.com:8444', 'https://example.com:8443']),
  },
  {
    config: 'subdomains on any port (jub0bs #46)',
    origin: 'http://*.example.com:*',
    kind: 'list',
    rows: rows(
      [
        'http://foo.example.com',
        'http://foo.example.com:6060',
        'http://bar.foo.example.com',
        'http://bar.foo.example.com:8080',
        'http://nap.example.com:65535',
      ],
      ['http://example.com', 'http://example.com:8080', 'https://foo.example.com', 'http://foo.example.com.evil.net:8080'],
    ),
  },
  {
    config: 'jub0bs example.net/org/com with ports and subdomains (#12)',
    origin: [
      'https://*.example.net',
      'https://example.net:8080',
      'https://example.net',
      'https://*.example.org',
      'https://example.org:8080',
      'https://example.org',
    ],
    kind: 'list',
    rows: rows(
      ['https://example.net', 'https://example.net:8080', 'https://foo.example.net', 'https://foo.example.org'],
      ['https://fooexample.net', 'https://foo.xample.net', 'https://example.ne', 'https://foo.example.net:8080', 'https://example.com'],
    ),
  },
  {
    // jub0bs uses the bare name "kin"; `*.` on a bare TLD is refused here, so it gets a parent domain.
    config: 'jub0bs *.kin plus a.kin and *.kin:1',
    origin: ['https://cat', 'https://concat', 'https://*.kin.example', 'https://a.kin.example', 'https://*.kin.example:1', 'https://pin'],
    kind: 'list',
    rows: rows(
      ['https://a.kin.example', 'https://nap.kin.example', 'https://nap.kin.example:1'],
      ['https://nap.kin.example:2', 'http://nap.kin.example', 'https://kin.example'],
    ),
  },
  {
    config: 'any port',
    origin: 'https://example.com:*',
    kind: 'list',
    rows: rows(
      ['https://example.com', 'https://example.com:1', 'https://example.com:8443', 'https://example.com:65535'],
      [
        'http://example.com',
        'http://example.com:8443',
        'https://a.example.com',
        'https://a.example.com:8443',
        'https://example.com.evil.net:8443',
        'https://evilexample.com:1',
      ],
    ),
  },
  {
    config: 'localhost on any port',
    origin: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'],
    kind: 'list',
    rows: rows(
      ['http://localhost', 'http://localhost:3000', 'http://127.0.0.1:5173', 'http://[::1]:8080'],
      ['https://localhost:3000', 'http://localhost.evil.net:3000', 'http://evil-localhost:3000', 'http://127.0.0.2:3000'],
    ),
  },
  {
    config: 'exact port only',
    origin: ['https://example.com:8080'],
    kind: 'list',
    rows: rows(['https://example.com:8080'], ['https://example.com', 'https://example.com:6060', 'https://example.com:80']),
  },
  {
    config: 'the null origin listed',
    origin: ['null', 'https://app.example.com'],
    kind: 'list',
    rows: rows(['null', 'https://app.example.com'], ['Null', 'NULL', 'null ', '"null"', 'https://null']),
  },
  {
    config: 'a non-http scheme (jub0bs #44/#45)',
    origin: 'connector://example.com',
    kind: 'list',
    rows: rows(['connector://example.com'], ['connector://example.com:6060', 'https://example.com']),
  },
  {
    config: 'an anchored RegExp',
    origin: /^https:\/\/(?:a|b)\.example\.com$/,
    kind: 'list',
    rows: rows(
      ['https://a.example.com', 'https://b.example.com'],
      ['https://c.example.com', 'https://a.example.com.evil.net', 'null', ...MALFORMED.map((row) => row.origin)],
    ),
  },
  {
    config: 'a RegExp that would match malformed values if they reached it',
    origin: /^https:\/\/.*$/,
    kind: 'list',
    rows: rows(
      ['https://anything.example'],
      ['https://a.com, https://b.com', 'https://x.example/', 'https://EVIL.example', `https://${'a'.repeat(8 * KIB)}`],
    ),
  },
  {
    config: 'strings and RegExps mixed',
    origin: ['https://app.example.com', /^https:\/\/[a-z]+\.partner\.example$/, 'https://*.tenant.example'],
    kind: 'list',
    rows: rows(
      ['https://app.example.com', 'https://x.partner.example', 'https://a.tenant.example'],
      ['https://x1.partner.example', 'https://tenant.example', 'https://partner.example'],
    ),
  },
  {
    config: "'*'",
    origin: '*',
    kind: 'any',
    rows: rows(['https://anything.example', 'null', 'invalid_origin', `https://${'a'.repeat(8 * KIB)}`], []),
  },
  {
    config: "'*' inside an array (fastify #26)",
    origin: ['https://app.example.com', '*'],
    kind: 'any',
    rows: rows(['https://other.example'], []),
  },
  {
    config: 'true (reflect any well-formed origin)',
    origin: true,
    kind: 'reflect-any',
    rows: rows(
      ['https://anything.example', 'http://localhost:3000', 'chrome-extension://abc'],
      ['null', ...MALFORMED.map((row) => row.origin)],
    ),
  },
  { config: 'false', origin: false, kind: 'none', rows: rows([], ['https://app.example.com', 'null']) },
  { config: 'an empty array', origin: [], kind: 'list', rows: rows([], ['https://app.example.com', 'null']) },
];

describe.each(CONFIGS)('OriginMatcher with $config', ({ origin, kind, rows: table }) => {
  it(`is of kind ${kind}`, () => {
    expect(new OriginMatcher(origin).kind).toBe(kind);
  });

  it.each(table)('$name', ({ origin: value, allowed }) => {
    expect(new OriginMatcher(origin).matches(value, request)).toBe(allowed);
  });
});

describe('OriginMatcher with no origin at all', () => {
  it('allows nothing', () => {
    const matcher = new OriginMatcher(undefined);
    expect(matcher.kind).toBe('none');
    expect(matcher.allowsNone).toBe(true);
    expect(matcher.matches('https://app.example.com', request)).toBe(false);
  });
});

describe('OriginMatcher properties', () => {
  it.each([
    { name: "'*'", origin: '*' as CorsOrigin, anyOrigin: true, none: false },
    { name: 'an exact origin', origin: 'https://a.example' as CorsOrigin, anyOrigin: false, none: false },
    { name: 'true', origin: true as CorsOrigin, anyOrigin: false, none: false },
    { name: 'false', origin: false as CorsOrigin, anyOrigin: false, none: true },
    { name: 'an empty array', origin: [] as CorsOrigin, anyOrigin: false, none: true },
    { name: 'a function', origin: (() => true) as CorsOrigin, anyOrigin: false, none: false },
  ])('$name: allowsAnyOrigin $anyOrigin, allowsNone $none', ({ origin, anyOrigin, none }) => {
    const matcher = new OriginMatcher(origin);
    expect(matcher.allowsAnyOrigin).toBe(anyOrigin);
    expect(matcher.allowsNone).toBe(none);
  });

  it('lists the exact origins only', () => {
    const matcher = new OriginMatcher(['https://a.example', 'https://*.b.example', 'https://c.example:*', /^https:\/\/d\.example$/]);
    expect(matcher.exactOrigins).toEqual(['https://a.example']);
  });
});

describe('OriginMatcher with stateful RegExp flags', () => {
  it.each([
    { name: 'g flag', regExp: /^https:\/\/app\.example\.com$/g },
    { name: 'y flag', regExp: /^https:\/\/app\.example\.com$/y },
    { name: 'g, i and u flags (fastify #24, anchored)', regExp: /^https:\/\/(?:www\.)?(?:example|other)\.com$/giu },
  ])('$name: the same origin is allowed every time', ({ regExp }) => {
    const matcher = new OriginMatcher([regExp]);
    const origin = regExp.flags.includes('i') ? 'https://www.example.com' : 'https://app.example.com';
    expect([1, 2, 3].map(() => matcher.matches(origin, request))).toEqual([true, true, true]);
    expect(regExp.lastIndex).toBe(0);
  });

  it('does not share lastIndex with the user RegExp', () => {
    const regExp = /^https:\/\/app\.example\.com$/g;
    const matcher = new OriginMatcher(regExp);
    regExp.test('https://app.example.com');
    expect(regExp.lastIndex).toBeGreaterThan(0);
    expect(matcher.matches('https://app.example.com', request)).toBe(true);
  });
});

describe('OriginMatcher with an origin function', () => {
  type FunctionRow = { name: string; fn: CorsOriginFunction; expected: boolean };
  const table: FunctionRow[] = [
    { name: 'sync true', fn: () => true, expected: true },
    { name: 'sync false', fn: () => false, expected: false },
    { name: 'async true', fn: async () => true, expected: true },
    { name: 'async false (fastify #29)', fn: async () => false, expected: false },
    {
      name: 'throws',
      fn: () => {
        throw new Error('boom');
      },
      expected: false,
    },
    { name: 'rejects', fn: () => Promise.reject(new Error('boom')), expected: false },
    {
      name: 'async throws',
      fn: async () => {
        throw new Error('boom');
      },
      expected: false,
    },
    { name: 'returns a truthy non-boolean', fn: (() => 'yes') as unknown as CorsOriginFunction, expected: false },
    { name: 'returns undefined', fn: (() => undefined) as unknown as CorsOriginFunction, expected: false },
    { name: 'resolves undefined (fastify #28)', fn: (async () => undefined) as unknown as CorsOriginFunction, expected: false },
    { name: 'resolves a truthy non-boolean', fn: (async () => 1) as unknown as CorsOriginFunction, expected: false },
    {
      name: 'returns a thenable that rejects',
      fn: (() => ({ then: (_: unknown, reject: (e: unknown) => void) => reject(new Error('x')) })) as unknown as CorsOriginFunction,
      expected: false,
    },
    {
      name: 'returns a thenable whose then throws',
      fn: (() => ({
        then: () => {
          throw new Error('x');
        },
      })) as unknown as CorsOriginFunction,
      expected: false,
    },
  ];

  it.each(table)('$name → $expected, and never throws or rejects', async ({ fn, expected }) => {
    const matcher = new OriginMatcher(fn);
    let result: boolean | Promise<boolean> | undefined;
    expect(() => (result = matcher.matches('https://app.example.com', request))).not.toThrow();
    await expect(Promise.resolve(result)).resolves.toBe(expected);
  });

  it('receives the origin and the request', () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    new OriginMatcher(fn).matches('https://app.example.com', request);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn.mock.calls[0][0]).toBe('https://app.example.com');
    expect(fn.mock.calls[0][1]).toBe(request);
  });

  it('stays synchronous for a synchronous function', () => {
    expect(new OriginMatcher(() => true).matches('https://app.example.com', request)).toBe(true);
  });

  it.each([{ name: 'the null origin', origin: 'null' }, ...MALFORMED])('never calls the function with $name', ({ origin }) => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    expect(new OriginMatcher(fn).matches(origin, request)).toBe(false);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('OriginMatcher cost on hostile input', () => {
  const matchers: { name: string; origin: CorsOrigin }[] = [
    { name: 'exact list', origin: ['https://app.example.com', 'https://b.example.com'] },
    { name: 'subdomains', origin: 'https://*.example.com' },
    { name: 'RegExp', origin: /^https:\/\/(?:[a-z]+\.)*example\.com$/ },
    { name: 'true', origin: true },
  ];
  const inputs = [
    `https://${'a.'.repeat(4 * KIB)}example.com`,
    `https://${'a'.repeat(8 * KIB)}`,
    `${'https://a.example.com, '.repeat(350)}`,
  ];

  it.each(matchers)('$name refuses 8 KiB origins in well under a millisecond each', ({ origin }) => {
    const matcher = new OriginMatcher(origin);
    const runs = 100;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) for (const input of inputs) expect(matcher.matches(input, request)).toBe(false);
    expect(Number(process.hrtime.bigint() - start) / 1e6 / (runs * inputs.length)).toBeLessThan(1);
  });
});
