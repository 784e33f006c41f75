import type { VariantName } from '../app/variants.js';
import { ALLOWED_ORIGIN, DISALLOWED_ORIGIN } from '../app/origins.js';

/** One kind of request the load generator repeats. */
export interface Workload {
  readonly name: WorkloadName;
  readonly method: 'GET' | 'OPTIONS';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type WorkloadName = 'allowed GET' | 'preflight PUT' | 'disallowed GET' | 'hostile Origin' | 'hostile ACRH';

/** The status and `Access-Control-Allow-Origin` a variant must answer a workload with. */
export interface ExpectedResponse {
  readonly status: number;
  readonly allowOrigin: string | undefined;
}

const MEASURED_PATH = '/items/42';
const HOSTILE_ORIGIN_BYTES = 8 * 1024;
const HOSTILE_REQUEST_HEADERS_BYTES = 64 * 1024;

export const ALLOWED_GET: Workload = { name: 'allowed GET', method: 'GET', path: MEASURED_PATH, headers: { Origin: ALLOWED_ORIGIN } };

export const PREFLIGHT: Workload = {
  name: 'preflight PUT',
  method: 'OPTIONS',
  path: MEASURED_PATH,
  headers: {
    Origin: ALLOWED_ORIGIN,
    'Access-Control-Request-Method': 'PUT',
    'Access-Control-Request-Headers': 'content-type,x-request-id',
  },
};

const DISALLOWED_GET: Workload = { name: 'disallowed GET', method: 'GET', path: MEASURED_PATH, headers: { Origin: DISALLOWED_ORIGIN } };

/** A syntactically plausible origin of exactly 8 KiB. */
function hostileOrigin(): string {
  const scheme = 'https://';
  const suffix = '.example';
  return scheme + 'a'.repeat(HOSTILE_ORIGIN_BYTES - scheme.length - suffix.length) + suffix;
}

/** 64 KiB of distinct header names (`x-custom-0, x-custom-1, …`), far past any sane element count. */
function hostileRequestHeaders(): string {
  const names: string[] = [];
  let length = 0;
  for (let index = 0; length < HOSTILE_REQUEST_HEADERS_BYTES; index++) {
    const name = `x-custom-${index}`;
    names.push(name);
    length += name.length + 2;
  }
  return names.join(', ').slice(0, HOSTILE_REQUEST_HEADERS_BYTES);
}

export const HOSTILE_WORKLOADS: readonly Workload[] = [
  { ...PREFLIGHT, name: 'hostile Origin', headers: { ...PREFLIGHT.headers, Origin: hostileOrigin() } },
  { ...PREFLIGHT, name: 'hostile ACRH', headers: { ...PREFLIGHT.headers, 'Access-Control-Request-Headers': hostileRequestHeaders() } },
];

/** Every workload, by a command-line name such as `allowed-get` or `hostile-acrh`. */
export function workloadNamed(slug: string): Workload {
  const workloads = [ALLOWED_GET, PREFLIGHT, DISALLOWED_GET, ...HOSTILE_WORKLOADS];
  const workload = workloads.find((candidate) => slugOf(candidate) === slug);
  if (!workload) throw new Error(`unknown workload ${slug}; expected one of ${workloads.map(slugOf).join(', ')}`);
  return workload;
}

function slugOf(workload: Workload): string {
  return workload.name.toLowerCase().replace(/\W+/g, '-');
}

/**
 * The throughput workloads each variant runs: without CORS only the allowed GET means anything,
 * and the interceptor only runs on requests that reach a handler.
 */
export function throughputWorkloadsOf(variant: VariantName): readonly Workload[] {
  return variant === 'nest-cors' || variant === 'nest-cors-big' || variant === 'builtin'
    ? [ALLOWED_GET, PREFLIGHT, DISALLOWED_GET]
    : [ALLOWED_GET];
}

/** Variants without CORS: they answer every workload as the app alone does. */
export function hasNoCors(variant: VariantName): boolean {
  return variant === 'none' || variant === 'none-big' || variant === 'shape' || variant === 'mount-only';
}

/**
 * What each variant answers. `builtin` never refuses (the `cors` package and `@fastify/cors` only
 * leave the headers out, and the handler runs); nest-cors answers 403 to disallowed origins and to
 * oversized headers, before any handler runs.
 */
export function expectedResponse(variant: VariantName, workload: Workload): ExpectedResponse {
  if (hasNoCors(variant)) return { status: 200, allowOrigin: undefined };
  const isNestCors = variant.startsWith('nest-cors');
  switch (workload.name) {
    case 'allowed GET':
      return { status: 200, allowOrigin: ALLOWED_ORIGIN };
    case 'preflight PUT':
      return { status: 204, allowOrigin: ALLOWED_ORIGIN };
    case 'disallowed GET':
      return { status: isNestCors ? 403 : 200, allowOrigin: undefined };
    case 'hostile Origin':
      return { status: isNestCors ? 403 : 204, allowOrigin: undefined };
    case 'hostile ACRH':
      return isNestCors ? { status: 403, allowOrigin: undefined } : { status: 204, allowOrigin: ALLOWED_ORIGIN };
  }
}
