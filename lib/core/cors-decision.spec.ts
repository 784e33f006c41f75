// Vector tables for preflight and actual-request decisions.
import { describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { CorsOptions, CorsOriginFunction } from './cors-options.js';
import {
  decideActual,
  decidePreflight,
  routesOfPolicy,
  writeActualHeaders,
  writePreflightHeaders,
  type ActualDecision,
  type HeaderSink,
  type PreflightApproval,
  type PreflightDecision,
  type PreflightRoutes,
} from './cors-decision.js';
import { CorsPolicy } from './cors-policy.js';
import type { CorsRoute } from './policy-compiler.js';

// "*." origin patterns are checked against the Public Suffix List, which is loaded on demand.

const KIB = 1024;
const raw = { headers: {} } as IncomingMessage;
const PV = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const PV_PNA = `${PV}, Access-Control-Request-Private-Network`;

/** A response that records headers the way Node's ServerResponse does (names case-insensitive). */
class FakeResponse implements HeaderSink {
  private readonly values = new Map<string, unknown>();
  readonly calls: { name: string; value: unknown }[] = [];

  constructor(initial: Record<string, unknown> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name.toLowerCase(), value);
  }

  getHeader(name: string): unknown {
    return this.values.get(name.toLowerCase());
  }

  setHeader(name: string, value: string): this {
    this.calls.push({ name, value });
    this.values.set(name.toLowerCase(), value);
    return this;
  }

  /** CORS-related headers, normalised for comparison (see {@link normalise}). */
  cors(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const [name, value] of this.values)
      if (name.startsWith('access-control-') || name === 'vary') result[name] = normalise(name, String(value));
    return result;
  }
}

/**
 * Header values compared as lists: Access-Control-Allow-Methods as a set (its order is not part
 * of the contract), Access-Control-Allow-Headers lower-cased (browsers compare names
 * case-insensitively), everything else as written.
 */
function normalise(name: string, value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (name === 'access-control-allow-methods') return [...items].sort();
  if (name === 'access-control-allow-headers') return items.map((item) => item.toLowerCase());
  return items;
}

function expectedHeaders(headers: Record<string, string>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = normalise(name.toLowerCase(), value);
  return result;
}

let routeCount = 0;
function route(options: CorsOptions | false, name = `Ctrl.handler${++routeCount}`): CorsRoute {
  return { policy: new CorsPolicy(options), name };
}

/** A URL whose methods are served by the given routes, as the router would report them. */
function path(methods: Record<string, CorsRoute | CorsRoute[]>): Map<string, CorsRoute[]> {
  return new Map(Object.entries(methods).map(([method, routes]) => [method, Array.isArray(routes) ? routes : [routes]]));
}

/** What a preflight for `method` at that URL is decided with. */
function at(routes: Map<string, CorsRoute[]>, method: string): PreflightRoutes {
  return { candidates: routes.get(method) ?? [], methods: [...routes.keys()], routesFor: (other) => routes.get(other) };
}

/** Writes an approved preflight's headers, with the `Vary` it asks the response to carry. */
function writePreflight(approval: PreflightApproval, response: FakeResponse): void {
  writePreflightHeaders(approval, response);
  response.setHeader('Vary', approval.vary);
}

function approved<T extends PreflightDecision | ActualDecision>(decision: T): Extract<T, { allowed: true }> {
  if (!decision.allowed) throw new Error(`expected approval, got rejection: ${decision.reason}`);
  return decision as Extract<T, { allowed: true }>;
}

interface PreflightRow {
  name: string;
  options: CorsOptions | false;
  origin: string;
  method: string;
  headers?: string;
  privateNetwork?: boolean;
  /** Methods the path has handlers for, all with this policy (default: the requested method). */
  pathMethods?: string[];
  /** `'rejected'`, or every CORS header the approved preflight must carry (others must be absent). */
  expected: 'rejected' | { status?: number; headers: Record<string, string> };
}

const CRED: CorsOptions = {
  origin: 'http://localhost:9090',
  credentials: true,
  methods: ['GET', 'POST', 'PURGE', 'HELP'],
  allowedHeaders: ['Authorization'],
  maxAge: 30,
  exposedHeaders: ['X-Foo', 'X-Bar'],
};
const CRED_STAR: CorsOptions = { ...CRED, methods: undefined, allowedHeaders: '*' };
const SOME: CorsOptions = {
  origin: ['https://example.com:8080', 'https://*.example.com'],
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Foo', 'Bar', 'Baz', 'Qux', 'Quux'],
  maxAge: 30,
  exposedHeaders: ['X-Foo', 'X-Bar'],
};
const LH = 'http://localhost:9090';

/**
 * Preflights against one handler's policy. Sources: rs/cors (RS-xx), jub0bs/cors (JB-xx),
 * expressjs/cors, @fastify/cors, hono, @koa/cors (node #xx), Spring (Sxx), ASP.NET (Axx), adapted
 * to the behaviour (failure = 403 without CORS headers; ACAM always sent).
 */
const PREFLIGHTS: PreflightRow[] = [
  {
    name: 'RS-10 maxAge',
    options: { origin: 'http://example.com', methods: ['GET'], maxAge: 10 },
    origin: 'http://example.com',
    method: 'GET',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://example.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Max-Age': '10',
        Vary: PV,
      },
    },
  },
  {
    name: 'RS-12 allowed method',
    options: { origin: 'http://foobar.com', methods: ['PUT', 'DELETE'] },
    origin: 'http://foobar.com',
    method: 'PUT',
    expected: { headers: { 'Access-Control-Allow-Origin': 'http://foobar.com', 'Access-Control-Allow-Methods': 'PUT', Vary: PV } },
  },
  {
    name: 'RS-13 method with a handler but not in methods',
    options: { origin: 'http://foobar.com', methods: ['PUT', 'DELETE'] },
    origin: 'http://foobar.com',
    method: 'PATCH',
    expected: 'rejected',
  },
  {
    name: 'RS-14 allowedHeaders list: case-insensitive match, emitted as configured',
    options: { origin: 'http://foobar.com', allowedHeaders: ['X-Header-1', 'x-header-2', 'X-HEADER-3'] },
    origin: 'http://foobar.com',
    method: 'GET',
    headers: 'x-header-1,x-header-2',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://foobar.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'X-Header-1, x-header-2, X-HEADER-3',
        Vary: PV,
      },
    },
  },
  {
    name: "RS-16 allowedHeaders '*' reflects",
    options: { origin: 'http://foobar.com', allowedHeaders: ['*'] },
    origin: 'http://foobar.com',
    method: 'GET',
    headers: 'x-header-1,x-header-2',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://foobar.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'x-header-1,x-header-2',
        Vary: PV,
      },
    },
  },
  {
    name: 'RS-17 header outside the list',
    options: { origin: 'http://foobar.com', allowedHeaders: ['X-Header-1', 'x-header-2'] },
    origin: 'http://foobar.com',
    method: 'GET',
    headers: 'x-header-1,x-header-3',
    expected: 'rejected',
  },
  {
    name: 'RS-19 credentials',
    options: { origin: 'http://foobar.com', credentials: true },
    origin: 'http://foobar.com',
    method: 'GET',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://foobar.com',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET',
        Vary: PV,
      },
    },
  },
  {
    name: 'RS-20 private network requested and allowed',
    options: { origin: 'http://foobar.com', privateNetwork: true },
    origin: 'http://foobar.com',
    method: 'GET',
    privateNetwork: true,
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://foobar.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Private-Network': 'true',
        Vary: PV_PNA,
      },
    },
  },
  {
    name: 'RS-24/25 ACRH sent on several lines, joined by Node, with OWS and empty elements',
    options: { origin: 'http://foobar.com', allowedHeaders: ['Content-Type', 'Authorization'] },
    origin: 'http://foobar.com',
    method: 'GET',
    headers: 'authorization\t, , content-type',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://foobar.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'Content-Type, Authorization',
        Vary: PV,
      },
    },
  },
  {
    name: 'RS-29 disallowed origin',
    options: { origin: 'http://foo.com' },
    origin: 'http://example.com',
    method: 'GET',
    expected: 'rejected',
  },
  {
    name: 'RS-30 1024 commas in ACRH',
    options: { origin: 'https://somedomain.com' },
    origin: 'https://somedomain.com',
    method: 'GET',
    headers: ','.repeat(1024),
    expected: 'rejected',
  },
  {
    name: 'JB-07 safelisted method from an allowed origin, credentialed',
    options: CRED,
    origin: LH,
    method: 'GET',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': LH,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'Authorization',
        'Access-Control-Max-Age': '30',
        Vary: PV,
      },
    },
  },
  {
    name: 'JB-08 PURGE from an allowed origin',
    options: CRED,
    origin: LH,
    method: 'PURGE',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': LH,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PURGE',
        'Access-Control-Allow-Headers': 'Authorization',
        'Access-Control-Max-Age': '30',
        Vary: PV,
      },
    },
  },
  {
    name: 'JB-09 PURGE with Content-Type not allowed',
    options: CRED,
    origin: LH,
    method: 'PURGE',
    headers: 'content-type',
    expected: 'rejected',
  },
  {
    name: 'JB-10 PURGE with Authorization',
    options: CRED,
    origin: LH,
    method: 'PURGE',
    headers: 'authorization',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': LH,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PURGE',
        'Access-Control-Allow-Headers': 'Authorization',
        'Access-Control-Max-Age': '30',
        Vary: PV,
      },
    },
  },
  {
    name: 'JB-11 ACRH with some empty elements',
    options: CRED,
    origin: LH,
    method: 'PURGE',
    headers: ',,authorization,,',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': LH,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PURGE',
        'Access-Control-Allow-Headers': 'Authorization',
        'Access-Control-Max-Age': '30',
        Vary: PV,
      },
    },
  },
  { name: 'JB-15 disallowed origin', options: CRED, origin: 'https://example.com', method: 'GET', expected: 'rejected' },
  { name: 'JB-16 invalid origin', options: CRED, origin: 'invalid_origin', method: 'GET', expected: 'rejected' },
  { name: 'JB-17 PUT with a handler but not in methods', options: CRED, origin: LH, method: 'PUT', expected: 'rejected' },
  { name: 'JB-18 headers not allowed', options: CRED, origin: LH, method: 'GET', headers: 'bar,baz,foo', expected: 'rejected' },
  {
    name: "JB-19 allowedHeaders '*' with credentials reflects",
    options: CRED_STAR,
    origin: LH,
    method: 'GET',
    headers: 'bar,baz,foo',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': LH,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'bar,baz,foo',
        'Access-Control-Max-Age': '30',
        Vary: PV,
      },
    },
  },
  {
    name: 'JB-22 method refused before headers are looked at',
    options: CRED_STAR,
    origin: LH,
    method: 'PURGE',
    headers: 'bar,baz,foo,qux',
    expected: 'rejected',
  },
  {
    name: "issue: allowedHeaders '*' covers Authorization (unlike a literal '*', JB-28/34)",
    options: { origin: '*', allowedHeaders: '*' },
    origin: LH,
    method: 'PUT',
    headers: 'content-type,authorization',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'PUT',
        'Access-Control-Allow-Headers': 'content-type,authorization',
        Vary: PV,
      },
    },
  },
  {
    name: 'JB-38 listed names match lower-case ACRH',
    options: SOME,
    origin: 'https://example.com:8080',
    method: 'GET',
    headers: 'bar,baz,foo',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'https://example.com:8080',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'Foo, Bar, Baz, Qux, Quux',
        'Access-Control-Max-Age': '30',
        Vary: PV,
      },
    },
  },
  { name: 'JB-36 port must match exactly', options: SOME, origin: 'https://example.com:6060', method: 'GET', expected: 'rejected' },
  { name: 'JB-37 *.example.com has no port', options: SOME, origin: 'https://foo.example.com:8080', method: 'GET', expected: 'rejected' },
  {
    name: 'JB-43 GHSA-vhxv-fg4m-p2w8 foobar.com',
    options: { origin: ['https://foo.com', 'https://bar.com'] },
    origin: 'https://foobar.com',
    method: 'PUT',
    expected: 'rejected',
  },
  {
    name: 'JB-47 subdomains on any port, requested headers reflected by default',
    options: { origin: 'http://*.example.com:*' },
    origin: 'http://foo.example.com',
    method: 'GET',
    headers: 'bar,baz,foo',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://foo.example.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'bar,baz,foo',
        Vary: PV,
      },
    },
  },
  {
    name: 'node #4 arrays joined, method case kept',
    options: { origin: 'http://example.com', methods: ['FOO', 'bar'], allowedHeaders: ['FIZZ', 'buzz'], credentials: true, maxAge: 123 },
    origin: 'http://example.com',
    method: 'FOO',
    pathMethods: ['FOO', 'bar'],
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://example.com',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'FOO, bar',
        'Access-Control-Allow-Headers': 'FIZZ, buzz',
        'Access-Control-Max-Age': '123',
        Vary: PV,
      },
    },
  },
  {
    name: 'node #5 maxAge 0 is sent',
    options: { origin: 'http://example.com', maxAge: 0 },
    origin: 'http://example.com',
    method: 'GET',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://example.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Max-Age': '0',
        Vary: PV,
      },
    },
  },
  {
    name: 'node #6 empty allowedHeaders: no ACAH when nothing is requested',
    options: { origin: 'http://example.com', allowedHeaders: [] },
    origin: 'http://example.com',
    method: 'GET',
    expected: { headers: { 'Access-Control-Allow-Origin': 'http://example.com', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: 'node #6 empty allowedHeaders refuses a requested header',
    options: { origin: 'http://example.com', allowedHeaders: [] },
    origin: 'http://example.com',
    method: 'GET',
    headers: 'x-foo',
    expected: 'rejected',
  },
  {
    name: 'node #7 default reflects ACRH',
    options: { origin: 'http://example.com' },
    origin: 'http://example.com',
    method: 'GET',
    headers: 'x-header-1, x-header-2',
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'http://example.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'x-header-1,x-header-2',
        Vary: PV,
      },
    },
  },
  {
    name: 'node #15 no Access-Control-Expose-Headers on a preflight',
    options: { origin: 'http://example.com', exposedHeaders: ['X-A'] },
    origin: 'http://example.com',
    method: 'GET',
    expected: { headers: { 'Access-Control-Allow-Origin': 'http://example.com', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: 'node #16 a fixed origin string is a comparison, not a header value',
    options: { origin: 'https://a.example' },
    origin: 'https://other.example',
    method: 'GET',
    expected: 'rejected',
  },
  {
    name: 'node #11 origin function returns false',
    options: { origin: () => false },
    origin: 'https://evil.example',
    method: 'GET',
    expected: 'rejected',
  },
  {
    name: "node #33 a route with origin '*' answers '*'",
    options: { origin: '*' },
    origin: 'https://anything.example',
    method: 'GET',
    expected: { headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: 'node #34 @Cors(false) route gets no approval',
    options: false,
    origin: 'https://anything.example',
    method: 'GET',
    expected: 'rejected',
  },
  {
    name: 'node #45 private network allowed but not requested',
    options: { origin: 'http://example.com', privateNetwork: true },
    origin: 'http://example.com',
    method: 'GET',
    expected: { headers: { 'Access-Control-Allow-Origin': 'http://example.com', 'Access-Control-Allow-Methods': 'GET', Vary: PV_PNA } },
  },
  {
    name: 'S23 private network requested but not allowed: answered normally without ACAPN',
    options: { origin: 'https://domain2.com', allowedHeaders: '*' },
    origin: 'https://domain2.com',
    method: 'GET',
    privateNetwork: true,
    expected: { headers: { 'Access-Control-Allow-Origin': 'https://domain2.com', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: "S13 '*' with default methods",
    options: { origin: '*' },
    origin: 'https://domain2.com',
    method: 'GET',
    pathMethods: ['GET', 'HEAD'],
    expected: { headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD', Vary: PV } },
  },
  {
    name: 'S16 header list emitted whatever the requested case',
    options: { origin: '*', methods: ['GET', 'PUT'], allowedHeaders: ['header1', 'header2'] },
    origin: 'https://domain2.com',
    method: 'GET',
    headers: 'Header1',
    pathMethods: ['GET', 'PUT'],
    expected: {
      headers: {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, PUT',
        'Access-Control-Allow-Headers': 'header1, header2',
        Vary: PV,
      },
    },
  },
  {
    name: "S19 allowedHeaders '*' with an empty ACRH: no ACAH",
    options: { origin: 'https://domain2.com', allowedHeaders: ['*'] },
    origin: 'https://domain2.com',
    method: 'GET',
    headers: '',
    expected: { headers: { 'Access-Control-Allow-Origin': 'https://domain2.com', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: 'S20 a header outside the list is refused, not silently dropped',
    options: { origin: 'https://domain2.com', allowedHeaders: ['header1', 'header2'] },
    origin: 'https://domain2.com',
    method: 'GET',
    headers: 'header1, header2, header3',
    expected: 'rejected',
  },
  {
    name: 'S34 methods GET on a GET/POST path: POST not listed',
    options: {
      origin: ['https://site1.com', 'https://site2.com'],
      methods: ['GET'],
      allowedHeaders: ['header1', 'header2'],
      exposedHeaders: ['header3', 'header4'],
      maxAge: 123,
    },
    origin: 'https://site1.com',
    method: 'GET',
    headers: 'header1, header2',
    pathMethods: ['GET', 'POST'],
    expected: {
      headers: {
        'Access-Control-Allow-Origin': 'https://site1.com',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'header1, header2',
        'Access-Control-Max-Age': '123',
        Vary: PV,
      },
    },
  },
  {
    name: 'A13 method names are case-sensitive',
    options: { origin: '*', methods: ['PUT', 'DELETE'] },
    origin: 'https://x.example',
    method: 'Put',
    expected: 'rejected',
  },
  {
    name: 'JB-D2 lower-case patch is not PATCH',
    options: { origin: 'https://example.com', methods: ['PATCH'] },
    origin: 'https://example.com',
    method: 'patch',
    expected: 'rejected',
  },
  {
    name: 'node #3 optionsSuccessStatus 200',
    options: { origin: 'https://example.com', optionsSuccessStatus: 200 },
    origin: 'https://example.com',
    method: 'GET',
    expected: {
      status: 200,
      headers: { 'Access-Control-Allow-Origin': 'https://example.com', 'Access-Control-Allow-Methods': 'GET', Vary: PV },
    },
  },
  {
    name: 'malformed ACRH',
    options: { origin: 'https://example.com' },
    origin: 'https://example.com',
    method: 'GET',
    headers: 'x-foo;bar',
    expected: 'rejected',
  },
  {
    name: "malformed ACRH with allowedHeaders '*'",
    options: { origin: 'https://example.com', allowedHeaders: '*' },
    origin: 'https://example.com',
    method: 'GET',
    headers: 'x foo',
    expected: 'rejected',
  },
  {
    name: '64 KiB ACRH',
    options: { origin: 'https://example.com', allowedHeaders: '*' },
    origin: 'https://example.com',
    method: 'GET',
    headers: 'x-a,'.repeat(16 * KIB),
    expected: 'rejected',
  },
  {
    name: "8 KiB origin with '*': nothing reflected, so allowed",
    options: { origin: '*' },
    origin: `https://${'a'.repeat(8 * KIB)}`,
    method: 'GET',
    expected: { headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: '8 KiB origin with true',
    options: { origin: true },
    origin: `https://${'a'.repeat(8 * KIB)}`,
    method: 'GET',
    expected: 'rejected',
  },
  { name: 'null origin with true', options: { origin: true }, origin: 'null', method: 'GET', expected: 'rejected' },
  {
    name: 'comma-joined origins with true',
    options: { origin: true },
    origin: 'https://a.example, https://b.example',
    method: 'GET',
    expected: 'rejected',
  },
  { name: 'upper-case origin with true', options: { origin: true }, origin: 'https://EVIL.example', method: 'GET', expected: 'rejected' },
  {
    name: "listed 'null' is answered with ACAO null",
    options: { origin: ['null'] },
    origin: 'null',
    method: 'GET',
    expected: { headers: { 'Access-Control-Allow-Origin': 'null', 'Access-Control-Allow-Methods': 'GET', Vary: PV } },
  },
  {
    name: 'module without origin allows nothing (koa #46)',
    options: { credentials: true },
    origin: 'https://evil.example',
    method: 'GET',
    expected: 'rejected',
  },
  {
    name: 'origin false (node #13)',
    options: { origin: false, maxAge: 5 },
    origin: 'https://a.example',
    method: 'GET',
    expected: 'rejected',
  },
];

describe('decidePreflight against one handler', () => {
  it.each(PREFLIGHTS)('$name', async ({ options, origin, method, headers, privateNetwork = false, pathMethods, expected }) => {
    const handler = route(options);
    const routes = path(Object.fromEntries((pathMethods ?? [method]).map((m) => [m, handler])));
    const decision = await decidePreflight(at(routes, method), {
      origin,
      requestMethod: method,
      requestHeaders: headers,
      requestPrivateNetwork: privateNetwork,
      raw,
    });
    if (expected === 'rejected') {
      expect(decision.allowed).toBe(false);
      expect(decision).not.toHaveProperty('allowOrigin');
      return;
    }
    const approval = approved(decision);
    const response = new FakeResponse();
    writePreflight(approval, response);
    expect(response.cors()).toEqual(expectedHeaders(expected.headers));
    expect(approval.status).toBe(expected.status ?? 204);
    expect(approval.route).toBe(handler);
  });

  it.each(PREFLIGHTS.filter((row) => row.expected !== 'rejected'))(
    'never answers ACAO * with credentials: $name',
    async ({ options, origin, method, headers, pathMethods }) => {
      const handler = route(options);
      const routes = path(Object.fromEntries((pathMethods ?? [method]).map((m) => [m, handler])));
      const approval = approved(
        await decidePreflight(at(routes, method), {
          origin,
          requestMethod: method,
          requestHeaders: headers,
          requestPrivateNetwork: false,
          raw,
        }),
      );
      expect(approval.allowOrigin === '*' && approval.credentials).toBe(false);
    },
  );

  it('emits a configured allowedHeaders list exactly as configured', async () => {
    const handler = route({ origin: 'https://a.example', allowedHeaders: ['X-Request-Id', 'Content-Type', 'Authorization'] });
    const approval = approved(
      await decidePreflight(at(path({ PUT: handler }), 'PUT'), {
        origin: 'https://a.example',
        requestMethod: 'PUT',
        requestHeaders: 'content-type',
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(approval.allowHeaders).toBe('X-Request-Id, Content-Type, Authorization');
  });

  it('passes preflightContinue on (node #35)', async () => {
    const handler = route({ origin: 'https://a.example', preflightContinue: true });
    const approval = approved(
      await decidePreflight(at(path({ GET: handler }), 'GET'), {
        origin: 'https://a.example',
        requestMethod: 'GET',
        requestHeaders: undefined,
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(approval.continueToHandler).toBe(true);
  });

  it('stays synchronous when no origin function is async', () => {
    const handler = route({ origin: 'https://a.example' });
    const decision = decidePreflight(at(path({ GET: handler }), 'GET'), {
      origin: 'https://a.example',
      requestMethod: 'GET',
      requestHeaders: undefined,
      requestPrivateNetwork: false,
      raw,
    });
    expect(decision).not.toBeInstanceOf(Promise);
    expect((decision as PreflightDecision).allowed).toBe(true);
  });
});

describe('decidePreflight on a path with several handlers', () => {
  const A = 'https://a.example';
  const B = 'https://b.example';

  it('is refused when the path has no handler for the requested method (nest N7)', async () => {
    const get = route({ origin: A });
    const routes = path({ GET: get, HEAD: get, POST: route({ origin: A }) });
    const decision = await decidePreflight(at(routes, 'DELETE'), {
      origin: A,
      requestMethod: 'DELETE',
      requestHeaders: undefined,
      requestPrivateNetwork: false,
      raw,
    });
    expect(decision.allowed).toBe(false);
  });

  // Per-method policies on one path: GET/HEAD for A and B, PUT for A, DELETE for B only,
  // PATCH for A but its policy does not list PATCH, POST disabled.
  const get = route({ origin: [A, B] }, 'Items.list');
  const put = route({ origin: A, credentials: true }, 'Items.replace');
  const del = route({ origin: B }, 'Items.remove');
  const patch = route({ origin: A, methods: ['PUT'] }, 'Items.patch');
  const post = route(false, 'Items.create');
  const items = path({ GET: get, HEAD: get, PUT: put, DELETE: del, PATCH: patch, POST: post });

  const table: {
    name: string;
    origin: string;
    method: string;
    expected: 'rejected' | { allowMethods: string[]; route: CorsRoute; credentials: boolean };
  }[] = [
    {
      name: 'PUT from A, with credentials, lists no method whose handler sends none',
      origin: A,
      method: 'PUT',
      expected: { allowMethods: ['PUT'], route: put, credentials: true },
    },
    {
      name: 'GET from A lists no method whose handler would send credentials',
      origin: A,
      method: 'GET',
      expected: { allowMethods: ['GET', 'HEAD'], route: get, credentials: false },
    },
    {
      name: 'DELETE from B',
      origin: B,
      method: 'DELETE',
      expected: { allowMethods: ['DELETE', 'GET', 'HEAD'], route: del, credentials: false },
    },
    { name: 'GET from B', origin: B, method: 'GET', expected: { allowMethods: ['DELETE', 'GET', 'HEAD'], route: get, credentials: false } },
    { name: 'DELETE from A: that handler does not allow A', origin: A, method: 'DELETE', expected: 'rejected' },
    { name: 'PUT from B', origin: B, method: 'PUT', expected: 'rejected' },
    { name: 'PATCH from A: handler exists but its policy does not list PATCH', origin: A, method: 'PATCH', expected: 'rejected' },
    { name: 'POST: handler under @Cors(false)', origin: A, method: 'POST', expected: 'rejected' },
    { name: 'OPTIONS: no handler', origin: A, method: 'OPTIONS', expected: 'rejected' },
  ];

  it.each(table)('$name', async ({ origin, method, expected }) => {
    const decision = await decidePreflight(at(items, method), {
      origin,
      requestMethod: method,
      requestHeaders: undefined,
      requestPrivateNetwork: false,
      raw,
    });
    if (expected === 'rejected') {
      expect(decision.allowed).toBe(false);
      return;
    }
    const approval = approved(decision);
    expect(normalise('access-control-allow-methods', approval.allowMethods)).toEqual([...expected.allowMethods].sort());
    expect(approval.route).toBe(expected.route);
    expect(approval.credentials).toBe(expected.credentials);
  });

  it('announces only what every listed method allows: the PUT/DELETE preflight-cache case', async () => {
    const moduleOptions: CorsOptions = { origin: [A], credentials: true, maxAge: 600 };
    const update = route({ ...moduleOptions, allowedHeaders: ['X-Token'] }, 'Items.update');
    const remove = route({ ...moduleOptions, credentials: false, allowedHeaders: ['Content-Type'], maxAge: 5 }, 'Items.remove');
    const routes = path({ PUT: update, DELETE: remove });
    const put = approved(
      await decidePreflight(at(routes, 'PUT'), {
        origin: A,
        requestMethod: 'PUT',
        requestHeaders: 'x-token',
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(normalise('access-control-allow-methods', put.allowMethods)).toEqual(['PUT']);
    // X-Token is answered for this request only: cached, its header entry would let an
    // uncredentialed DELETE with X-Token through on a DELETE method entry of another preflight.
    expect(put).toMatchObject({ credentials: true, allowHeaders: 'x-token', maxAge: 0 });
    const del = await decidePreflight(at(routes, 'DELETE'), {
      origin: A,
      requestMethod: 'DELETE',
      requestHeaders: 'x-token',
      requestPrivateNetwork: false,
      raw,
    });
    expect(del.allowed).toBe(false);
  });

  it('announces the headers and max-age all listed methods share', async () => {
    const put = route({ origin: A, allowedHeaders: ['X-Token', 'Content-Type'], maxAge: 600 }, 'Items.update');
    const del = route({ origin: A, allowedHeaders: ['content-type'], maxAge: 60 }, 'Items.remove');
    const get = route({ origin: A, maxAge: 30 }, 'Items.read');
    const approval = approved(
      await decidePreflight(at(path({ PUT: put, DELETE: del, GET: get }), 'PUT'), {
        origin: A,
        requestMethod: 'PUT',
        requestHeaders: 'content-type',
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(normalise('access-control-allow-methods', approval.allowMethods)).toEqual(['DELETE', 'GET', 'PUT']);
    expect(approval.allowHeaders).toBe('Content-Type');
    expect(approval.maxAge).toBe(30);
    const listsOnly = approved(
      await decidePreflight(at(path({ PUT: put, DELETE: del }), 'PUT'), {
        origin: A,
        requestMethod: 'PUT',
        requestHeaders: undefined,
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(listsOnly.allowHeaders).toBe('Content-Type');
    expect(listsOnly.maxAge).toBe(60);
  });

  it('lists the methods an @All() route allows for the origin', async () => {
    const all = route({ origin: A, methods: ['GET', 'POST', 'PURGE'] });
    const routes = path({ GET: all, POST: all, PURGE: all, DELETE: all });
    const approval = approved(
      await decidePreflight(at(routes, 'PURGE'), {
        origin: A,
        requestMethod: 'PURGE',
        requestHeaders: undefined,
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(normalise('access-control-allow-methods', approval.allowMethods)).toEqual(['GET', 'POST', 'PURGE']);
  });

  it('lists the module defaults’ methods on a path unknown to Nest', async () => {
    const defaults = route({ origin: A });
    const approval = approved(
      await decidePreflight(routesOfPolicy(defaults), {
        origin: A,
        requestMethod: 'PUT',
        requestHeaders: undefined,
        requestPrivateNetwork: false,
        raw,
      }),
    );
    expect(normalise('access-control-allow-methods', approval.allowMethods)).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  });

  it('is refused on an unknown path when the defaults do not allow the method', async () => {
    const decision = await decidePreflight(routesOfPolicy(route({ origin: A })), {
      origin: A,
      requestMethod: 'PURGE',
      requestHeaders: undefined,
      requestPrivateNetwork: false,
      raw,
    });
    expect(decision.allowed).toBe(false);
  });
});

describe('decidePreflight over versioned candidates (union)', () => {
  const A = 'https://a.example';
  const B = 'https://b.example';
  const request = (origin: string, headers?: string, privateNetwork = false) => ({
    origin,
    requestMethod: 'GET',
    requestHeaders: headers,
    requestPrivateNetwork: privateNetwork,
    raw,
  });

  const table: {
    name: string;
    candidates: (CorsOptions | false)[];
    origin: string;
    headers?: string;
    privateNetwork?: boolean;
    expected:
      | 'rejected'
      | {
          allowOrigin: string;
          credentials: boolean;
          maxAge?: number;
          allowHeaders?: string[];
          allowPrivateNetwork?: boolean;
          routeIndex: number;
        };
  }[] = [
    {
      name: 'origin allowed by the second candidate only',
      candidates: [{ origin: A }, { origin: B }],
      origin: B,
      expected: { allowOrigin: B, credentials: false, routeIndex: 1 },
    },
    { name: 'origin allowed by none', candidates: [{ origin: A }, { origin: B }], origin: 'https://c.example', expected: 'rejected' },
    {
      name: 'credentials if any allowing candidate has them',
      candidates: [{ origin: A }, { origin: A, credentials: true }],
      origin: A,
      expected: { allowOrigin: A, credentials: true, routeIndex: 0 },
    },
    {
      name: 'the smallest maxAge',
      candidates: [
        { origin: A, maxAge: 600 },
        { origin: A, maxAge: 60 },
      ],
      origin: A,
      expected: { allowOrigin: A, credentials: false, maxAge: 60, routeIndex: 0 },
    },
    {
      name: 'the smallest maxAge, 0 included',
      candidates: [
        { origin: A, maxAge: 0 },
        { origin: A, maxAge: 600 },
      ],
      origin: A,
      expected: { allowOrigin: A, credentials: false, maxAge: 0, routeIndex: 0 },
    },
    {
      name: "'*' and a credentialed candidate: the origin is reflected, never '*' with credentials",
      candidates: [{ origin: '*' }, { origin: A, credentials: true }],
      origin: A,
      expected: { allowOrigin: A, credentials: true, routeIndex: 0 },
    },
    {
      name: "'*' candidates only: '*'",
      candidates: [{ origin: '*' }, { origin: ['*'], maxAge: 5 }],
      origin: B,
      expected: { allowOrigin: '*', credentials: false, maxAge: 5, routeIndex: 0 },
    },
    {
      name: "origin only '*' allows: '*' without credentials",
      candidates: [{ origin: '*' }, { origin: A, credentials: true }],
      origin: B,
      expected: { allowOrigin: '*', credentials: false, routeIndex: 0 },
    },
    {
      name: 'only the header names every candidate allows',
      candidates: [
        { origin: A, allowedHeaders: ['X-A', 'X-Shared'] },
        { origin: A, allowedHeaders: ['X-B', 'x-shared'] },
      ],
      origin: A,
      expected: { allowOrigin: A, credentials: false, allowHeaders: ['x-shared'], routeIndex: 0 },
    },
    {
      name: 'a header allowed by one candidate only: answered, but not cached (the other candidate refuses it)',
      candidates: [
        { origin: A, allowedHeaders: ['X-A'] },
        { origin: A, allowedHeaders: ['X-B'] },
      ],
      origin: A,
      headers: 'x-b',
      expected: { allowOrigin: A, credentials: false, allowHeaders: ['x-b'], maxAge: 0, routeIndex: 1 },
    },
    {
      name: 'a header no candidate allows',
      candidates: [
        { origin: A, allowedHeaders: ['X-A'] },
        { origin: A, allowedHeaders: ['X-B'] },
      ],
      origin: A,
      headers: 'x-c',
      expected: 'rejected',
    },
    {
      name: 'private network if an allowing candidate allows it',
      candidates: [{ origin: A }, { origin: A, privateNetwork: true }],
      origin: A,
      privateNetwork: true,
      expected: { allowOrigin: A, credentials: false, allowPrivateNetwork: true, routeIndex: 0 },
    },
    {
      name: 'a candidate refusing the origin contributes nothing',
      candidates: [{ origin: A, credentials: true, maxAge: 1 }, { origin: B }],
      origin: B,
      expected: { allowOrigin: B, credentials: false, routeIndex: 1 },
    },
    {
      name: 'a @Cors(false) candidate contributes nothing',
      candidates: [false, { origin: '*', maxAge: 9 }],
      origin: B,
      expected: { allowOrigin: '*', credentials: false, maxAge: 9, routeIndex: 1 },
    },
    { name: '@Cors(false) candidates only', candidates: [false, false], origin: B, expected: 'rejected' },
  ];

  it.each(table)('$name', async ({ candidates, origin, headers, privateNetwork, expected }) => {
    const routes = candidates.map((options) => route(options));
    const decision = await decidePreflight(at(path({ GET: routes }), 'GET'), request(origin, headers, privateNetwork));
    if (expected === 'rejected') {
      expect(decision.allowed).toBe(false);
      return;
    }
    const approval = approved(decision);
    expect(approval.allowOrigin).toBe(expected.allowOrigin);
    expect(approval.credentials).toBe(expected.credentials);
    expect(approval.maxAge).toBe(expected.maxAge);
    expect(approval.allowPrivateNetwork).toBe(expected.allowPrivateNetwork ?? false);
    if (expected.allowHeaders)
      expect(normalise('access-control-allow-headers', approval.allowHeaders ?? '').sort()).toEqual(expected.allowHeaders);
    expect(approval.route).toBe(routes[expected.routeIndex]);
  });
});

describe('decidePreflight with origin functions', () => {
  const A = 'https://a.example';
  const request = { origin: A, requestMethod: 'GET', requestHeaders: undefined, requestPrivateNetwork: false, raw };

  it.each([
    { name: 'sync true', fn: (() => true) as CorsOriginFunction, allowed: true },
    { name: 'async true', fn: (async () => true) as CorsOriginFunction, allowed: true },
    { name: 'async false', fn: (async () => false) as CorsOriginFunction, allowed: false },
    {
      name: 'throws',
      fn: (() => {
        throw new Error('db down');
      }) as CorsOriginFunction,
      allowed: false,
    },
    { name: 'rejects', fn: (() => Promise.reject(new Error('db down'))) as CorsOriginFunction, allowed: false },
  ])('$name → allowed $allowed, never throws or rejects', async ({ fn, allowed }) => {
    const handler = route({ origin: fn, credentials: true });
    let decision: PreflightDecision | Promise<PreflightDecision> | undefined;
    expect(() => (decision = decidePreflight(at(path({ GET: handler }), 'GET'), request))).not.toThrow();
    const resolved = await decision!;
    expect(resolved.allowed).toBe(allowed);
    if (resolved.allowed) expect(resolved.allowOrigin).toBe(A);
  });

  it('calls the function once per policy, however many methods share it', async () => {
    const fn = jest.fn<CorsOriginFunction>(async () => true);
    const handler = route({ origin: fn });
    const routes = path({ GET: handler, HEAD: handler, PUT: handler, DELETE: handler });
    approved(await decidePreflight(at(routes, 'PUT'), { ...request, requestMethod: 'PUT' }));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(A, raw, expect.anything());
  });

  it('lists a method whose async policy allows the origin', async () => {
    const put = route({ origin: async () => true });
    const del = route({ origin: async () => false });
    const routes = path({ PUT: put, DELETE: del });
    const approval = approved(await decidePreflight(at(routes, 'PUT'), { ...request, requestMethod: 'PUT' }));
    expect(normalise('access-control-allow-methods', approval.allowMethods)).toEqual(['PUT']);
  });
});

interface ActualRow {
  name: string;
  options: CorsOptions | false;
  origin: string;
  method?: string;
  expected: 'rejected' | Record<string, string>;
}

/** Actual (non-preflight) requests: every CORS header the response must carry, or refusal. */
const ACTUALS: ActualRow[] = [
  { name: 'RS-02 origin *', options: { origin: '*' }, origin: 'http://foobar.com', expected: { 'Access-Control-Allow-Origin': '*' } },
  {
    name: 'RS-04 allowed origin',
    options: { origin: 'http://foobar.com' },
    origin: 'http://foobar.com',
    expected: { 'Access-Control-Allow-Origin': 'http://foobar.com' },
  },
  {
    name: 'RS-05 wildcard subdomain',
    options: { origin: 'http://*.bar.com' },
    origin: 'http://foo.bar.com',
    expected: { 'Access-Control-Allow-Origin': 'http://foo.bar.com' },
  },
  { name: 'RS-06 disallowed origin', options: { origin: 'http://foobar.com' }, origin: 'http://barbaz.com', expected: 'rejected' },
  { name: 'RS-07 disallowed wildcard origin', options: { origin: 'http://*.bar.com' }, origin: 'http://foo.baz.com', expected: 'rejected' },
  {
    name: 'RS-18 exposed headers as configured',
    options: { origin: 'http://foobar.com', exposedHeaders: ['X-Header-1', 'x-header-2'] },
    origin: 'http://foobar.com',
    expected: { 'Access-Control-Allow-Origin': 'http://foobar.com', 'Access-Control-Expose-Headers': 'X-Header-1, x-header-2' },
  },
  {
    name: 'RS-22 OPTIONS without ACRM is an actual request',
    options: { origin: 'http://foobar.com', methods: ['GET', 'OPTIONS'] },
    origin: 'http://foobar.com',
    method: 'OPTIONS',
    expected: { 'Access-Control-Allow-Origin': 'http://foobar.com' },
  },
  {
    name: 'RS-28 method with a handler but not in methods',
    options: { origin: 'http://example.com', methods: ['POST'], credentials: true },
    origin: 'http://example.com',
    expected: 'rejected',
  },
  {
    name: 'RS-D2 upper-case origin is not the listed origin',
    options: { origin: 'https://example.com' },
    origin: 'https://EXAMPLE.com',
    expected: 'rejected',
  },
  { name: 'RS-D3 glob is never a wildcard', options: { origin: ['h*'] }, origin: 'https://evil.example.com', expected: 'rejected' },
  {
    name: 'RS-D8 Origin sent twice (joined)',
    options: { origin: 'https://a.example' },
    origin: 'https://a.example, https://b.example',
    expected: 'rejected',
  },
  { name: 'RS-D9 empty label', options: { origin: 'https://*.example.com' }, origin: 'https://.example.com', expected: 'rejected' },
  { name: 'RS-D9 apex', options: { origin: 'https://*.example.com' }, origin: 'https://example.com', expected: 'rejected' },
  {
    name: 'RS-D10 no wildcard TLD',
    options: { origin: ['https://app.example.*'] },
    origin: 'https://app.example.evil.com',
    expected: 'rejected',
  },
  {
    name: 'JB-03 credentialed GET from an allowed origin',
    options: CRED,
    origin: LH,
    expected: {
      'Access-Control-Allow-Origin': LH,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'X-Foo, X-Bar',
    },
  },
  { name: 'JB-04 disallowed origin', options: CRED, origin: 'https://example.com', expected: 'rejected' },
  { name: 'JB-05 invalid origin', options: CRED, origin: 'invalid_origin', expected: 'rejected' },
  {
    name: 'JB-35 allowed origin with port',
    options: SOME,
    origin: 'https://example.com:8080',
    expected: {
      'Access-Control-Allow-Origin': 'https://example.com:8080',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'X-Foo, X-Bar',
    },
  },
  { name: 'JB-36 port mismatch', options: SOME, origin: 'https://example.com:6060', expected: 'rejected' },
  {
    name: 'JB-42 barfoo.com (GHSA-vhxv-fg4m-p2w8)',
    options: { origin: ['https://foo.com', 'https://bar.com'] },
    origin: 'https://barfoo.com',
    expected: 'rejected',
  },
  {
    name: 'JB-44 non-http scheme',
    options: { origin: 'connector://example.com', credentials: true },
    origin: 'connector://example.com',
    expected: { 'Access-Control-Allow-Origin': 'connector://example.com', 'Access-Control-Allow-Credentials': 'true' },
  },
  {
    name: 'JB-45 non-http scheme, other port',
    options: { origin: 'connector://example.com' },
    origin: 'connector://example.com:6060',
    expected: 'rejected',
  },
  { name: 'JB-D3 case-sensitive origin', options: { origin: 'https://example.com' }, origin: 'https://EXAMPLE.com', expected: 'rejected' },
  { name: 'JB-D4 null not listed', options: { origin: 'https://example.com' }, origin: 'null', expected: 'rejected' },
  {
    name: "S05 '*' sends no ACAC or ACEH",
    options: { origin: '*' },
    origin: 'https://domain2.com',
    expected: { 'Access-Control-Allow-Origin': '*' },
  },
  {
    name: 'S06 credentials',
    options: { origin: ['https://domain1.com', 'https://domain2.com', 'http://domain3.example'], credentials: true },
    origin: 'https://domain2.com',
    expected: { 'Access-Control-Allow-Origin': 'https://domain2.com', 'Access-Control-Allow-Credentials': 'true' },
  },
  {
    name: 'S10 trailing slash is not the origin',
    options: { origin: 'https://domain2.com' },
    origin: 'https://domain2.com/',
    expected: 'rejected',
  },
  { name: 'S11 malformed origin (gh-33682)', options: { origin: 'https://domain2.com' }, origin: 'http://*@:;', expected: 'rejected' },
  {
    name: 'S27 subdomain pattern vs apex',
    options: { origin: 'https://*.domain.com' },
    origin: 'https://domain.com',
    expected: 'rejected',
  },
  {
    name: 'S27 subdomain pattern vs other port',
    options: { origin: 'https://*.domain.com' },
    origin: 'https://example.domain.com:8443',
    expected: 'rejected',
  },
  {
    name: 'S27 subdomain pattern',
    options: { origin: 'https://*.domain.com' },
    origin: 'https://example.domain.com',
    expected: { 'Access-Control-Allow-Origin': 'https://example.domain.com' },
  },
  {
    name: 'S30 several origins in one string never match',
    options: { origin: ['https://a1.com, https://a2.com'] },
    origin: 'https://a1.com',
    expected: 'rejected',
  },
  {
    name: 'A06 exposed header on an allowed PUT',
    options: { origin: 'http://api.example.com', methods: ['PUT'], allowedHeaders: ['Header1'], exposedHeaders: ['AllowedHeader'] },
    origin: 'http://api.example.com',
    method: 'PUT',
    expected: { 'Access-Control-Allow-Origin': 'http://api.example.com', 'Access-Control-Expose-Headers': 'AllowedHeader' },
  },
  {
    name: 'A04 disallowed origin',
    options: { origin: 'http://api.example.com', methods: ['PUT'] },
    origin: 'http://test.example.com',
    method: 'PUT',
    expected: 'rejected',
  },
  {
    name: "A08 '*' does not vary by origin",
    options: { origin: '*' },
    origin: 'http://example.com',
    expected: { 'Access-Control-Allow-Origin': '*' },
  },
  {
    name: 'A09 several origins vary by origin',
    options: { origin: ['http://example.com', 'http://api.example.com'] },
    origin: 'http://example.com',
    expected: { 'Access-Control-Allow-Origin': 'http://example.com' },
  },
  {
    name: 'A10 a function varies by origin',
    options: { origin: () => true },
    origin: 'http://example.com',
    expected: { 'Access-Control-Allow-Origin': 'http://example.com' },
  },
  {
    name: 'A27 subdomain of a hacker domain',
    options: { origin: 'http://*.domain.com' },
    origin: 'http://sub.domain.com.hacker',
    expected: 'rejected',
  },
  { name: 'A27 other scheme', options: { origin: 'http://*.domain.com' }, origin: 'https://sub.domain.com', expected: 'rejected' },
  {
    name: 'A31 an entry next to * is irrelevant',
    options: { origin: ['*', 'http://example.com'] },
    origin: 'http://other.com',
    expected: { 'Access-Control-Allow-Origin': '*' },
  },
  { name: 'node #13 origin false', options: { origin: false, exposedHeaders: ['X-A'] }, origin: 'https://a.example', expected: 'rejected' },
  { name: 'node #26 [*]', options: { origin: ['*'] }, origin: 'https://a.example', expected: { 'Access-Control-Allow-Origin': '*' } },
  {
    name: 'node #46 no origin configured: never reflect',
    options: { credentials: true },
    origin: 'https://evil.example',
    expected: 'rejected',
  },
  { name: '@Cors(false)', options: false, origin: 'https://a.example', expected: 'rejected' },
  {
    name: 'eviltenant vs tenant',
    options: { origin: 'https://tenant.example.com' },
    origin: 'https://eviltenant.example.com',
    expected: 'rejected',
  },
  {
    name: 'suffix attack on a subdomain pattern',
    options: { origin: 'https://*.example.com' },
    origin: 'https://a.example.com.evil.net',
    expected: 'rejected',
  },
  { name: 'http vs https', options: { origin: 'https://a.example' }, origin: 'http://a.example', expected: 'rejected' },
  {
    name: 'any port',
    options: { origin: 'http://localhost:*' },
    origin: 'http://localhost:5173',
    expected: { 'Access-Control-Allow-Origin': 'http://localhost:5173' },
  },
  { name: 'listed null', options: { origin: ['null'] }, origin: 'null', expected: { 'Access-Control-Allow-Origin': 'null' } },
  {
    name: "'*' with an 8 KiB origin reflects nothing",
    options: { origin: '*' },
    origin: `https://${'a'.repeat(8 * KIB)}`,
    expected: { 'Access-Control-Allow-Origin': '*' },
  },
  { name: 'true with an 8 KiB origin', options: { origin: true }, origin: `https://${'a'.repeat(8 * KIB)}`, expected: 'rejected' },
  {
    name: 'HEAD allowed wherever GET is',
    options: { origin: 'https://a.example', methods: ['GET'] },
    origin: 'https://a.example',
    method: 'HEAD',
    expected: { 'Access-Control-Allow-Origin': 'https://a.example' },
  },
];

describe('decideActual against one handler', () => {
  it.each(ACTUALS)('$name', async ({ options, origin, method = 'GET', expected }) => {
    const handler = route(options);
    const decision = await decideActual([handler], method, origin, raw);
    if (expected === 'rejected') {
      expect(decision.allowed).toBe(false);
      expect(decision).not.toHaveProperty('allowOrigin');
      return;
    }
    const approval = approved(decision);
    const response = new FakeResponse();
    writeActualHeaders(approval, response);
    expect(response.cors()).toEqual(expectedHeaders(expected));
    expect(approval.route).toBe(handler);
  });
});

describe('decideActual over versioned candidates (union)', () => {
  const A = 'https://a.example';
  const B = 'https://b.example';

  it.each<{ name: string; candidates: CorsOptions[]; origin: string; expected: Record<string, string> }>([
    {
      name: 'origin allowed by the second only',
      candidates: [{ origin: A }, { origin: B, exposedHeaders: ['X-B'] }] as CorsOptions[],
      origin: B,
      expected: { 'Access-Control-Allow-Origin': B, 'Access-Control-Expose-Headers': 'X-B' },
    },
    {
      name: 'credentials if any allowing candidate has them',
      candidates: [{ origin: A }, { origin: A, credentials: true }] as CorsOptions[],
      origin: A,
      expected: { 'Access-Control-Allow-Origin': A, 'Access-Control-Allow-Credentials': 'true' },
    },
    {
      name: "'*' and a credentialed candidate: reflected, never '*' with credentials",
      candidates: [{ origin: '*' }, { origin: A, credentials: true }] as CorsOptions[],
      origin: A,
      expected: { 'Access-Control-Allow-Origin': A, 'Access-Control-Allow-Credentials': 'true' },
    },
    {
      name: "only '*' allows",
      candidates: [{ origin: '*' }, { origin: A, credentials: true }] as CorsOptions[],
      origin: B,
      expected: { 'Access-Control-Allow-Origin': '*' },
    },
    {
      name: 'exposed headers of every allowing candidate',
      candidates: [
        { origin: A, exposedHeaders: ['X-A'] },
        { origin: A, exposedHeaders: 'X-B' },
        { origin: B, exposedHeaders: ['X-C'] },
      ] as CorsOptions[],
      origin: A,
      expected: { 'Access-Control-Allow-Origin': A, 'Access-Control-Expose-Headers': 'X-A, X-B' },
    },
  ])('$name', async ({ candidates, origin, expected }) => {
    const approval = approved(
      await decideActual(
        candidates.map((options) => route(options)),
        'GET',
        origin,
        raw,
      ),
    );
    const response = new FakeResponse();
    writeActualHeaders(approval, response);
    expect(response.cors()).toEqual(expectedHeaders(expected));
  });

  it('is refused without candidates', async () => {
    expect((await decideActual([], 'GET', A, raw)).allowed).toBe(false);
  });

  it.each([
    { name: 'async true', fn: (async () => true) as CorsOriginFunction, allowed: true },
    { name: 'async false (node #29)', fn: (async () => false) as CorsOriginFunction, allowed: false },
    {
      name: 'throws (node #12: fail closed, not 500)',
      fn: (() => {
        throw new Error('x');
      }) as CorsOriginFunction,
      allowed: false,
    },
    { name: 'rejects', fn: (() => Promise.reject(new Error('x'))) as CorsOriginFunction, allowed: false },
  ])('origin function $name', async ({ fn, allowed }) => {
    let decision: ActualDecision | Promise<ActualDecision> | undefined;
    expect(() => (decision = decideActual([route({ origin: fn })], 'GET', A, raw))).not.toThrow();
    expect((await decision!).allowed).toBe(allowed);
  });
});

describe('writing headers', () => {
  const A = 'https://a.example';
  const preflight = (options: CorsOptions) =>
    approved(
      decidePreflight(routesOfPolicy(route(options)), {
        origin: A,
        requestMethod: 'GET',
        requestHeaders: undefined,
        requestPrivateNetwork: false,
        raw,
      }) as PreflightDecision,
    );

  it('sets every header once, each as a fresh string (jub0bs #14, JB-49)', () => {
    const first = new FakeResponse();
    const second = new FakeResponse();
    const approval = preflight({ origin: A, credentials: true, maxAge: 5, allowedHeaders: ['X-A'] });
    writePreflightHeaders(approval, first);
    writePreflightHeaders(approval, second);
    for (const response of [first, second]) {
      const names = response.calls.map((call) => call.name.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
      for (const call of response.calls) expect(typeof call.value).toBe('string');
    }
    expect(second.cors()).toEqual(first.cors());
  });

  it('writes each actual-request header once, and no Vary (written when the head is sent)', () => {
    const response = new FakeResponse();
    writeActualHeaders(
      approved(decideActual([route({ origin: A, credentials: true, exposedHeaders: ['X-Total'] })], 'GET', A, raw) as ActualDecision),
      response,
    );
    expect(response.calls.map((call) => call.name)).toEqual([
      'Access-Control-Allow-Origin',
      'Access-Control-Allow-Credentials',
      'Access-Control-Expose-Headers',
    ]);
  });
});
