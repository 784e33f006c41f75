// CorsIoAdapter: Socket.IO with the gateways' CORS policies (nest-cors/socket.io).
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import {
  decideActual,
  decidePreflight,
  PREFLIGHT_VARY,
  writeActualHeaders,
  type ActualDecision,
  type PreflightDecision,
} from './core/cors-decision.js';
import type { CorsRoute } from './core/policy-compiler.js';
import { GatewayHandshakes, type GatewayPlace } from './cors-gateway.handshakes.js';
import { CORS_GATEWAY_ADAPTER } from './cors-gateways.js';
import { endApprovedPreflight, endRefusal } from './cors-responses.js';
import { varyOnWriteHead } from './cors-head.hook.js';

/** The methods of engine.io's long-polling transport. */
const POLLING_METHODS: readonly string[] = ['GET', 'POST'];

const REFUSED = 'Cross-origin connection rejected by CORS policy';

/**
 * Socket.IO with the gateways' CORS policies: `@Cors()` on a `@WebSocketGateway()` class, merged
 * over the `CorsModule` options like a controller's (a gateway without it gets the module options).
 *
 * ```ts
 * app.useWebSocketAdapter(new CorsIoAdapter(app));   // before app.init() / app.listen()
 * ```
 *
 * - A handshake whose `Origin` the policy refuses is refused before the gateway's
 *   `handleConnection` runs, on both transports: long-polling answers 403, a WebSocket upgrade is
 *   rejected. Handshakes without `Origin` (not from a browser) and from the server's own origin are
 *   admitted.
 * - Long-polling requests get their CORS headers and preflight answers from the policy.
 * - Gateways sharing one server (same port and path, different namespaces): the engine.io
 *   handshake admits the origins any of them allows, and each namespace refuses a connection its
 *   own gateway's policy refuses.
 * - `CorsService` updates apply to new connections.
 *
 * Extend this class, not `IoAdapter`, to customise the server (a Redis adapter, say).
 *
 * @publicApi
 */
export class CorsIoAdapter extends IoAdapter {
  readonly [CORS_GATEWAY_ADAPTER] = true;
  private readonly handshakes: GatewayHandshakes;
  private readonly guarded = new WeakSet<Namespace>();

  /** @param app the Nest application, whose `CorsModule` policies apply */
  constructor(app: INestApplicationContext) {
    super(app);
    this.handshakes = new GatewayHandshakes(app, 'CorsIoAdapter');
  }

  /*
   * Which gateways a server or namespace serves. Nest hands the adapter the gateway's options, not
   * its class: it creates one server per port and path, with `create(port, options)` without a
   * namespace, then asks for each gateway's namespace with `create(port, { namespace, server })`
   * (the namespace string with a leading slash, or the RegExp or function as given). The registry
   * reads the same port, path and namespace from each gateway class at bootstrap, so a server is
   * served by the gateways of its port and path, and a namespace by those of its port, path and
   * namespace. They are looked up at each handshake: servers are created before the policies are
   * compiled.
   */

  // Typed after the base class: Nest 11 declares that it returns a Server, Nest 12 a Server or a Namespace.
  override create(...args: Parameters<IoAdapter['create']>): ReturnType<IoAdapter['create']> {
    const [port, options] = args;
    const created = super.create(...args);
    this.guard(isServer(created) ? created.sockets : created, { port, path: options?.path, namespace: options?.namespace ?? '/' });
    return created;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const place: GatewayPlace = { port, path: options?.path, namespace: undefined };
    const allowRequest = options?.allowRequest;
    const server = super.createIOServer(port, {
      ...options,
      // engine.io asks this for every new session, over long-polling and WebSocket alike.
      allowRequest: (request, callback) => {
        this.handshakes
          .admits(request, place, 'any', 'Socket.IO handshake')
          .then((admitted) => {
            if (!admitted) callback(REFUSED, false);
            else if (allowRequest) allowRequest(request, callback);
            else callback(null, true);
          })
          .catch((error: unknown) => callback(String(error), false));
      },
    } as ServerOptions);
    server.engine.use((request: IncomingMessage, response: ServerResponse, next: () => void) =>
      this.answerPolling(place, request, response, next),
    );
    return server;
  }

  /** Refuses, before the namespace's gateways see it, a connection one of their policies refuses. */
  private guard(namespace: Namespace, place: GatewayPlace): void {
    if (this.guarded.has(namespace)) return;
    this.guarded.add(namespace);
    namespace.use((socket, next) => {
      void this.handshakes
        .admits(socket.request, place, 'every', `connection to namespace ${namespace.name}`)
        .then((admitted) => next(admitted ? undefined : new Error(REFUSED)));
    });
  }

  /** CORS headers and preflight answers for long-polling requests (a WebSocket upgrade has no response to read). */
  private answerPolling(place: GatewayPlace, request: IncomingMessage, response: ServerResponse, next: () => void): void {
    if (!(response instanceof ServerResponse)) return next();
    varyOnWriteHead(response, 'Origin');
    const origin = this.handshakes.crossOrigin(request);
    if (origin === undefined) return next();
    const routes = this.handshakes.routesAt(place);
    if (!routes) return next();
    const requestMethod = request.headers['access-control-request-method'];
    if (request.method === 'OPTIONS' && typeof requestMethod === 'string') {
      return this.answerPreflight(routes, origin, requestMethod, request, response);
    }
    const finish = (decision: ActualDecision) => {
      if (decision.allowed) writeActualHeaders(decision, response);
      next();
    };
    const decision = decideActual(routes, request.method ?? 'GET', origin, request);
    if ('then' in decision) void decision.then(finish);
    else finish(decision);
  }

  private answerPreflight(
    routes: readonly CorsRoute[],
    origin: string,
    requestMethod: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    const routesFor = (method: string) => (POLLING_METHODS.includes(method) ? routes : undefined);
    const finish = (decision: PreflightDecision) => {
      if (decision.allowed) return endApprovedPreflight(response, decision);
      this.handshakes.logRejection(origin, decision, 'Socket.IO polling preflight');
      endRefusal(response, PREFLIGHT_VARY);
    };
    const decision = decidePreflight(
      { candidates: routesFor(requestMethod) ?? [], methods: POLLING_METHODS, routesFor },
      {
        origin,
        requestMethod,
        requestHeaders: request.headers['access-control-request-headers'],
        requestPrivateNetwork: request.headers['access-control-request-private-network'] === 'true',
        raw: request,
      },
    );
    if ('then' in decision) void decision.then(finish);
    else finish(decision);
  }
}

function isServer(created: Server | Namespace): created is Server {
  return typeof (created as Partial<Server>).of === 'function';
}
