// Decides WebSocket handshakes with the gateways' policies.
import type { INestApplicationContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { decideActual, type CorsRejection } from './core/cors-decision.js';
import type { CorsRoute } from './core/policy-compiler.js';
import { isSameOrigin } from './core/same-origin.js';
import { shown } from './cors-decision.log.js';
import { CorsPolicyRegistry } from './cors-policy.registry.js';

/** Where a WebSocket adapter serves a server or a namespace, as Nest passes it to `create(port, options)`. */
export interface GatewayPlace {
  readonly port: number;
  readonly path: unknown;
  /** The namespace, or `undefined` for a whole server (every namespace on it). */
  readonly namespace: unknown;
}

/**
 * Whose policy admits a handshake: `'any'` of the gateways at the place (the engine.io handshake,
 * which namespaces with their own policies share), or `'every'` one of them (each one's
 * `handleConnection` sees the connection).
 */
export type GatewayAdmission = 'any' | 'every';

/**
 * The handshake decisions both WebSocket adapters share. A handshake without `Origin` (not from a
 * browser) or from the server's own origin is admitted; any other is decided, as an actual `GET`
 * request, by the policies of the gateways served at the place, read from the policies in force
 * at that moment (so `CorsService` updates apply to new connections).
 */
export class GatewayHandshakes {
  private readonly registry: CorsPolicyRegistry;

  /**
   * @param app the Nest application the adapter was constructed with
   * @param adapter the adapter's name, for the error thrown when `CorsModule` is missing
   */
  constructor(app: INestApplicationContext, adapter: string) {
    try {
      this.registry = app.get(CorsPolicyRegistry);
    } catch {
      throw new Error(
        `${adapter} applies the CorsModule policies: import CorsModule.forRoot() in the root module, and pass the Nest application ` +
          `to new ${adapter}(app)`,
      );
    }
  }

  /**
   * The request's `Origin` when it is a cross-origin request; `undefined` without `Origin` or for
   * the server's own origin (same scheme, host and port). The scheme is the connection's: behind a
   * proxy that terminates TLS, an `https` page is another origin.
   */
  crossOrigin(request: IncomingMessage): string | undefined {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    const server = { protocol: (request.socket as TLSSocket).encrypted ? 'https' : 'http', host: request.headers.host };
    return isSameOrigin(origin, server) ? undefined : origin;
  }

  /** The routes, in the policies in force, of the gateways served at `place`; `undefined` before `app.init()` compiled them. */
  routesAt(place: GatewayPlace): readonly CorsRoute[] | undefined {
    const snapshot = this.registry.current;
    if (!snapshot) return undefined;
    const routes: CorsRoute[] = [];
    for (const gateway of this.registry.gateways) {
      if (gateway.port !== place.port || gateway.path !== place.path) continue;
      if (place.namespace !== undefined && gateway.namespace !== place.namespace) continue;
      routes.push(snapshot.policyForGateway(gateway.gateway)!);
    }
    // No gateway of the app is served here (a namespace no gateway declares): the module options.
    return routes.length > 0 ? routes : [snapshot.compiled.moduleRoute];
  }

  /**
   * Whether a handshake at `place` is admitted; a refusal goes to the explain log.
   *
   * @param what the handshake, for the log (`Socket.IO handshake`, `connection to namespace /chat`)
   */
  async admits(request: IncomingMessage, place: GatewayPlace, admission: GatewayAdmission, what: string): Promise<boolean> {
    const origin = this.crossOrigin(request);
    if (origin === undefined) return true;
    const routes = this.routesAt(place);
    if (!routes) return false;
    const decisions = await Promise.all(
      admission === 'any'
        ? [decideActual(routes, 'GET', origin, request)]
        : routes.map((route) => decideActual([route], 'GET', origin, request)),
    );
    const rejection = decisions.find((decision): decision is CorsRejection => !decision.allowed);
    if (rejection) this.logRejection(origin, rejection, what);
    return rejection === undefined;
  }

  /** Logs a refusal in the explain log (`debug: true`), once per origin, policy and reason. */
  logRejection(origin: string, rejection: CorsRejection, what: string): void {
    this.registry.log.refused(origin, rejection, () => `Rejected ${what} from ${shown(origin)}`);
  }
}
