import type { IncomingMessage } from 'node:http';
import type { CorsRoute } from './core/cors-decision.js';
import type { CorsSnapshot } from './cors-policy.registry.js';

/** What the middleware learnt about a request, for the guard and the interceptor. */
export interface CorsRequestState {
  /** The policies the request started with; the guard reads the same ones. */
  readonly snapshot: CorsSnapshot;
  readonly origin: string;
  /** The routes the middleware decided for (several only under header/media-type versioning). */
  readonly candidates: readonly CorsRoute[];
}

const CORS_STATE = Symbol('nest-cors:state');

type WithCorsState = IncomingMessage & { [CORS_STATE]?: CorsRequestState };

/** Records what the middleware decided a cross-origin request with. */
export function setCorsState(request: IncomingMessage, state: CorsRequestState): void {
  (request as WithCorsState)[CORS_STATE] = state;
}

/** What the middleware recorded for a cross-origin request it let through, if anything. */
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
