// The request handler ahead of the app: preflights, headers, refusals.
import { Injectable } from '@nestjs/common';
import {
  decideActual,
  decidePreflight,
  noHandlerRefusal,
  PREFLIGHT_VARY,
  actualHeaderLines,
  writePreflightHeaders,
  type ActualDecision,
  type CorsRefusal,
  type PreflightDecision,
} from './core/cors-decision.js';
import type { CorsRoute } from './core/policy-compiler.js';
import { targetPathOf } from './core/route-matcher.js';
import { isSameOrigin } from './core/same-origin.js';
import { shown } from './cors-decision.log.js';
import type { CorsExchange } from './cors-platform.js';
import { CorsPolicyRegistry } from './cors-policy.registry.js';
import { endApprovedPreflight, endRefusal } from './cors-responses.js';
import { NO_HANDLER_FOR_METHOD, type CorsRequestSettings, type CorsSnapshot } from './cors-snapshot.js';
import { recordOnWriteHead, varyOnWriteHead } from './cors-head.hook.js';

/**
 * The response header that carries, with `debug: true`, why the request was refused or why the
 * browser will refuse the response, for the browser's network panel.
 */
export const REASON_HEADER = 'X-Cors-Rejection';

/** What the browser refuses: a credentialed response without `Access-Control-Allow-Credentials`. */
const CREDENTIALS_REFUSED = 'credentials not allowed for this route';

/**
 * Whether the response to a request these handlers serve can differ with its `Origin`: any policy
 * that is on sends CORS headers to some origins only, and a refusal makes even a disabled one
 * answer cross-origin requests differently. Same-origin requests never get CORS headers, so even
 * `'*'` answers differ between them and cross-origin ones.
 */
function dependsOnOrigin(candidates: readonly CorsRoute[], settings: CorsRequestSettings): boolean {
  return settings.rejectDisallowedOrigins ? candidates.length > 0 : candidates.some((route) => route.policy.enabled);
}

/** A request, for the debug log: method, path without the query, and origin. */
function describeRequest(raw: CorsExchange['raw'], origin: string): string {
  return `request ${shown(raw.method ?? 'GET')} ${shown(targetPathOf(raw.url ?? '/'))} from ${shown(origin)}`;
}

/**
 * Runs ahead of every middleware, guard, interceptor and route of the app. It answers preflights
 * with the policy of the handler the adapter would run for the requested method, decides the CORS
 * headers of every other cross-origin request's response, which the `writeHead` hook adds to its
 * head (so 401s from auth guards, thrown exceptions and 404s carry them), makes `Vary` right
 * whoever writes the response, and
 * refuses a request that no candidate handler allows before the app's own guards run. Where
 * several handlers share a path (header or media-type versioning) and only some allow the
 * origin, the guard decides with the handler Nest selects.
 */
@Injectable()
export class CorsMiddleware {
  constructor(private readonly registry: CorsPolicyRegistry) {}

  handle(exchange: CorsExchange): void {
    const snapshot = this.registry.current;
    if (!snapshot) return exchange.next();
    const { raw } = exchange;
    const origin = raw.headers.origin;
    // Same scheme, host and port as the server, as the adapter sees them (`X-Forwarded-*` where trusted).
    if (origin === undefined || isSameOrigin(origin, exchange.request)) {
      this.varyIfDependent(exchange, snapshot, raw.method ?? 'GET');
      return exchange.next();
    }
    const requestMethod = raw.headers['access-control-request-method'];
    if (raw.method === 'OPTIONS' && typeof requestMethod === 'string') {
      this.preflight(exchange, snapshot, origin, requestMethod);
    } else {
      this.actual(exchange, snapshot, origin, raw.method ?? 'GET');
    }
  }

  private varyIfDependent(exchange: CorsExchange, snapshot: CorsSnapshot, method: string): void {
    const { rejectDisallowedOrigins, unknownRoutes } = snapshot.settings;
    const varies =
      rejectDisallowedOrigins && unknownRoutes !== 'skip'
        ? true
        : dependsOnOrigin(snapshot.candidatesFor(method, exchange.request), snapshot.settings);
    if (varies) varyOnWriteHead(exchange.response, 'Origin');
  }

  private preflight(exchange: CorsExchange, snapshot: CorsSnapshot, origin: string, requestMethod: string): void {
    const { raw, response } = exchange;
    const routes = snapshot.preflightRoutes(requestMethod, exchange.request);
    if (routes === undefined) return exchange.next();
    const describe = () => `preflight ${shown(requestMethod)} ${shown(targetPathOf(raw.url ?? '/'))} from ${shown(origin)}`;
    if (routes === NO_HANDLER_FOR_METHOD) {
      return this.refuse(exchange, snapshot, PREFLIGHT_VARY, { route: undefined, ...noHandlerRefusal(requestMethod) }, describe);
    }
    const finish = (decision: PreflightDecision) => {
      if (!decision.allowed) return this.refuse(exchange, snapshot, PREFLIGHT_VARY, decision, describe);
      this.registry.metrics?.record('preflight', decision.route, undefined);
      const log = this.registry.log;
      if (log.enabled) log.allowed(`${origin}\n${decision.route.name}\npreflight`, `Allowed ${describe()} (policy ${decision.route.name})`);
      if (decision.continueToHandler) {
        varyOnWriteHead(response, decision.vary);
        writePreflightHeaders(decision, response);
        return exchange.next();
      }
      exchange.takeOver();
      endApprovedPreflight(response, decision);
    };
    const decision = decidePreflight(routes, {
      origin,
      requestMethod,
      requestHeaders: raw.headers['access-control-request-headers'],
      requestPrivateNetwork: raw.headers['access-control-request-private-network'] === 'true',
      raw,
    });
    if ('then' in decision) decision.then(finish, exchange.next);
    else finish(decision);
  }

  private actual(exchange: CorsExchange, snapshot: CorsSnapshot, origin: string, method: string): void {
    const candidates = snapshot.candidatesFor(method, exchange.request);
    if (candidates.length === 0) return exchange.next();
    const decision = decideActual(candidates, method, origin, exchange.raw);
    if ('then' in decision) decision.then((resolved) => this.finishActual(exchange, snapshot, origin, candidates, resolved), exchange.next);
    else this.finishActual(exchange, snapshot, origin, candidates, decision);
  }

  private finishActual(
    exchange: CorsExchange,
    snapshot: CorsSnapshot,
    origin: string,
    candidates: readonly CorsRoute[],
    decision: ActualDecision,
  ): void {
    const { raw, response } = exchange;
    const vary = dependsOnOrigin(candidates, snapshot.settings) ? 'Origin' : undefined;
    // Among several candidates the guard decides with the handler Nest selects, and counts it.
    const counted = candidates.length === 1;
    if (decision.allowed) {
      if (counted) this.registry.metrics?.record('actual', decision.route, undefined);
      const log = this.registry.log;
      if (log.enabled)
        log.allowed(
          `${origin}\n${decision.route.name}\nrequest`,
          `Allowed ${describeRequest(raw, origin)} (policy ${decision.route.name})`,
        );
      if (!decision.credentials && snapshot.options.debug === true && raw.headers.cookie !== undefined)
        response.setHeader(REASON_HEADER, CREDENTIALS_REFUSED);
      recordOnWriteHead(response, vary, actualHeaderLines(decision), { snapshot, origin, candidates });
      return exchange.next();
    }
    if (!snapshot.settings.rejectDisallowedOrigins) {
      if (counted) this.registry.metrics?.record('actual', decision.route, decision.code);
      this.registry.log.refused(origin, decision, () => `Sent without CORS headers: ${describeRequest(raw, origin)}`);
      recordOnWriteHead(response, vary, undefined, { snapshot, origin, candidates });
      return exchange.next();
    }
    if (vary !== undefined) varyOnWriteHead(response, vary);
    this.refuse(exchange, snapshot, undefined, decision, () => describeRequest(raw, origin));
  }

  /** Answers 403 without CORS headers: a refused preflight (plain text) or request (Nest's JSON). */
  private refuse(
    exchange: CorsExchange,
    snapshot: CorsSnapshot,
    vary: string | undefined,
    decision: CorsRefusal & { route: CorsRoute | undefined },
    describe: () => string,
  ): void {
    this.registry.metrics?.record(vary !== undefined ? 'preflight' : 'actual', decision.route, decision.code);
    this.registry.log.refused(exchange.raw.headers.origin ?? '', decision, () => `Rejected ${describe()}`);
    if (snapshot.options.debug === true) exchange.response.setHeader(REASON_HEADER, decision.reason);
    exchange.takeOver();
    endRefusal(exchange.response, vary);
  }
}
