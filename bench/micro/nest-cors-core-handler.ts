import type { IncomingMessage } from 'node:http';
import {
  decideActual,
  decidePreflight,
  writeActualHeaders,
  writePreflightHeaders,
  type PreflightRoutes,
} from '../../lib/core/cors-decision.js';
import { CorsPolicy } from '../../lib/core/cors-policy.js';
import type { CorsRoute } from '../../lib/core/policy-compiler.js';
import type { CorsOptions } from '../../lib/index.js';
import type { MicroHandler } from './handlers.js';

/**
 * ADAPTER TO THE NEST-CORS POLICY CORE (lib/core/): the only bench file that knows the core's
 * internal API, so a change there is fixed here alone.
 *
 * One compiled policy serving GET, HEAD and PUT on the measured path, evaluated the way
 * `CorsMiddleware` does once it has looked the path up: decide, write the headers, and end an
 * approved preflight with its status. The route lookup (not something the
 * `cors` package does) is left out; the load benchmarks measure it.
 */
export function nestCorsCoreHandler(options: CorsOptions): MicroHandler {
  const route: CorsRoute = { policy: new CorsPolicy(options), name: 'ItemsController.benchmark' };
  const served = [route];
  const routes: PreflightRoutes = { candidates: served, methods: ['GET', 'HEAD', 'PUT'], routesFor: () => served };
  return (request, response) => {
    const raw = request as unknown as IncomingMessage;
    const origin = request.headers.origin;
    const requestMethod = request.headers['access-control-request-method'];
    if (request.method === 'OPTIONS' && requestMethod !== undefined) {
      const decision = decidePreflight(routes, {
        origin,
        requestMethod,
        requestHeaders: request.headers['access-control-request-headers'],
        requestPrivateNetwork: false,
        raw,
      });
      if ('then' in decision || !decision.allowed) throw new Error('the benchmark preflight must be approved synchronously');
      writePreflightHeaders(decision, response);
      response.statusCode = decision.status;
      response.end();
      return;
    }
    const decision = decideActual(served, request.method, origin, raw);
    if ('then' in decision || !decision.allowed) throw new Error('the benchmark request must be approved synchronously');
    writeActualHeaders(decision, response);
  };
}
