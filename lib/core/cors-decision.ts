import type { IncomingMessage } from 'node:http';
import type { CorsPolicy } from './cors-policy.js';
import { isValidHeaderList, parseHeaderList } from './header-list.js';
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
  /** The distinct policies of all those routes. */
  readonly policies: readonly CorsPolicy[];
  /** `Access-Control-Allow-Methods` for an origin that every one of {@link policies} allows. */
  readonly allowMethodsForAll: string;
}

/** Builds a {@link PathRoutes}, precomputing what preflights on the path read. */
export function createPathRoutes(methods: ReadonlyMap<string, readonly CorsRoute[]>, anyMethod: readonly CorsRoute[]): PathRoutes {
  const routes = [...[...methods.values()].flat(), ...anyMethod];
  const policies = [...new Set(routes.map((route) => route.policy))];
  const allowed = new Set<string>();
  for (const [method, candidates] of methods) if (candidates.some((route) => route.policy.allowsMethod(method))) allowed.add(method);
  for (const route of anyMethod) for (const method of route.policy.methodList) allowed.add(method);
  return { methods, anyMethod, policies, allowMethodsForAll: [...allowed].join(', ') };
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

/**
 * The origin decision of each distinct policy involved in one request, in a flat array: requests
 * involve one or two policies, so a scan beats a Map.
 */
class OriginDecisions {
  private readonly policies: CorsPolicy[] = [];
  private readonly allowed: boolean[] = [];

  /** Evaluates `policy` unless already done; returns a promise only for a pending origin function. */
  decide(policy: CorsPolicy, origin: string, raw: IncomingMessage): Promise<void> | undefined {
    if (this.policies.includes(policy)) return undefined;
    const index = this.policies.push(policy) - 1;
    const decision = policy.allowsOrigin(origin, raw);
    if (typeof decision === 'boolean') {
      this.allowed[index] = decision;
      return undefined;
    }
    this.allowed[index] = false;
    return decision.then((allowed) => void (this.allowed[index] = allowed));
  }

  /** Records a decision made elsewhere. */
  record(policy: CorsPolicy, allowed: boolean): void {
    this.allowed[this.policies.push(policy) - 1] = allowed;
  }

  allows(policy: CorsPolicy): boolean {
    return this.allowed[this.policies.indexOf(policy)] === true;
  }

  allowsEvery(policies: readonly CorsPolicy[]): boolean {
    return policies.every((policy) => this.allows(policy));
  }
}

/** Evaluates the origin once per distinct policy; synchronous unless an origin function is pending. */
function decideOrigins(
  candidates: readonly CorsRoute[],
  path: PathRoutes | undefined,
  origin: string,
  raw: IncomingMessage,
): OriginDecisions | Promise<OriginDecisions> {
  const decisions = new OriginDecisions();
  let pending: Promise<void>[] | undefined;
  for (const route of candidates) {
    const wait = decisions.decide(route.policy, origin, raw);
    if (wait) (pending ??= []).push(wait);
  }
  if (path) {
    for (const policy of path.policies) {
      const wait = decisions.decide(policy, origin, raw);
      if (wait) (pending ??= []).push(wait);
    }
  }
  return pending ? Promise.all(pending).then(() => decisions) : decisions;
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
  const onlyPolicy = candidates.length === 1 && (!path || (path.policies.length === 1 && path.policies[0] === candidates[0].policy));
  if (onlyPolicy) {
    const [route] = candidates;
    const allowed = route.policy.allowsOrigin(request.origin, request.raw);
    return typeof allowed === 'boolean'
      ? decideOnePolicyPreflight(route, path, request, allowed)
      : allowed.then((resolved) => decideOnePolicyPreflight(route, path, request, resolved));
  }
  const decisions = decideOrigins(candidates, path, request.origin, request.raw);
  return decisions instanceof OriginDecisions
    ? finishPreflight(candidates, path, request, decisions)
    : decisions.then((resolved) => finishPreflight(candidates, path, request, resolved));
}

/**
 * The common case, one policy on the whole path (or an unknown path): no per-policy bookkeeping,
 * and the precomputed `Access-Control-Allow-Methods`.
 */
function decideOnePolicyPreflight(route: CorsRoute, path: PathRoutes | undefined, request: PreflightRequest, originAllowed: boolean): PreflightDecision {
  const { policy } = route;
  const { requestMethod, requestHeaders } = request;
  const refusal = actualRefusal(policy, requestMethod, originAllowed);
  if (refusal !== undefined) return { allowed: false, route, reason: refusal };
  const listed = policy.allowedHeaders.kind === 'list';
  let allowHeaders: string | undefined;
  if (requestHeaders !== undefined) {
    const names = listed ? parseHeaderList(requestHeaders) : isValidHeaderList(requestHeaders) ? [] : undefined;
    if (names === undefined) return { allowed: false, route, reason: 'malformed or oversized Access-Control-Request-Headers' };
    const header = policy.firstDisallowedHeader(names);
    if (header !== undefined) return { allowed: false, route, reason: `header ${header} not allowed` };
    if (!listed && requestHeaders.trim() !== '') allowHeaders = requestHeaders;
  }
  if (listed) allowHeaders = (policy.allowedHeaders as { header: string }).header || undefined;
  const precomputed = path ? path.methods.has(requestMethod) && path.allowMethodsForAll : policy.methods.has(requestMethod) && policy.methodsHeader;
  return {
    allowed: true,
    route,
    allowOrigin: policy.allowsAnyOrigin ? '*' : request.origin,
    credentials: policy.credentials,
    allowMethods: precomputed || allowedMethods([route], path, requestMethod, onlyDecision(policy, true)),
    allowHeaders,
    maxAge: policy.maxAge,
    allowPrivateNetwork: policy.privateNetwork && request.requestPrivateNetwork,
    vary: policy.privateNetwork ? PREFLIGHT_VARY_PRIVATE_NETWORK : PREFLIGHT_VARY,
    status: policy.optionsSuccessStatus,
    continueToHandler: policy.preflightContinue,
  };
}

function onlyDecision(policy: CorsPolicy, allowed: boolean): OriginDecisions {
  const decisions = new OriginDecisions();
  decisions.record(policy, allowed);
  return decisions;
}

/** The requested header names, lower case, when some policy must check them one by one. */
function requestedHeaderNames(candidates: readonly CorsRoute[], value: string | undefined): readonly string[] | undefined {
  if (value === undefined) return [];
  const needsNames = candidates.some((route) => route.policy.allowedHeaders.kind === 'list');
  if (needsNames) return parseHeaderList(value);
  return isValidHeaderList(value) ? [] : undefined;
}

function finishPreflight(
  candidates: readonly CorsRoute[],
  path: PathRoutes | undefined,
  request: PreflightRequest,
  origins: OriginDecisions,
): PreflightDecision {
  const requestedHeaders = requestedHeaderNames(candidates, request.requestHeaders);
  if (requestedHeaders === undefined) {
    return { allowed: false, route: candidates[0], reason: 'malformed or oversized Access-Control-Request-Headers' };
  }
  if (candidates.length === 1) {
    const [route] = candidates;
    const reason = preflightRefusal(route.policy, request.requestMethod, requestedHeaders, origins);
    if (reason !== undefined) return { allowed: false, route, reason };
    return approvePreflight([route], path, request, origins);
  }
  const allowing: CorsRoute[] = [];
  let rejection: CorsRejection | undefined;
  for (const route of candidates) {
    const reason = preflightRefusal(route.policy, request.requestMethod, requestedHeaders, origins);
    if (reason === undefined) allowing.push(route);
    else rejection ??= { allowed: false, route, reason };
  }
  return allowing.length === 0 ? rejection! : approvePreflight(allowing, path, request, origins);
}

function approvePreflight(
  allowing: readonly CorsRoute[],
  path: PathRoutes | undefined,
  request: PreflightRequest,
  origins: OriginDecisions,
): PreflightApproval {
  const first = allowing[0];
  let anyOriginOnly = true;
  let credentials = false;
  let reflectHeaders = false;
  let listedHeaders: string | undefined;
  let maxAge: number | undefined;
  let allowPrivateNetwork = false;
  for (const { policy } of allowing) {
    anyOriginOnly &&= policy.allowsAnyOrigin;
    credentials ||= policy.credentials;
    if (policy.allowedHeaders.kind !== 'list') reflectHeaders = true;
    else if (listedHeaders === undefined) listedHeaders = policy.allowedHeaders.header;
    else if (!listedHeaders.split(', ').includes(policy.allowedHeaders.header)) listedHeaders = `${listedHeaders}, ${policy.allowedHeaders.header}`;
    if (policy.maxAge !== undefined) maxAge = maxAge === undefined ? policy.maxAge : Math.min(maxAge, policy.maxAge);
    allowPrivateNetwork ||= policy.privateNetwork && request.requestPrivateNetwork;
  }
  const reflected = request.requestHeaders !== undefined && request.requestHeaders.trim() !== '' ? request.requestHeaders : undefined;
  return {
    allowed: true,
    route: first,
    allowOrigin: anyOriginOnly ? '*' : request.origin,
    credentials,
    allowMethods: allowedMethods(allowing, path, request.requestMethod, origins),
    allowHeaders: reflectHeaders ? reflected : listedHeaders || undefined,
    maxAge,
    allowPrivateNetwork,
    vary: allowing.some((route) => route.policy.privateNetwork) ? PREFLIGHT_VARY_PRIVATE_NETWORK : PREFLIGHT_VARY,
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
  const refusal = actualRefusal(policy, method, origins.allows(policy));
  if (refusal !== undefined) return refusal;
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
  if (path && origins.allowsEvery(path.policies) && path.methods.has(requestedMethod)) return path.allowMethodsForAll;
  if (!path && allowing.length === 1 && allowing[0].policy.methods.has(requestedMethod)) return allowing[0].policy.methodsHeader;
  const methods = new Set<string>([requestedMethod]);
  const allows = (route: CorsRoute, method: string) => origins.allows(route.policy) && route.policy.allowsMethod(method);
  if (path) {
    for (const [method, routes] of path.methods) if (routes.some((route) => allows(route, method))) methods.add(method);
    for (const route of path.anyMethod) {
      if (origins.allows(route.policy)) for (const method of route.policy.methodList) methods.add(method);
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
  if (candidates.length === 1) {
    const [route] = candidates;
    const allowed = route.policy.allowsOrigin(origin, raw);
    return typeof allowed === 'boolean' ? decideOne(route, method, origin, allowed) : allowed.then((resolved) => decideOne(route, method, origin, resolved));
  }
  const decisions = decideOrigins(candidates, undefined, origin, raw);
  return decisions instanceof OriginDecisions
    ? decideUnion(candidates, method, origin, decisions)
    : decisions.then((resolved) => decideUnion(candidates, method, origin, resolved));
}

/** Why a policy refuses a request's origin or method, or `undefined`; preflights check headers too. */
function actualRefusal(policy: CorsPolicy, method: string, originAllowed: boolean): string | undefined {
  if (!policy.enabled) return 'CORS is disabled here (@Cors(false))';
  if (!originAllowed) return 'origin not allowed';
  if (!policy.allowsMethod(method)) return `method ${method} not allowed (allowed: ${policy.methodList.join(', ')})`;
  return undefined;
}

function decideOne(route: CorsRoute, method: string, origin: string, originAllowed: boolean): ActualDecision {
  const { policy } = route;
  const reason = actualRefusal(policy, method, originAllowed);
  if (reason !== undefined) return { allowed: false, route, reason };
  return {
    allowed: true,
    route,
    allowOrigin: policy.allowsAnyOrigin ? '*' : origin,
    credentials: policy.credentials,
    exposeHeaders: policy.exposeHeaders,
  };
}

function decideUnion(candidates: readonly CorsRoute[], method: string, origin: string, origins: OriginDecisions): ActualDecision {
  let approval: { route: CorsRoute; anyOriginOnly: boolean; credentials: boolean; expose: Set<string> } | undefined;
  let rejection: CorsRejection | undefined;
  for (const route of candidates) {
    const { policy } = route;
    const reason = actualRefusal(policy, method, origins.allows(policy));
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
  if (approval.maxAge !== undefined) response.setHeader('Access-Control-Max-Age', `${approval.maxAge}`);
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
