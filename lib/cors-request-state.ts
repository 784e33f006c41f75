// What the request handler tells the guard about a request.
import type { IncomingMessage } from 'node:http';
import type { CorsRoute } from './core/policy-compiler.js';
import type { CorsSnapshot } from './cors-snapshot.js';

/** What the middleware learnt about a cross-origin request, for the guard. */
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
