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
  type PreflightDecision,
} from './core/cors-decision.js';
import { isSameOrigin, parseOrigin } from './core/origin.js';
import { CorsPolicyRegistry } from './cors-policy.registry.js';
import { markVariesByOrigin, setCorsState } from './cors-request-state.js';

type Next = (error?: unknown) => void;

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

/**
 * Runs before every route, guard and interceptor of the app (mounted on the HTTP adapter itself,
 * so paths outside the global prefix are covered too). It answers preflights from the route table
 * and puts CORS headers on the raw response of every other request, so that 401s from auth
 * guards, thrown exceptions and 404s carry them. Rejecting a disallowed actual request is the
 * guard's job on Nest routes; the middleware rejects only on paths Nest does not know.
 *
 * @publicApi
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  constructor(private readonly registry: CorsPolicyRegistry) {}

  use(request: IncomingMessage, response: ServerResponse, next: Next): void {
    const origin = request.headers.origin;
    if (origin === undefined) {
      this.handleNonCors(request, response, next);
      return;
    }
    const requestMethod = request.headers['access-control-request-method'];
    if (request.method === 'OPTIONS' && typeof requestMethod === 'string') {
      this.handlePreflight(request, response, next, origin, requestMethod);
    } else {
      this.handleActual(request, response, next, origin);
    }
  }

  /** The request's host name (without port), from `X-Forwarded-Host` when proxies are trusted. */
  protected hostOf(request: IncomingMessage): string | undefined {
    const forwarded = this.registry.trustsProxy ? firstValue(request.headers['x-forwarded-host']) : undefined;
    return forwarded || request.headers.host;
  }

  private routeTarget(request: IncomingMessage): { path: ReturnType<CorsPolicyRegistry['lookup']>; pathname: string } {
    const pathname = pathnameOf(request);
    const host = this.hostOf(request);
    const hostname = host?.replace(/:\d*$/, '').toLowerCase();
    return { path: this.registry.lookup(pathname, hostname), pathname };
  }

  private varyByOrigin(request: IncomingMessage, response: ServerResponse): void {
    appendVaryHeader(response, 'Origin');
    markVariesByOrigin(request);
  }

  private handleNonCors(request: IncomingMessage, response: ServerResponse, next: Next): void {
    if (this.responseVaries(request)) this.varyByOrigin(request, response);
    next();
  }

  /** Whether the response to this request can depend on its `Origin`. */
  private responseVaries(request: IncomingMessage): boolean {
    if (this.registry.rejectsDisallowedOrigins && this.registry.unknownRoutes !== 'skip') return true;
    const { path } = this.routeTarget(request);
    const candidates = path ? routesForMethod(path, request.method ?? 'GET') : [];
    const routes = candidates.length > 0 ? candidates : asList(this.registry.routeForUnknownPaths);
    return routes.some((route) => route.policy.enabled && !route.policy.allowsAnyOrigin) || (this.registry.rejectsDisallowedOrigins && routes.length > 0);
  }

  private handlePreflight(request: IncomingMessage, response: ServerResponse, next: Next, origin: string, requestMethod: string): void {
    const { path, pathname } = this.routeTarget(request);
    let candidates: readonly CorsRoute[];
    if (path) {
      candidates = routesForMethod(path, requestMethod);
    } else {
      const unknown = this.registry.routeForUnknownPaths;
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
      const description = `preflight ${requestMethod} ${pathname} from ${origin}`;
      if (!resolved.allowed) {
        this.registry.explain(`Rejected ${description}: ${resolved.reason}${policyOf(resolved.route)}`);
        appendVaryHeader(response, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
        response.statusCode = 403;
        response.setHeader('Content-Type', 'text/plain; charset=utf-8');
        response.end('CORS preflight rejected');
        return;
      }
      this.registry.explain(`Allowed ${description}${policyOf(resolved.route)}`);
      writePreflightHeaders(resolved, response);
      if (resolved.continueToHandler) return next();
      response.statusCode = resolved.status;
      response.setHeader('Content-Length', '0');
      response.end();
    };
    if ('then' in decision) decision.then(finish, next);
    else finish(decision);
  }

  private handleActual(request: IncomingMessage, response: ServerResponse, next: Next, origin: string): void {
    const method = request.method ?? 'GET';
    const { path, pathname } = this.routeTarget(request);
    const routeCandidates = path ? routesForMethod(path, method) : [];
    const knownRoute = routeCandidates.length > 0;
    const candidates = knownRoute ? routeCandidates : asList(this.registry.routeForUnknownPaths);
    if (candidates.length === 0) return next();
    const decision = decideActual(candidates, method, origin, request);
    const finish = (resolved: ActualDecision) => {
      const description = `request ${method} ${pathname} from ${origin}`;
      if (resolved.allowed) {
        this.registry.explain(`Allowed ${description}${policyOf(resolved.route)}`);
        writeActualHeaders(resolved, response);
        if (resolved.allowOrigin !== '*') markVariesByOrigin(request);
        setCorsState(request, { origin, candidates, decision: resolved });
        return next();
      }
      if (this.responseVaries(request)) this.varyByOrigin(request, response);
      const parsed = parseOrigin(origin);
      if (parsed && isSameOrigin(parsed, this.hostOf(request))) return next();
      setCorsState(request, { origin, candidates, decision: resolved });
      if (!this.registry.rejectsDisallowedOrigins) {
        this.registry.explain(`Not allowed (handled without CORS headers) ${description}: ${resolved.reason}${policyOf(resolved.route)}`);
        return next();
      }
      if (knownRoute) return next();
      this.registry.explain(`Rejected ${description}: ${resolved.reason}${policyOf(resolved.route)}`);
      response.statusCode = 403;
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      response.end('CORS request rejected');
    };
    if ('then' in decision) decision.then(finish, next);
    else finish(decision);
  }
}

function asList(route: CorsRoute | undefined): readonly CorsRoute[] {
  return route ? [route] : [];
}

function policyOf(route: CorsRoute | undefined): string {
  return route ? ` (policy ${route.name})` : '';
}
