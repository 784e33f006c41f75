import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { CorsOptions } from '../../lib/core/cors-options.js';
import { decideActual, decidePreflight, routesOfPolicy, writeActualHeaders, writePreflightHeaders } from '../../lib/core/cors-decision.js';
import type { CorsRoute } from '../../lib/core/policy-compiler.js';
import { CorsPolicy } from '../../lib/core/cors-policy.js';
import { isToken, isValidHeaderList, parseHeaderList } from '../../lib/core/header-list.js';
import { OriginMatcher } from '../../lib/core/origin-matcher.js';
import { checkCombination, checkOptionFields } from '../../lib/core/options-validation.js';
import { appendVary } from '../../lib/core/vary.js';
import { fc } from './fast-check.config.js';

// "*." origin patterns are checked against the Public Suffix List, which is loaded on demand.

const request = {} as IncomingMessage;

/** A header sink that records what was written, like a ServerResponse. */
class Headers {
  readonly values = new Map<string, string>();
  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name.toLowerCase(), value);
  }
  getHeader(name: string) {
    return this.values.get(name.toLowerCase());
  }
  setHeader(name: string, value: string) {
    this.values.set(name.toLowerCase(), value);
  }
}

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => [...labels, 'test'].join('.'));
const scheme = fc.constantFrom('http', 'https');
const port = fc.constantFrom('', '8080', '3000');
const origin = fc.tuple(scheme, host, port).map(([s, h, p]) => `${s}://${h}${p ? `:${p}` : ''}`);
/** Origins as browsers send them, and the hostile shapes servers also receive. */
const requestOrigin = fc.oneof(
  { weight: 6, arbitrary: origin },
  { weight: 1, arbitrary: fc.constantFrom('null', 'HTTPS://A.TEST', 'https://a.test/', 'file://', 'https://a.test, https://b.test', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const pattern = fc.oneof(
  { weight: 4, arbitrary: origin },
  { weight: 2, arbitrary: fc.tuple(scheme, host, port).map(([s, h, p]) => `${s}://*.${h}${p ? `:${p}` : ''}`) },
  { weight: 1, arbitrary: fc.tuple(scheme, host).map(([s, h]) => `${s}://${h}:*`) },
  { weight: 1, arbitrary: fc.constant('null') },
);
const originOption = fc.oneof(
  { weight: 5, arbitrary: fc.array(pattern, { minLength: 1, maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) },
);
const methods = fc.subarray(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'], { minLength: 1 });
const headerName = fc.constantFrom('content-type', 'x-request-id', 'authorization', 'x-custom', 'x-trace');
const options: fc.Arbitrary<CorsOptions> = fc.record(
  {
    origin: originOption,
    credentials: fc.boolean(),
    methods,
    allowedHeaders: fc.oneof(fc.constant(undefined), fc.constant('*'), fc.subarray(['Content-Type', 'X-Request-Id', 'Authorization'])),
    exposedHeaders: fc.oneof(fc.constant(undefined), fc.subarray(['X-Total', 'ETag'], { minLength: 1 })),
    maxAge: fc.oneof(fc.constant(undefined), fc.nat(7200)),
    privateNetwork: fc.boolean(),
  },
  { requiredKeys: ['origin'] },
);
/** Only options that pass startup validation, as the module would compile them. */
const validOptions = options.filter(
  (candidate) => checkOptionFields(candidate, 'test', false).length === 0 && checkCombination(candidate).length === 0,
);
const route = (policyOptions: CorsOptions | false): CorsRoute => ({ policy: new CorsPolicy(policyOptions), name: 'Test.handler' });
const requestHeaders = fc.oneof(
  fc.constant(undefined),
  fc.subarray(['authorization', 'content-type', 'x-custom', 'x-request-id']).map((names) => names.join(',')),
);
const sync = <T>(value: T | Promise<T>): T => {
  if (value instanceof Promise) throw new Error('static policies decide synchronously');
  return value;
};

describe('CORS invariants (property-based)', () => {
  it('never sends Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true', () => {
    fc.assert(
      fc.property(
        validOptions,
        requestOrigin,
        fc.constantFrom('GET', 'PUT', 'DELETE'),
        requestHeaders,
        (policyOptions, origin, method, headers) => {
          for (const decision of [
            sync(
              decidePreflight(routesOfPolicy(route(policyOptions)), {
                origin,
                requestMethod: method,
                requestHeaders: headers,
                requestPrivateNetwork: false,
                raw: request,
              }),
            ),
            sync(decideActual([route(policyOptions)], method, origin, request)),
          ]) {
            if (!decision.allowed) continue;
            const sink = new Headers();
            if ('allowMethods' in decision) writePreflightHeaders(decision, sink);
            else writeActualHeaders(decision, sink);
            expect(
              sink.getHeader('access-control-allow-origin') === '*' && sink.getHeader('access-control-allow-credentials') === 'true',
            ).toBe(false);
          }
        },
      ),
    );
  });

  it('sends as Access-Control-Allow-Origin only * or the exact request origin, and only for allowed origins', () => {
    fc.assert(
      fc.property(validOptions, requestOrigin, (policyOptions, origin) => {
        const decision = sync(decideActual([route(policyOptions)], 'GET', origin, request));
        if (!decision.allowed) return;
        expect(decision.allowOrigin === '*' || decision.allowOrigin === origin).toBe(true);
        expect(sync(new OriginMatcher(policyOptions.origin).matches(origin, request))).toBe(true);
        if (decision.allowOrigin === 'null') expect(policyOptions.origin).toContain('null');
        if (decision.allowOrigin !== '*') expect(origin).toMatch(/^(null|[a-z][a-z0-9+.-]*:\/\/[a-z0-9.-]+(:\d+)?)$/);
      }),
    );
  });

  it('allows through a wildcard pattern only hosts with at least one more label, the same scheme and port', () => {
    const wildcard = fc
      .tuple(scheme, host, port)
      .map(([s, h, p]) => ({ scheme: s, parent: h, port: p, text: `${s}://*.${h}${p ? `:${p}` : ''}` }));
    fc.assert(
      fc.property(wildcard, requestOrigin, (pattern, candidate) => {
        if (!sync(new OriginMatcher([pattern.text]).matches(candidate, request))) return;
        const url = new URL(candidate);
        expect(url.protocol).toBe(`${pattern.scheme}:`);
        expect(url.port).toBe(pattern.port);
        expect(url.hostname.endsWith(`.${pattern.parent}`)).toBe(true);
        expect(url.hostname.length).toBeGreaterThan(pattern.parent.length + 1);
      }),
    );
  });

  it('matches origins exactly as a simple reference of the pattern forms does (the barfoo.com class of bug)', () => {
    const reference = (patterns: readonly string[], candidate: string): boolean =>
      patterns.some((text) => {
        if (text === candidate) return true;
        const wildcard = /^([a-z]+):\/\/\*\.([^:]+)(?::(\d+|\*))?$/.exec(text);
        const anyPort = /^([a-z]+):\/\/([^:*]+):\*$/.exec(text);
        const parsed = /^([a-z]+):\/\/([a-z0-9.-]+)(?::(\d+))?$/.exec(candidate);
        if (!parsed) return false;
        const [, s, h, p = ''] = parsed;
        if (anyPort) return anyPort[1] === s && anyPort[2] === h;
        if (wildcard) return wildcard[1] === s && h.endsWith(`.${wildcard[2]}`) && (wildcard[3] === '*' || (wildcard[3] ?? '') === p);
        return false;
      });
    const sharedSuffixOrigins = fc
      .tuple(scheme, label, label)
      .map(([s, a, b]) => [`${s}://${a}.test`, `${s}://${b}.test`, `${s}://${b}${a}.test`, `${s}://${a}${b}.test`]);
    fc.assert(
      fc.property(
        fc.array(pattern, { minLength: 1, maxLength: 6 }),
        fc.oneof(
          requestOrigin,
          sharedSuffixOrigins.map((list) => list[2]),
        ),
        (patterns, candidate) => {
          expect(sync(new OriginMatcher(patterns).matches(candidate, request))).toBe(reference(patterns, candidate));
        },
      ),
    );
  });

  it('appends Vary names, keeping every existing value, adding none twice, keeping *', () => {
    const fieldName = fc.constantFrom('Accept-Encoding', 'accept', 'Cookie', 'Origin', 'origin', 'X-Version', '*', ' ', '');
    const existingVary = fc.oneof(
      fc.constant(undefined),
      fc.array(fieldName, { maxLength: 4 }).map((names) => names.join(', ')),
      fc.array(
        fc.array(fieldName, { maxLength: 2 }).map((names) => names.join(',')),
        { minLength: 1, maxLength: 3 },
      ),
    );
    const added = fc.constantFrom('Origin', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    fc.assert(
      fc.property(existingVary, added, (vary, names) => {
        const written = appendVary(vary, names);
        const before = (Array.isArray(vary) ? vary.join(',') : (vary ?? ''))
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter(Boolean);
        const after = written.split(',').map((name) => name.trim().toLowerCase());
        for (const kept of before) expect(after).toContain(kept);
        if (before.includes('*')) return expect(written).toBe(Array.isArray(vary) ? vary.join(', ') : vary);
        const count = (list: string[], name: string) => list.filter((item) => item === name.toLowerCase()).length;
        for (const name of names.split(', ')) expect(count(after, name)).toBe(Math.max(1, count(before, name)));
      }),
    );
  });

  it('lets a preflight succeed exactly when the actual request it announces would be allowed', () => {
    fc.assert(
      fc.property(
        validOptions,
        requestOrigin,
        fc.constantFrom('GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'),
        fc.subarray(['authorization', 'content-type', 'x-custom', 'x-request-id']),
        (policyOptions, origin, method, names) => {
          const candidates = [route(policyOptions)];
          const preflight = sync(
            decidePreflight(routesOfPolicy(candidates[0]), {
              origin,
              requestMethod: method,
              requestHeaders: names.join(','),
              requestPrivateNetwork: false,
              raw: request,
            }),
          );
          const actual = sync(decideActual(candidates, method, origin, request));
          const headersAllowed = candidates[0].policy.firstDisallowedHeader(names) === undefined;
          expect(preflight.allowed).toBe(actual.allowed && headersAllowed);
        },
      ),
    );
  });

  it('parses any header list of up to 64 KiB in linear time, agreeing with a reference split on valid input', () => {
    const reference = (value: string) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => item.toLowerCase());
    const validList = fc
      .array(fc.tuple(headerName, fc.constantFrom('', ' ', '\t'), fc.constantFrom('', ' ')), { maxLength: 20 })
      .map((items) => items.map(([name, before, after]) => `${before}${name}${after}`).join(','));
    fc.assert(
      fc.property(validList, (value) => {
        expect(parseHeaderList(value)).toEqual(reference(value));
        expect(reference(value).every(isToken)).toBe(true);
      }),
    );
    const hostile = fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(',', ' ', 'a', '\t', 'é', '"') }),
        fc.integer({ min: 1, max: 64 * 1024 }),
      )
      .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
    fc.assert(
      fc.property(hostile, (value) => {
        const started = process.hrtime.bigint();
        const result = parseHeaderList(value);
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        expect(elapsedMs).toBeLessThan(50);
        if (result) expect(result.every(isToken)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('validates header lists without allocating exactly as the parser accepts them', () => {
    const unit = fc.constantFrom(',', ' ', '\t', 'a', 'X', '-', 'é', '"', ':', ',,');
    const list = fc.oneof(fc.string({ maxLength: 40, unit }), fc.string({ minLength: 4000, maxLength: 4200, unit }));
    fc.assert(fc.property(list, (value) => expect(isValidHeaderList(value)).toBe(parseHeaderList(value) !== undefined)));
  });

  it('appends to Vary without losing names or adding duplicates, and keeps *', () => {
    const names = fc.array(fc.constantFrom('Origin', 'origin', 'Accept', 'Cookie', 'Accept-Encoding', '*'), { maxLength: 4 });
    const count = (list: readonly string[], name: string) => list.filter((item) => item === name).length;
    fc.assert(
      fc.property(names, fc.array(fc.constantFrom('Origin', 'Accept', 'Cookie'), { minLength: 1, maxLength: 3 }), (existing, added) => {
        const before = existing.map((name) => name.toLowerCase());
        const after = appendVary(existing.join(', ') || undefined, added.join(', '))
          .split(',')
          .map((name) => name.trim().toLowerCase());
        for (const name of new Set([...before, ...added.map((item) => item.toLowerCase())])) {
          const expected = before.includes('*') ? count(before, name) : Math.max(count(before, name), 1);
          expect(count(after, name)).toBe(expected);
        }
      }),
    );
  });
});
