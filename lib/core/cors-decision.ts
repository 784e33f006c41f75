// Preflight and actual-request decisions, and the headers they write.
import type { IncomingMessage } from 'node:http';
import type { CorsPolicy } from './cors-policy.js';
import { isValidHeaderList, parseHeaderList } from './header-list.js';
import type { CorsRoute } from './policy-compiler.js';

/** Where headers are written: a Node `ServerResponse` satisfies it. */
export interface HeaderSink {
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

/** What the router says about a preflight's URL. */
export interface PreflightRoutes {
  /** The handlers that would serve the requested method (several only under versioning). */
  readonly candidates: readonly CorsRoute[];
  /** Other methods that may be announced in `Access-Control-Allow-Methods`, in a stable order. */
  readonly methods: readonly string[];
  /** The handlers that would serve another method at the same URL, if any. */
  readonly routesFor: (method: string) => readonly CorsRoute[] | undefined;
}

/**
 * The routes of a URL that one policy serves for all its methods (paths no Nest handler serves,
 * which get the module defaults).
 */
export function routesOfPolicy(route: CorsRoute): PreflightRoutes {
  const candidates = [route];
  return { candidates, methods: route.policy.methodList, routesFor: () => candidates };
}

/** Why a request is refused, as a code (for metrics) and in words (for the debug log and header). */
export type CorsRefusalCode = 'origin' | 'method' | 'header' | 'malformed-headers' | 'disabled' | 'no-handler';

/** A refusal's code and the sentence that explains it. */
export interface CorsRefusal {
  readonly code: CorsRefusalCode;
  readonly reason: string;
}

/** A refused request, with the route whose policy refused it and why. */
export interface CorsRejection extends CorsRefusal {
  readonly allowed: false;
  readonly route: CorsRoute | undefined;
}

/** The refusal of a preflight for a method no handler of the URL serves. */
export function noHandlerRefusal(method: string): CorsRefusal {
  return { code: 'no-handler', reason: `no handler for method ${method} on this path` };
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
  /** Field names the preflight's answer depends on, for `Vary`. */
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

/** What a preflight's answer depends on besides the URL. */
export const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const PREFLIGHT_VARY_PRIVATE_NETWORK = `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network`;

/** `Access-Control-Max-Age` a browser assumes when the header is absent (Fetch, CORS-preflight fetch). */
const BROWSER_DEFAULT_MAX_AGE = 5;

const DISABLED: CorsRefusal = { code: 'disabled', reason: 'CORS is disabled here (@Cors(false))' };
const ORIGIN_REFUSED: CorsRefusal = { code: 'origin', reason: 'origin not allowed' };
const MALFORMED_HEADERS: CorsRefusal = { code: 'malformed-headers', reason: 'malformed or oversized Access-Control-Request-Headers' };

/**
 * The origin decision of each distinct policy involved in one request, in a flat array: requests
 * involve one or a few policies, so a scan beats a Map.
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

  /** Records a decision already made. */
  record(policy: CorsPolicy, allowed: boolean): void {
    this.allowed[this.policies.push(policy) - 1] = allowed;
  }

  allows(policy: CorsPolicy): boolean {
    return this.allowed[this.policies.indexOf(policy)] === true;
  }
}

/** Evaluates the origin once per distinct policy, then continues; synchronous unless an origin function is pending. */
function withOrigins<R>(
  decisions: OriginDecisions,
  routes: readonly CorsRoute[],
  origin: string,
  raw: IncomingMessage,
  then: (decisions: OriginDecisions) => R | Promise<R>,
): R | Promise<R> {
  let pending: Promise<void>[] | undefined;
  for (const route of routes) {
    const wait = decisions.decide(route.policy, origin, raw);
    if (wait) (pending ??= []).push(wait);
  }
  return pending ? Promise.all(pending).then(() => then(decisions)) : then(decisions);
}

/** The request's header names, parsed once and only if some policy compares them one by one. */
class RequestedHeaders {
  private names: readonly string[] | undefined | null = null;
  private valid: boolean | null = null;

  constructor(readonly value: string | undefined) {}

  /** Whether the value is a well-formed list within the caps. */
  isValid(): boolean {
    if (this.value === undefined) return true;
    if (this.names !== null) return this.names !== undefined;
    return (this.valid ??= isValidHeaderList(this.value));
  }

  /** The lower-case names, or `undefined` for a malformed value. */
  list(): readonly string[] | undefined {
    if (this.value === undefined) return [];
    if (this.names === null) this.names = parseHeaderList(this.value);
    return this.names;
  }

  /** The value to reflect in `Access-Control-Allow-Headers`, if it names anything. */
  get reflected(): string | undefined {
    return this.value !== undefined && this.value.trim() !== '' ? this.value : undefined;
  }
}

/** Why a policy refuses a request's origin or method, or `undefined`. */
function actualRefusal(policy: CorsPolicy, method: string, originAllowed: boolean): CorsRefusal | undefined {
  if (!policy.enabled) return DISABLED;
  if (!originAllowed) return ORIGIN_REFUSED;
  if (!policy.allowsMethod(method))
    return { code: 'method', reason: `method ${method} not allowed (allowed: ${policy.methodList.join(', ')})` };
  return undefined;
}

/** Why a policy refuses a preflight, or `undefined` when it approves it. */
function preflightRefusal(policy: CorsPolicy, method: string, headers: RequestedHeaders, originAllowed: boolean): CorsRefusal | undefined {
  const refusal = actualRefusal(policy, method, originAllowed);
  if (refusal !== undefined) return refusal;
  if (policy.allowedHeaders.kind !== 'list') return headers.isValid() ? undefined : MALFORMED_HEADERS;
  const names = headers.list();
  if (names === undefined) return MALFORMED_HEADERS;
  const header = policy.firstDisallowedHeader(names);
  return header === undefined ? undefined : { code: 'header', reason: `header ${header} not allowed` };
}

/**
 * Decides a preflight: the handlers serving the requested method (their union under versioning)
 * must approve the origin, method and headers. The browser's CORS-preflight cache (Fetch) then
 * keeps one entry per announced method and one per announced header name for the URL, and lets a
 * later request through without a preflight when its method and each of its headers have an
 * entry, whichever preflights created them. So the answer announces, besides the requested
 * method, only other methods of the URL whose own handlers would approve this same preflight with
 * the same credentials answer; only header names every handler of the URL that takes this origin
 * allows; and the smallest max-age among them. Requested headers that some such handler refuses
 * are answered for this request only (max-age 0).
 */
export function decidePreflight(routes: PreflightRoutes, request: PreflightRequest): PreflightDecision | Promise<PreflightDecision> {
  const { candidates } = routes;
  if (candidates.length === 0) {
    return { allowed: false, route: undefined, ...noHandlerRefusal(request.requestMethod) };
  }
  const headers = new RequestedHeaders(request.requestHeaders);
  if (candidates.length === 1 && routes.methods.length <= MAX_JOINED_METHODS) {
    const [route] = candidates;
    const allowed = route.policy.allowsOrigin(request.origin, request.raw);
    return typeof allowed === 'boolean'
      ? decideOnePolicy(route, allowed, routes, request, headers)
      : allowed.then((resolved) => decideOnePolicy(route, resolved, routes, request, headers));
  }
  return withOrigins(new OriginDecisions(), candidates, request.origin, request.raw, (origins) => {
    const allowing: CorsRoute[] = [];
    let rejection: CorsRejection | undefined;
    for (const route of candidates) {
      const refusal = preflightRefusal(route.policy, request.requestMethod, headers, origins.allows(route.policy));
      if (refusal === undefined) allowing.push(route);
      else rejection ??= { allowed: false, route, ...refusal };
    }
    if (allowing.length === 0) return rejection!;
    return announce(allowing, routes, request, headers, origins);
  });
}

/**
 * The common case: one handler serves the requested method, and every other method of the URL is
 * served under the same policy, so that policy alone decides what the answer announces.
 */
function decideOnePolicy(
  route: CorsRoute,
  originAllowed: boolean,
  routes: PreflightRoutes,
  request: PreflightRequest,
  headers: RequestedHeaders,
): PreflightDecision | Promise<PreflightDecision> {
  const { policy } = route;
  const { requestMethod } = request;
  const refusal = preflightRefusal(policy, requestMethod, headers, originAllowed);
  if (refusal !== undefined) return { allowed: false, route, ...refusal };
  let listed = 0;
  let requestedListed = false;
  const { methods } = routes;
  for (let index = 0; index < methods.length; index++) {
    const method = methods[index];
    if (method === requestMethod) requestedListed = true;
    else {
      const served = routes.routesFor(method);
      if (!served) continue;
      if (served.length !== 1 || served[0].policy !== policy) {
        const origins = new OriginDecisions();
        origins.record(policy, true);
        return announce([route], routes, request, headers, origins);
      }
      if (!policy.allowsMethod(method)) continue;
    }
    listed |= 1 << index;
  }
  const joined = joinedMethods(methods, listed);
  return {
    allowed: true,
    route,
    allowOrigin: policy.allowsAnyOrigin ? '*' : request.origin,
    credentials: policy.credentials,
    allowMethods: requestedListed ? joined : joined === '' ? requestMethod : `${requestMethod}, ${joined}`,
    allowHeaders: policy.allowedHeaders.kind === 'list' ? policy.allowedHeaders.header || undefined : headers.reflected,
    maxAge: policy.maxAge,
    allowPrivateNetwork: request.requestPrivateNetwork && policy.privateNetwork,
    vary: policy.privateNetwork ? PREFLIGHT_VARY_PRIVATE_NETWORK : PREFLIGHT_VARY,
    status: policy.optionsSuccessStatus,
    continueToHandler: policy.preflightContinue,
  };
}

/** Most methods a URL's method list may have for {@link joinedMethods}'s bit sets. */
const MAX_JOINED_METHODS = 30;

/** `Access-Control-Allow-Methods` values already joined, by method list and the bit set of its listed methods. */
const joinedByMethods = new WeakMap<readonly string[], Map<number, string>>();

/** The methods of `methods` whose bit is set in `listed`, joined; built once per list and bit set. */
function joinedMethods(methods: readonly string[], listed: number): string {
  let byBits = joinedByMethods.get(methods);
  if (!byBits) joinedByMethods.set(methods, (byBits = new Map()));
  let joined = byBits.get(listed);
  if (joined === undefined) {
    joined = methods.filter((_method, index) => (listed & (1 << index)) !== 0).join(', ');
    byBits.set(listed, joined);
  }
  return joined;
}

/** Collects what else the answer may announce, then builds it. */
function announce(
  allowing: readonly CorsRoute[],
  routes: PreflightRoutes,
  request: PreflightRequest,
  headers: RequestedHeaders,
  origins: OriginDecisions,
): PreflightApproval | Promise<PreflightApproval> {
  const others: { method: string; routes: readonly CorsRoute[] }[] = [];
  for (const method of routes.methods) {
    if (method === request.requestMethod) continue;
    const served = routes.routesFor(method);
    if (served && served.length > 0) others.push({ method, routes: served });
  }
  return withOrigins(
    origins,
    others.flatMap((other) => other.routes),
    request.origin,
    request.raw,
    () => {
      // Header entries of the preflight cache hold for every method of the URL, whichever preflight
      // created them: a cached header is safe only if every handler of the URL that takes this
      // origin for its method allows it.
      const reachable = new Set<CorsPolicy>();
      const take = (route: CorsRoute, method: string) => {
        if (route.policy.enabled && origins.allows(route.policy) && route.policy.allowsMethod(method)) reachable.add(route.policy);
      };
      for (const route of routes.candidates) take(route, request.requestMethod);
      for (const other of others) for (const route of other.routes) take(route, other.method);
      const shared = sharedHeaderList([...reachable]);
      const credentials = allowing.some((route) => route.policy.credentials);
      const announced: CorsPolicy[] = allowing.map((route) => route.policy);
      const methods = new Set<string>([request.requestMethod]);
      const cacheable = shared === undefined || (headers.list() ?? []).every((name) => shared.names.has(name));
      for (const other of cacheable ? others : []) {
        const approves = other.routes.every(
          ({ policy }) =>
            preflightRefusal(policy, other.method, headers, origins.allows(policy)) === undefined &&
            policy.credentials === credentials &&
            (!request.requestPrivateNetwork || policy.privateNetwork),
        );
        if (!approves) continue;
        methods.add(other.method);
        for (const route of other.routes) if (!announced.includes(route.policy)) announced.push(route.policy);
      }
      const first = allowing[0].policy;
      return {
        allowed: true,
        route: allowing[0],
        allowOrigin: !credentials && announced.every((policy) => policy.allowsAnyOrigin) ? '*' : request.origin,
        credentials,
        allowMethods: orderedMethods(methods, routes.methods, request.requestMethod),
        allowHeaders: !cacheable || shared === undefined ? headers.reflected : shared.header,
        // Requested headers some other handler of the URL refuses must not be cached for the URL.
        maxAge: cacheable ? smallestMaxAge(announced) : 0,
        allowPrivateNetwork: request.requestPrivateNetwork && allowing.some((route) => route.policy.privateNetwork),
        vary: announced.some((policy) => policy.privateNetwork) ? PREFLIGHT_VARY_PRIVATE_NETWORK : PREFLIGHT_VARY,
        status: first.optionsSuccessStatus,
        continueToHandler: first.preflightContinue,
      };
    },
  );
}

/** The announced methods in the URL's stable order, the requested one first where that order lacks it. */
function orderedMethods(methods: ReadonlySet<string>, order: readonly string[], requested: string): string {
  let header = order.includes(requested) ? '' : requested;
  for (const method of order) if (methods.has(method)) header = header === '' ? method : `${header}, ${method}`;
  return header;
}

/**
 * The header names every one of the policies allows: `undefined` when none has a list (reflecting
 * or `'*'` allows every name), else the names all their lists share, as the first list writes them.
 */
function sharedHeaderList(
  policies: readonly CorsPolicy[],
): { readonly names: ReadonlySet<string>; readonly header: string | undefined } | undefined {
  let first: Extract<CorsPolicy['allowedHeaders'], { kind: 'list' }> | undefined;
  let shared: string[] | undefined;
  for (const { allowedHeaders: list } of policies) {
    if (list.kind !== 'list' || list === first) continue;
    if (!first) first = list;
    else shared = (shared ?? first.written).filter((name) => list.names.has(name.toLowerCase()));
  }
  if (!first) return undefined;
  if (!shared) return { names: first.names, header: first.header || undefined };
  return { names: new Set(shared.map((name) => name.toLowerCase())), header: shared.length > 0 ? shared.join(', ') : undefined };
}

/** The smallest max-age among the announced policies; one that sends none counts as the browser's default. */
function smallestMaxAge(announced: readonly CorsPolicy[]): number | undefined {
  if (announced.every((policy) => policy.maxAge === undefined)) return undefined;
  return Math.min(...announced.map((policy) => policy.maxAge ?? BROWSER_DEFAULT_MAX_AGE));
}

/**
 * Decides an actual (non-preflight) cross-origin request for the handlers that may serve it.
 *
 * @param candidates routes serving the method (or the module defaults); several only under
 *   header or media-type versioning, where their union applies until the handler is known
 */
export function decideActual(
  candidates: readonly CorsRoute[],
  method: string,
  origin: string,
  raw: IncomingMessage,
): ActualDecision | Promise<ActualDecision> {
  if (candidates.length === 0) return { allowed: false, route: undefined, ...noHandlerRefusal(method) };
  if (candidates.length === 1) {
    const [route] = candidates;
    const allowed = route.policy.allowsOrigin(origin, raw);
    return typeof allowed === 'boolean'
      ? decideOne(route, method, origin, allowed)
      : allowed.then((resolved) => decideOne(route, method, origin, resolved));
  }
  return withOrigins(new OriginDecisions(), candidates, origin, raw, (origins) => decideUnion(candidates, method, origin, origins));
}

function decideOne(route: CorsRoute, method: string, origin: string, originAllowed: boolean): ActualDecision {
  const { policy } = route;
  const refusal = actualRefusal(policy, method, originAllowed);
  if (refusal !== undefined) return { allowed: false, route, ...refusal };
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
    const refusal = actualRefusal(policy, method, origins.allows(policy));
    if (refusal !== undefined) {
      rejection ??= { allowed: false, route, ...refusal };
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
    allowOrigin: approval.anyOriginOnly && !approval.credentials ? '*' : origin,
    credentials: approval.credentials,
    exposeHeaders: approval.expose.size > 0 ? [...approval.expose].join(', ') : undefined,
  };
}

/** The header names preflights and actual requests share (Fetch, "HTTP responses"). */
const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
const ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials';

/** The `Access-Control-*` header lines of an approved preflight, flat (`[name, value, …]`), for one `writeHead`. */
export function preflightHeaderLines(approval: PreflightApproval): string[] {
  const lines = [ALLOW_ORIGIN, approval.allowOrigin];
  if (approval.credentials) lines.push(ALLOW_CREDENTIALS, 'true');
  lines.push('Access-Control-Allow-Methods', approval.allowMethods);
  if (approval.allowHeaders !== undefined) lines.push('Access-Control-Allow-Headers', approval.allowHeaders);
  if (approval.maxAge !== undefined) lines.push('Access-Control-Max-Age', `${approval.maxAge}`);
  if (approval.allowPrivateNetwork) lines.push('Access-Control-Allow-Private-Network', 'true');
  return lines;
}

/** Writes the `Access-Control-*` headers of an approved preflight that continues to the app (`Vary` is written at send time). */
export function writePreflightHeaders(approval: PreflightApproval, response: HeaderSink): void {
  writeHeaderLines(preflightHeaderLines(approval), response);
}

/**
 * The `Access-Control-*` header lines of an approved actual request, flat (`[name, value, …]`):
 * one array of its final length per request, since every allowed request makes one.
 */
export function actualHeaderLines(approval: ActualApproval): string[] {
  const { allowOrigin, credentials, exposeHeaders } = approval;
  if (exposeHeaders === undefined)
    return credentials ? [ALLOW_ORIGIN, allowOrigin, ALLOW_CREDENTIALS, 'true'] : [ALLOW_ORIGIN, allowOrigin];
  const expose = 'Access-Control-Expose-Headers';
  return credentials
    ? [ALLOW_ORIGIN, allowOrigin, ALLOW_CREDENTIALS, 'true', expose, exposeHeaders]
    : [ALLOW_ORIGIN, allowOrigin, expose, exposeHeaders];
}

/** Writes the `Access-Control-*` headers of an approved actual request (`Vary` is written at send time). */
export function writeActualHeaders(approval: ActualApproval, response: HeaderSink): void {
  writeHeaderLines(actualHeaderLines(approval), response);
}

function writeHeaderLines(lines: readonly string[], response: HeaderSink): void {
  for (let i = 0; i < lines.length; i += 2) response.setHeader(lines[i], lines[i + 1]);
}
