import type { IncomingMessage } from 'node:http';
import type { CorsPolicy } from './cors-policy.js';
import { parseHeaderList } from './header-list.js';
import { appendVary } from './vary.js';

/** A handler's policy and its name (`CatsController.update`), as the route table holds them. */
export interface CorsRoute {
  readonly policy: CorsPolicy;
  readonly name: string;
}

/** The routes of one path, by request method, as returned by a route-table lookup. */
export interface PathRoutes {
  /** Methods with a handler on the path (HEAD added wherever GET is), each with its candidates. */
  readonly methods: ReadonlyMap<string, readonly CorsRoute[]>;
  /** Routes serving every method (`@All()`), used for methods not in {@link methods}. */
  readonly anyMethod: readonly CorsRoute[];
}

/** Where headers are written: a Node `ServerResponse` satisfies it. */
export interface HeaderSink {
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
}

/** The parts of a preflight request a decision needs. */
export interface PreflightRequest {
  readonly origin: string;
  /** `Access-Control-Request-Method`, exactly as sent. */
  readonly requestMethod: string;
  /** `Access-Control-Request-Headers`, if sent. */
  readonly requestHeaders: string | undefined;
  /** Whether `Access-Control-Request-Private-Network: true` was sent. */
  readonly requestPrivateNetwork: boolean;
  readonly raw: IncomingMessage;
}

/** A refused request, with the route whose policy refused it and the reason (for the debug log). */
export interface CorsRejection {
  readonly allowed: false;
  readonly route: CorsRoute | undefined;
  readonly reason: string;
}

/** An approved preflight: the headers to send and how to end it. */
export interface PreflightApproval {
  readonly allowed: true;
  readonly route: CorsRoute;
  readonly allowOrigin: string;
  readonly credentials: boolean;
  readonly allowMethods: string;
  readonly allowHeaders: string | undefined;
  readonly maxAge: number | undefined;
  readonly allowPrivateNetwork: boolean;
  readonly vary: string;
  readonly status: number;
  readonly continueToHandler: boolean;
}

/** An approved actual (non-preflight) cross-origin request. */
export interface ActualApproval {
  readonly allowed: true;
  readonly route: CorsRoute;
  readonly allowOrigin: string;
  readonly credentials: boolean;
  readonly exposeHeaders: string | undefined;
}

export type PreflightDecision = PreflightApproval | CorsRejection;
export type ActualDecision = ActualApproval | CorsRejection;

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const PREFLIGHT_VARY_PRIVATE_NETWORK = `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network`;

/** The candidates serving `method` on a path: its own routes, or the `@All()` ones. */
export function routesForMethod(path: PathRoutes, method: string): readonly CorsRoute[] {
  return path.methods.get(method) ?? path.anyMethod;
}

type OriginDecisions = Map<CorsPolicy, boolean>;

/**
 * Evaluates the origin once per distinct policy. Stays synchronous unless an origin function
 * returns a promise.
 */
function decideOrigins(
  policies: Iterable<CorsPolicy>,
  origin: string,
  raw: IncomingMessage,
): OriginDecisions | Promise<OriginDecisions> {
  const decisions: OriginDecisions = new Map();
  let pending: Promise<void>[] | undefined;
  for (const policy of policies) {
    if (decisions.has(policy)) continue;
    const decision = policy.allowsOrigin(origin, raw);
    if (typeof decision === 'boolean') {
      decisions.set(policy, decision);
    } else {
      decisions.set(policy, false);
      (pending ??= []).push(decision.then((allowed) => void decisions.set(policy, allowed)));
    }
  }
  return pending ? Promise.all(pending).then(() => decisions) : decisions;
}

function* policiesOf(candidates: readonly CorsRoute[], path: PathRoutes | undefined): Generator<CorsPolicy> {
  for (const route of candidates) yield route.policy;
  if (!path) return;
  for (const routes of path.methods.values()) for (const route of routes) yield route.policy;
  for (const route of path.anyMethod) yield route.policy;
}

/**
 * Decides a preflight for the handlers that would serve the requested method (several only under
 * header or media-type versioning, where the answer is their union).
 *
 * @param candidates routes serving the requested method on the path (or the module defaults)
 * @param path every route of the path, for `Access-Control-Allow-Methods`; `undefined` for paths
 *   Nest does not know, which list the candidates' configured methods
 */
export function decidePreflight(
  candidates: readonly CorsRoute[],
  path: PathRoutes | undefined,
  request: PreflightRequest,
): PreflightDecision | Promise<PreflightDecision> {
  if (candidates.length === 0) {
    return { allowed: false, route: undefined, reason: `no handler for method ${request.requestMethod} on this path` };
  }
  const decisions = decideOrigins(policiesOf(candidates, path), request.origin, request.raw);
  return decisions instanceof Map
    ? finishPreflight(candidates, path, request, decisions)
    : decisions.then((resolved) => finishPreflight(candidates, path, request, resolved));
}

function finishPreflight(
  candidates: readonly CorsRoute[],
  path: PathRoutes | undefined,
  request: PreflightRequest,
  origins: OriginDecisions,
): PreflightDecision {
  const requestedHeaders = request.requestHeaders === undefined ? [] : parseHeaderList(request.requestHeaders);
  if (requestedHeaders === undefined) {
    return { allowed: false, route: candidates[0], reason: 'malformed or oversized Access-Control-Request-Headers' };
  }
  const allowing: CorsRoute[] = [];
  let rejection: CorsRejection | undefined;
  for (const route of candidates) {
    const reason = preflightRefusal(route.policy, request.requestMethod, requestedHeaders, origins);
    if (reason === undefined) allowing.push(route);
    else rejection ??= { allowed: false, route, reason };
  }
  if (allowing.length === 0) return rejection!;

  const first = allowing[0];
  let anyOriginOnly = true;
  let credentials = false;
  let reflectHeaders = false;
  let maxAge: number | undefined;
  let allowPrivateNetwork = false;
  const listedHeaders = new Set<string>();
  for (const { policy } of allowing) {
    anyOriginOnly &&= policy.allowsAnyOrigin;
    credentials ||= policy.credentials;
    if (policy.allowedHeaders.kind === 'list') listedHeaders.add(policy.allowedHeaders.header);
    else reflectHeaders = true;
    if (policy.maxAge !== undefined) maxAge = maxAge === undefined ? policy.maxAge : Math.min(maxAge, policy.maxAge);
    allowPrivateNetwork ||= policy.privateNetwork && request.requestPrivateNetwork;
  }
  let allowHeaders: string | undefined;
  if (reflectHeaders) allowHeaders = requestedHeaders.length > 0 ? requestedHeaders.join(',') : undefined;
  else allowHeaders = [...listedHeaders].join(', ') || undefined;

  return {
    allowed: true,
    route: first,
    allowOrigin: anyOriginOnly ? '*' : request.origin,
    credentials,
    allowMethods: allowedMethods(allowing, path, request.requestMethod, origins),
    allowHeaders,
    maxAge,
    allowPrivateNetwork,
    vary: candidates.some((route) => route.policy.privateNetwork) ? PREFLIGHT_VARY_PRIVATE_NETWORK : PREFLIGHT_VARY,
    status: first.policy.optionsSuccessStatus,
    continueToHandler: first.policy.preflightContinue,
  };
}

function preflightRefusal(
  policy: CorsPolicy,
  method: string,
  requestedHeaders: readonly string[],
  origins: OriginDecisions,
): string | undefined {
  if (!policy.enabled) return 'CORS is disabled here (@Cors(false))';
  if (!origins.get(policy)) return 'origin not allowed';
  if (!policy.allowsMethod(method)) return `method ${method} not allowed (allowed: ${policy.methodList.join(', ')})`;
  const header = policy.firstDisallowedHeader(requestedHeaders);
  return header === undefined ? undefined : `header ${header} not allowed`;
}

/**
 * Every method of the path whose policy allows this origin (browsers keep one preflight-cache
 * entry per URL, so listing them all spares re-preflights when a page alternates methods).
 */
function allowedMethods(
  allowing: readonly CorsRoute[],
  path: PathRoutes | undefined,
  requestedMethod: string,
  origins: OriginDecisions,
): string {
  const methods = new Set<string>([requestedMethod]);
  const allows = (route: CorsRoute, method: string) => origins.get(route.policy) === true && route.policy.allowsMethod(method);
  if (path) {
    for (const [method, routes] of path.methods) if (routes.some((route) => allows(route, method))) methods.add(method);
    for (const route of path.anyMethod) {
      if (origins.get(route.policy)) for (const method of route.policy.methodList) methods.add(method);
    }
  } else {
    for (const route of allowing) for (const method of route.policy.methodList) methods.add(method);
  }
  return [...methods].join(', ');
}

/**
 * Decides an actual (non-preflight) cross-origin request for the handlers that may serve it.
 *
 * @param candidates routes serving the method on the path (or the module defaults); several only
 *   under header or media-type versioning, where the union applies until the handler is known
 */
export function decideActual(
  candidates: readonly CorsRoute[],
  method: string,
  origin: string,
  raw: IncomingMessage,
): ActualDecision | Promise<ActualDecision> {
  if (candidates.length === 0) return { allowed: false, route: undefined, reason: 'no route' };
  const decisions = decideOrigins(policiesOf(candidates, undefined), origin, raw);
  return decisions instanceof Map
    ? finishActual(candidates, method, origin, decisions)
    : decisions.then((resolved) => finishActual(candidates, method, origin, resolved));
}

function finishActual(
  candidates: readonly CorsRoute[],
  method: string,
  origin: string,
  origins: OriginDecisions,
): ActualDecision {
  let approval: { route: CorsRoute; anyOriginOnly: boolean; credentials: boolean; expose: Set<string> } | undefined;
  let rejection: CorsRejection | undefined;
  for (const route of candidates) {
    const { policy } = route;
    const reason = !policy.enabled
      ? 'CORS is disabled here (@Cors(false))'
      : !origins.get(policy)
        ? 'origin not allowed'
        : !policy.allowsMethod(method)
          ? `method ${method} not allowed (allowed: ${policy.methodList.join(', ')})`
          : undefined;
    if (reason !== undefined) {
      rejection ??= { allowed: false, route, reason };
      continue;
    }
    approval ??= { route, anyOriginOnly: true, credentials: false, expose: new Set() };
    approval.anyOriginOnly &&= policy.allowsAnyOrigin;
    approval.credentials ||= policy.credentials;
    if (policy.exposeHeaders !== undefined) approval.expose.add(policy.exposeHeaders);
  }
  if (!approval) return rejection!;
  return {
    allowed: true,
    route: approval.route,
    allowOrigin: approval.anyOriginOnly ? '*' : origin,
    credentials: approval.credentials,
    exposeHeaders: approval.expose.size > 0 ? [...approval.expose].join(', ') : undefined,
  };
}

/** Writes the headers of an approved preflight, `Vary` appended. */
export function writePreflightHeaders(approval: PreflightApproval, response: HeaderSink): void {
  response.setHeader('Access-Control-Allow-Origin', approval.allowOrigin);
  if (approval.credentials) response.setHeader('Access-Control-Allow-Credentials', 'true');
  response.setHeader('Access-Control-Allow-Methods', approval.allowMethods);
  if (approval.allowHeaders !== undefined) response.setHeader('Access-Control-Allow-Headers', approval.allowHeaders);
  if (approval.maxAge !== undefined) response.setHeader('Access-Control-Max-Age', String(approval.maxAge));
  if (approval.allowPrivateNetwork) response.setHeader('Access-Control-Allow-Private-Network', 'true');
  appendVaryHeader(response, approval.vary);
}

/** Writes the headers of an approved actual request; `Vary: Origin` unless the origin is `*`. */
export function writeActualHeaders(approval: ActualApproval, response: HeaderSink): void {
  response.setHeader('Access-Control-Allow-Origin', approval.allowOrigin);
  if (approval.credentials) response.setHeader('Access-Control-Allow-Credentials', 'true');
  if (approval.exposeHeaders !== undefined) response.setHeader('Access-Control-Expose-Headers', approval.exposeHeaders);
  if (approval.allowOrigin !== '*') appendVaryHeader(response, 'Origin');
}

/** Appends names to the response's `Vary` header. */
export function appendVaryHeader(response: HeaderSink, names: string): void {
  response.setHeader('Vary', appendVary(response.getHeader('Vary'), names));
}
