import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  appendVaryHeader,
  decideActual,
  decidePreflight,
  routesForMethod,
  writeActualHeaders,
  writePreflightHeaders,
  type ActualDecision,
  type CorsRoute,
  type PathRoutes,
  type PreflightDecision,
} from './core/cors-decision.js';
import { isSameOrigin, parseOrigin } from './core/origin.js';
import { shown } from './cors-decision.log.js';
import { CorsPolicyRegistry, type CorsSnapshot } from './cors-policy.registry.js';
import { markVariesByOrigin, setCorsState } from './cors-request-state.js';

type Next = (error?: unknown) => void;

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

function pathnameOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value[0];
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  return (comma === -1 ? value : value.slice(0, comma)).trim();
}

/** The request's `Host` (with port), from `X-Forwarded-Host` when proxies are trusted. */
function hostOf(request: IncomingMessage, snapshot: CorsSnapshot): string | undefined {
  const forwarded = snapshot.settings.trustProxy ? firstValue(request.headers['x-forwarded-host']) : undefined;
  return forwarded || request.headers.host;
}

function lookup(request: IncomingMessage, snapshot: CorsSnapshot): PathRoutes | undefined {
  const hostname = snapshot.needsHostname ? hostOf(request, snapshot)?.replace(/:\d*$/, '').toLowerCase() : undefined;
  return snapshot.lookup(pathnameOf(request), hostname);
}

function asList(route: CorsRoute | undefined): readonly CorsRoute[] {
  return route ? [route] : [];
}

function reject(response: ServerResponse, contentType: string, body: string): void {
  response.statusCode = 403;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', String(Buffer.byteLength(body)));
  response.end(body);
}

/** The body of Nest's own `ForbiddenException`, so a refused request looks like the app's 403s. */
const REJECTED_REQUEST_BODY = JSON.stringify({ message: 'Cross-origin request rejected by CORS policy', error: 'Forbidden', statusCode: 403 });

/**
 * Runs before every route, guard and interceptor of the app (mounted on the HTTP adapter itself,
 * so paths outside the global prefix are covered too). It answers preflights from the route table,
 * puts CORS headers on the raw response of every other request (so 401s from auth guards, thrown
 * exceptions and 404s carry them), and refuses a request no candidate handler allows before the
 * app's own guards run. Where several handlers share a path (header or media-type versioning) and
 * only some allow the origin, the guard decides with the handler Nest selects.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  constructor(private readonly registry: CorsPolicyRegistry) {}

  use(request: IncomingMessage, response: ServerResponse, next: Next): void {
    const snapshot = this.registry.current;
    if (!snapshot) return next();
    const origin = request.headers.origin;
    if (origin === undefined) {
      if (this.responseVaries(request, snapshot)) this.varyByOrigin(request, response);
      return next();
    }
    const requestMethod = request.headers['access-control-request-method'];
    if (request.method === 'OPTIONS' && typeof requestMethod === 'string') {
      this.handlePreflight(request, response, next, snapshot, origin, requestMethod);
    } else {
      this.handleActual(request, response, next, snapshot, origin);
    }
  }

  /** Whether the response to this request can depend on its `Origin`. */
  private responseVaries(request: IncomingMessage, snapshot: CorsSnapshot): boolean {
    const { rejectDisallowedOrigins, unknownRoutes } = snapshot.settings;
    if (rejectDisallowedOrigins && unknownRoutes !== 'skip') return true;
    const path = lookup(request, snapshot);
    const candidates = path ? routesForMethod(path, request.method ?? 'GET') : [];
    const routes = candidates.length > 0 ? candidates : asList(snapshot.routeForUnknownPaths);
    return routes.some((route) => rejectDisallowedOrigins || (route.policy.enabled && !route.policy.allowsAnyOrigin));
  }

  private varyByOrigin(request: IncomingMessage, response: ServerResponse): void {
    appendVaryHeader(response, 'Origin');
    markVariesByOrigin(request);
  }

  private handlePreflight(
    request: IncomingMessage,
    response: ServerResponse,
    next: Next,
    snapshot: CorsSnapshot,
    origin: string,
    requestMethod: string,
  ): void {
    const path = lookup(request, snapshot);
    let candidates: readonly CorsRoute[];
    if (path) {
      candidates = routesForMethod(path, requestMethod);
    } else {
      const unknown = snapshot.routeForUnknownPaths;
      if (!unknown) return next();
      candidates = [unknown];
    }
    const decision = decidePreflight(candidates, path, {
      origin,
      requestMethod,
      requestHeaders: request.headers['access-control-request-headers'],
      requestPrivateNetwork: request.headers['access-control-request-private-network'] === 'true',
      raw: request,
    });
    const finish = (resolved: PreflightDecision) => {
      const log = this.registry.log;
      const policy = resolved.route?.name ?? 'none';
      const description = () => `preflight ${shown(requestMethod)} ${shown(pathnameOf(request))} from ${shown(origin)}`;
      if (!resolved.allowed) {
        if (log.enabled) log.rejected(`${origin}\n${policy}\n${resolved.reason}`, `Rejected ${description()}: ${resolved.reason} (policy ${policy})`);
        appendVaryHeader(response, PREFLIGHT_VARY);
        return reject(response, 'text/plain; charset=utf-8', 'CORS preflight rejected');
      }
      if (log.enabled) log.allowed(`${origin}\n${policy}\npreflight`, `Allowed ${description()} (policy ${policy})`);
      writePreflightHeaders(resolved, response);
      if (resolved.continueToHandler) return next();
      response.statusCode = resolved.status;
      response.setHeader('Content-Length', '0');
      response.end();
    };
    if ('then' in decision) decision.then(finish, next);
    else finish(decision);
  }

  private handleActual(request: IncomingMessage, response: ServerResponse, next: Next, snapshot: CorsSnapshot, origin: string): void {
    const method = request.method ?? 'GET';
    const path = lookup(request, snapshot);
    const routeCandidates = path ? routesForMethod(path, method) : [];
    const candidates = routeCandidates.length > 0 ? routeCandidates : asList(snapshot.routeForUnknownPaths);
    if (candidates.length === 0) return next();
    const decision = decideActual(candidates, method, origin, request);
    const finish = (resolved: ActualDecision) => {
      const log = this.registry.log;
      const policy = resolved.route?.name ?? 'none';
      const description = () => `request ${shown(method)} ${shown(pathnameOf(request))} from ${shown(origin)}`;
      if (resolved.allowed) {
        if (log.enabled) log.allowed(`${origin}\n${policy}\nrequest`, `Allowed ${description()} (policy ${policy})`);
        writeActualHeaders(resolved, response);
        if (resolved.allowOrigin !== '*') markVariesByOrigin(request);
        setCorsState(request, { snapshot, origin, candidates });
        return next();
      }
      if (this.responseVaries(request, snapshot)) this.varyByOrigin(request, response);
      const parsed = parseOrigin(origin);
      if (parsed && isSameOrigin(parsed, hostOf(request, snapshot))) return next();
      if (!snapshot.settings.rejectDisallowedOrigins) {
        if (log.enabled) log.rejected(`${origin}\n${policy}\n${resolved.reason}`, `Sent without CORS headers: ${description()}: ${resolved.reason} (policy ${policy})`);
        setCorsState(request, { snapshot, origin, candidates });
        return next();
      }
      if (log.enabled) log.rejected(`${origin}\n${policy}\n${resolved.reason}`, `Rejected ${description()}: ${resolved.reason} (policy ${policy})`);
      reject(response, 'application/json; charset=utf-8', REJECTED_REQUEST_BODY);
    };
    if ('then' in decision) decision.then(finish, next);
    else finish(decision);
  }
}
