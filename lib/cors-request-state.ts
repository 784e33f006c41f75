import type { IncomingMessage } from 'node:http';
import type { ActualDecision, CorsRoute } from './core/cors-decision.js';
import type { CorsSnapshot } from './cors-policy.registry.js';

/** What the middleware learnt about a request, for the guard and the interceptor. */
export interface CorsRequestState {
  /** The policies the request started with; the guard reads the same ones. */
  readonly snapshot: CorsSnapshot;
  readonly origin: string;
  /** The routes that may serve the request (several only under header/media-type versioning). */
  readonly candidates: readonly CorsRoute[];
  /** The middleware's decision over all candidates. */
  readonly decision: ActualDecision;
}

const CORS_STATE = Symbol('nest-cors:state');

type WithCorsState = IncomingMessage & { [CORS_STATE]?: CorsRequestState };

/** Records the middleware's decision on a cross-origin request. */
export function setCorsState(request: IncomingMessage, state: CorsRequestState): void {
  (request as WithCorsState)[CORS_STATE] = state;
}

/** The decision recorded for a cross-origin request, `undefined` for other requests. */
export function getCorsState(request: IncomingMessage): CorsRequestState | undefined {
  return (request as WithCorsState)[CORS_STATE];
}

const VARIES_BY_ORIGIN = Symbol('nest-cors:varies-by-origin');

type WithVaryMark = IncomingMessage & { [VARIES_BY_ORIGIN]?: true };

/** Records that the response to this request depends on its `Origin` (it carries `Vary: Origin`). */
export function markVariesByOrigin(request: IncomingMessage): void {
  (request as WithVaryMark)[VARIES_BY_ORIGIN] = true;
}

/** Whether the middleware found that the response depends on the request's `Origin`. */
export function variesByOrigin(request: IncomingMessage): boolean {
  return (request as WithVaryMark)[VARIES_BY_ORIGIN] === true;
}
