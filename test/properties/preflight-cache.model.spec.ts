import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { decideActual, decidePreflight, type PreflightRoutes } from '../../lib/core/cors-decision.js';
import type { CorsOptions } from '../../lib/core/cors-options.js';
import { CorsPolicy } from '../../lib/core/cors-policy.js';
import type { CorsRoute } from '../../lib/core/policy-compiler.js';
import { checkCombination } from '../../lib/core/options-validation.js';
import { fc } from './fast-check.config.js';

/**
 * A model of the browser's CORS-preflight cache (Fetch standard, "CORS-preflight cache" and
 * "CORS-preflight fetch"), driven against the library's decisions. Sequences of preflighted
 * requests run over generated per-method policies of one URL; whenever the model lets a request
 * through without a fresh preflight, the policy of the handler serving it must approve it.
 */

const ORIGINS = ['https://a.example', 'https://b.example'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const HEADERS = ['x-token', 'content-type', 'authorization'] as const;
const raw = { headers: {} } as IncomingMessage;

/** Chromium's cap on Access-Control-Max-Age, and the default when the header is absent. */
const MAX_AGE_CAP = 7200;
const DEFAULT_MAX_AGE = 5;

interface CacheEntry {
  readonly origin: string;
  readonly credentials: boolean;
  readonly expires: number;
  readonly method?: string;
  readonly header?: string;
}

/** A request a page makes: a method and non-safelisted header names always need a preflight here. */
interface PageRequest {
  readonly origin: string;
  readonly method: string;
  readonly headers: readonly string[];
  readonly credentials: boolean;
}

/** The browser side: what the CORS-preflight cache holds for the one URL of the model. */
class PreflightCache {
  private entries: CacheEntry[] = [];

  /** Fetch "CORS-preflight cache": a method entry match and a header-name entry match for each header. */
  covers(request: PageRequest, now: number): boolean {
    this.entries = this.entries.filter((entry) => entry.expires > now);
    const matches = (entry: CacheEntry) => entry.origin === request.origin && (entry.credentials || !request.credentials);
    const methodCovered = this.entries.some(
      (entry) => matches(entry) && (entry.method === request.method || (entry.method === '*' && !request.credentials)),
    );
    const headersCovered = request.headers.every((name) =>
      this.entries.some(
        (entry) => matches(entry) && (entry.header === name || (entry.header === '*' && !request.credentials && name !== 'authorization')),
      ),
    );
    return methodCovered && headersCovered;
  }

  add(entry: CacheEntry): void {
    this.entries.push(entry);
  }
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Fetch "CORS-preflight fetch": checks the preflight response as the browser does and, when it
 * passes, fills the cache. Returns whether the request may then be sent.
 */
function preflight(cache: PreflightCache, routes: PreflightRoutes, request: PageRequest, now: number): boolean {
  const decision = decidePreflight(routes, {
    origin: request.origin,
    requestMethod: request.method,
    requestHeaders: request.headers.length > 0 ? request.headers.join(', ') : undefined,
    requestPrivateNetwork: false,
    raw,
  });
  if (decision instanceof Promise) throw new Error('static policies decide synchronously');
  if (!decision.allowed) return false;
  const originOk = decision.allowOrigin === request.origin || (decision.allowOrigin === '*' && !request.credentials);
  if (!originOk || (request.credentials && !decision.credentials)) return false;
  const methods = list(decision.allowMethods);
  const headers = list(decision.allowHeaders).map((name) => name.toLowerCase());
  if (!methods.includes(request.method) && (request.credentials || !methods.includes('*'))) return false;
  for (const name of request.headers) {
    if (!headers.includes(name) && (request.credentials || !headers.includes('*') || name === 'authorization')) return false;
  }
  const expires = now + Math.min(decision.maxAge ?? DEFAULT_MAX_AGE, MAX_AGE_CAP);
  const shared = { origin: request.origin, credentials: request.credentials, expires };
  for (const method of methods.length > 0 ? methods : [request.method]) cache.add({ ...shared, method });
  for (const header of headers) cache.add({ ...shared, header });
  return true;
}

/** Whether the policy of the handler serving the request approves it as sent. */
function servingPolicyApproves(routes: ReadonlyMap<string, CorsRoute>, request: PageRequest): boolean {
  const route = routes.get(request.method);
  if (!route) return false;
  const actual = decideActual([route], request.method, request.origin, raw);
  if (actual instanceof Promise) throw new Error('static policies decide synchronously');
  return (
    actual.allowed &&
    route.policy.firstDisallowedHeader(request.headers) === undefined &&
    (!request.credentials || route.policy.credentials)
  );
}

const policyOptions: fc.Arbitrary<CorsOptions> = fc
  .record({
    origin: fc.oneof(fc.constant('*' as const), fc.subarray([...ORIGINS], { minLength: 1 })),
    credentials: fc.boolean(),
    allowedHeaders: fc.oneof(fc.constant(undefined), fc.subarray(['X-Token', 'Content-Type', 'Authorization'])),
    maxAge: fc.constantFrom(undefined, 0, 5, 60, 600, 86_400),
    methods: fc.oneof(fc.constant(undefined), fc.subarray([...METHODS], { minLength: 1 })),
  })
  .filter((options) => checkCombination(options).length === 0);

/** One handler per method at the URL, or none; several methods may share one handler's policy. */
const urlRoutes = fc.array(fc.tuple(fc.constantFrom(...METHODS), policyOptions), { minLength: 1, maxLength: 5 }).map((pairs) => {
  const routes = new Map<string, CorsRoute>();
  for (const [method, options] of pairs)
    if (!routes.has(method)) routes.set(method, { policy: new CorsPolicy(options), name: `Handler.${method.toLowerCase()}` });
  return routes;
});

const step = fc.record({
  wait: fc.constantFrom(0, 0, 1, 4, 30, 700, 90_000),
  request: fc.record({
    origin: fc.constantFrom(...ORIGINS),
    method: fc.constantFrom(...METHODS),
    headers: fc.subarray([...HEADERS]),
    credentials: fc.boolean(),
  }),
});

/** Requests that need a preflight: a method other than GET, HEAD, POST, or a non-safelisted header. */
const needsPreflight = (request: PageRequest) => !['GET', 'HEAD', 'POST'].includes(request.method) || request.headers.length > 0;

describe('the browser’s CORS-preflight cache against the library’s decisions (model)', () => {
  it('lets no request through without a fresh preflight unless the policy of the handler serving it approves it', () => {
    let fromCache = 0;
    fc.assert(
      fc.property(urlRoutes, fc.array(step, { minLength: 1, maxLength: 12 }), (routes, steps) => {
        const cache = new PreflightCache();
        const preflightRoutes = (method: string): PreflightRoutes => ({
          candidates: routes.has(method) ? [routes.get(method)!] : [],
          methods: [...routes.keys()],
          routesFor: (other) => (routes.has(other) ? [routes.get(other)!] : undefined),
        });
        let now = 0;
        for (const { wait, request } of steps) {
          now += wait;
          if (!needsPreflight(request)) continue;
          if (cache.covers(request, now)) {
            fromCache++;
            if (process.env.MODEL_DEBUG && !servingPolicyApproves(routes, request))
              console.log(JSON.stringify({ now, request, cache, routes: [...routes].map(([m, r]) => [m, r.policy.options]) }));
            expect({ request, approved: servingPolicyApproves(routes, request) }).toEqual({ request, approved: true });
            continue;
          }
          if (preflight(cache, preflightRoutes(request.method), request, now)) {
            expect({ request, approved: servingPolicyApproves(routes, request) }).toEqual({ request, approved: true });
          }
        }
      }),
    );
    expect(fromCache).toBeGreaterThan(0);
  });

  it('finds the PUT/DELETE case of the old answers: the model is not vacuous', () => {
    // The answer nest-cors gave before: DELETE listed because its handler allows the origin, with
    // the PUT policy's headers, credentials and max-age. The model must let the DELETE through.
    const cache = new PreflightCache();
    const A = ORIGINS[0];
    const put = {
      policy: new CorsPolicy({ origin: [A], credentials: true, maxAge: 600, allowedHeaders: ['X-Token'], methods: ['PUT', 'DELETE'] }),
      name: 'Old.put',
    };
    const oldAnswer: PreflightRoutes = { candidates: [put], methods: ['PUT', 'DELETE'], routesFor: () => [put] };
    expect(preflight(cache, oldAnswer, { origin: A, method: 'PUT', headers: ['x-token'], credentials: true }, 0)).toBe(true);
    const deleteRequest = { origin: A, method: 'DELETE', headers: ['x-token'], credentials: true };
    expect(cache.covers(deleteRequest, 10)).toBe(true);
    const routes = new Map<string, CorsRoute>([
      [
        'DELETE',
        { policy: new CorsPolicy({ origin: [A], credentials: false, allowedHeaders: ['Content-Type'], maxAge: 5 }), name: 'Items.remove' },
      ],
    ]);
    expect(servingPolicyApproves(routes, deleteRequest)).toBe(false);
  });
});
