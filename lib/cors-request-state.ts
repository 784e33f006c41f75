// What the request handler tells the guard about a request.
import type { CorsRoute } from './core/policy-compiler.js';
import type { CorsSnapshot } from './cors-snapshot.js';

/**
 * What the request handler learnt about a cross-origin request it let through, for the guard. It
 * is kept with the response's head state (`recordOnWriteHead`), so the request gets no property.
 */
export interface CorsRequestState {
  /** The policies the request started with; the guard reads the same ones. */
  readonly snapshot: CorsSnapshot;
  readonly origin: string;
  /** The routes the middleware decided for (several only under header/media-type versioning). */
  readonly candidates: readonly CorsRoute[];
}
