// CorsWsAdapter: ws with the gateways' CORS policies (nest-cors/ws).
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { GatewayHandshakes } from './cors-gateway.handshakes.js';
import { CORS_GATEWAY_ADAPTER } from './cors-gateways.js';

/** What `ws` hands to its `verifyClient` option. */
interface VerifyClientInfo {
  readonly origin: string | undefined;
  readonly secure: boolean;
  readonly req: IncomingMessage;
}

type VerifyClientCallback = (verified: boolean, code?: number, message?: string, headers?: OutgoingHttpHeaders) => void;

type VerifyClient = ((info: VerifyClientInfo) => boolean) | ((info: VerifyClientInfo, callback: VerifyClientCallback) => void);

/**
 * `ws` with the gateways' CORS policies: `@Cors()` on a `@WebSocketGateway()` class, merged over
 * the `CorsModule` options like a controller's (a gateway without it gets the module options).
 *
 * ```ts
 * app.useWebSocketAdapter(new CorsWsAdapter(app));   // before app.init() / app.listen()
 * ```
 *
 * A WebSocket upgrade whose `Origin` the policy refuses is answered 403 before any connection or
 * message handler runs; upgrades without `Origin` (not from a browser) and from the server's own
 * origin are admitted. `CorsService` updates apply to new connections.
 *
 * @publicApi
 */
export class CorsWsAdapter extends WsAdapter {
  readonly [CORS_GATEWAY_ADAPTER] = true;
  private readonly handshakes: GatewayHandshakes;

  /**
   * @param app the Nest application, whose `CorsModule` policies apply
   * @param options `WsAdapter`'s own options (a message parser)
   */
  constructor(app: INestApplicationContext, options?: ConstructorParameters<typeof WsAdapter>[1]) {
    super(app, options);
    this.handshakes = new GatewayHandshakes(app, 'CorsWsAdapter');
  }

  /**
   * Nest creates one `ws` server per port and path, with the options of the first gateway there
   * (`WsAdapter` has no namespaces), and binds every gateway of that port and path to it. The
   * registry reads the same port and path from each gateway class at bootstrap, so the upgrade is
   * admitted when the policy of every gateway of the server's port and path allows it, looked up at
   * each upgrade (the server is created before the policies are compiled).
   */
  override create(
    port: number,
    options: Record<string, unknown> & { namespace?: string; server?: unknown; path?: string } = {},
  ): ReturnType<WsAdapter['create']> {
    const place = { port, path: options.path, namespace: undefined };
    const verifyClient = options.verifyClient as VerifyClient | undefined;
    return super.create(port, {
      ...options,
      verifyClient: (info: VerifyClientInfo, callback: VerifyClientCallback) => {
        this.handshakes
          .admits(info.req, place, 'every', 'WebSocket upgrade')
          .then((admitted) => {
            if (!admitted) callback(false, 403);
            else if (!verifyClient) callback(true);
            else if (verifyClient.length === 2) verifyClient(info, callback);
            else callback((verifyClient as (info: VerifyClientInfo) => boolean)(info));
          })
          .catch(() => callback(false, 500));
      },
    });
  }
}
