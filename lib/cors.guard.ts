// The global guard: enforces the policy of the handler Nest selected.
import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { actualHeaderLines, decideActual, type ActualDecision } from './core/cors-decision.js';
import { targetPathOf } from './core/route-matcher.js';
import { shown } from './cors-decision.log.js';
import { headersOnWriteHead, recordedRequest } from './cors-head.hook.js';
import { CorsPolicyRegistry } from './cors-policy.registry.js';
import { REJECTED_REQUEST_MESSAGE } from './cors-responses.js';
import { rawRequest, rawResponse } from './cors-http.util.js';
import type { CorsRequestState } from './cors-request-state.js';

/** No header lines: the selected handler's policy refuses the origin. */
const NO_LINES: readonly string[] = [];

/**
 * Enforces the policy of the handler Nest selected. The middleware has already refused requests
 * that no candidate handler allows; where several handlers share a path (header or media-type
 * versioning) it could only apply their union, so the guard decides with the selected handler's
 * `@Cors()` policy: 403 (through the app's exception filters) if it refuses the origin, and the
 * middleware's provisional headers replaced by that handler's own.
 */
@Injectable()
export class CorsGuard implements CanActivate {
  constructor(private readonly registry: CorsPolicyRegistry) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const response = rawResponse(context);
    const state = recordedRequest(response);
    if (!state) return true;
    const route = state.snapshot.routeFor(context.getClass(), context.getHandler());
    if (!route || (state.candidates.length === 1 && state.candidates[0] === route)) return true;
    const request = rawRequest(context);
    const decision = decideActual([route], request.method ?? 'GET', state.origin, request);
    const apply = (resolved: ActualDecision) => {
      headersOnWriteHead(response, resolved.allowed ? actualHeaderLines(resolved) : NO_LINES);
      return this.enforce(resolved, state, request);
    };
    return 'then' in decision ? decision.then(apply) : apply(decision);
  }

  private enforce(decision: ActualDecision, state: CorsRequestState, request: IncomingMessage): boolean {
    this.registry.metrics?.record('actual', decision.route, decision.allowed ? undefined : decision.code);
    if (decision.allowed || !state.snapshot.settings.rejectDisallowedOrigins) return true;
    this.registry.log.refused(
      state.origin,
      decision,
      () => `Rejected request ${shown(request.method ?? '')} ${shown(targetPathOf(request.url ?? '/'))} from ${shown(state.origin)}`,
    );
    throw new ForbiddenException(REJECTED_REQUEST_MESSAGE);
  }
}
