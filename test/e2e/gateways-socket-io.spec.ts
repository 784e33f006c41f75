import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import { Cors, CorsConfigurationError, CorsModule, CorsService } from '../../lib/index.js';
import { CorsIoAdapter } from '../../lib/cors-io.adapter.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';
import { freePort, send, socketIo, varyList } from './gateway-clients.js';
import { LogCapture } from './log-capture.js';

const APP = 'https://app.example';
const PARTNER = 'https://partner.example';
const OWN = 'https://own.example';
const EVIL = 'https://evil.example';
const TRANSPORTS = ['polling', 'websocket'] as const;
const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

/** `handleConnection` calls per gateway. */
const connections = new Map<string, number>();
const connected = (gateway: string) => connections.get(gateway) ?? 0;

class CountingGateway implements OnGatewayConnection {
  handleConnection(): void {
    connections.set(this.constructor.name, connected(this.constructor.name) + 1);
  }
}

/** The main namespace on the HTTP server's port: the module options. */
@WebSocketGateway()
class EventsGateway extends CountingGateway {
  @SubscribeMessage('ping') ping() {
    return 'pong';
  }
}

/** A namespace of the same server with its own policy. */
@WebSocketGateway({ namespace: 'partner' })
@Cors({ origin: PARTNER, credentials: false })
class PartnerGateway extends CountingGateway {}

@WebSocketGateway({ namespace: 'off' })
@Cors(false)
class OffGateway extends CountingGateway {}

function ownPortGateway(port: number): Type<unknown> {
  @WebSocketGateway(port)
  @Cors(OWN)
  class OwnPortGateway extends CountingGateway {}
  return OwnPortGateway;
}

describe.each(ADAPTERS)('Socket.IO gateways on %s', (_name, adapter: AdapterFactory) => {
  let app: INestApplication;
  let url: string;
  let ownUrl: string;
  let port: number;

  beforeAll(async () => {
    const ownPort = await freePort();
    app = await createApp(
      {
        imports: [CorsModule.forRoot({ origin: [APP], credentials: true })],
        providers: [EventsGateway, PartnerGateway, OffGateway, ownPortGateway(ownPort)],
      },
      adapter,
      (nest) => nest.useWebSocketAdapter(new CorsIoAdapter(nest)),
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
    ownUrl = `http://127.0.0.1:${ownPort}`;
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => connections.clear());

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it('admits an allowed origin', async () => {
      expect(await socketIo(url, transport, APP)).toEqual({ connected: true });
      expect(connected('EventsGateway')).toBe(1);
    });

    it('refuses a disallowed origin before handleConnection runs', async () => {
      expect(await socketIo(url, transport, EVIL)).toMatchObject({ connected: false });
      expect(connected('EventsGateway')).toBe(0);
    });

    it('admits a client without Origin and one from the server’s own origin', async () => {
      expect(await socketIo(url, transport)).toEqual({ connected: true });
      expect(await socketIo(url, transport, url)).toEqual({ connected: true });
      expect(connected('EventsGateway')).toBe(2);
    });

    it('@Cors(false) refuses every cross-origin browser, the module’s origins included', async () => {
      expect(await socketIo(`${url}/off`, transport, APP)).toMatchObject({ connected: false });
      expect(await socketIo(`${url}/off`, transport, EVIL)).toMatchObject({ connected: false });
      expect(connected('OffGateway')).toBe(0);
      expect(await socketIo(`${url}/off`, transport, url)).toEqual({ connected: true });
      expect(connected('OffGateway')).toBe(1);
    });

    it('gives each namespace of one server its own policy', async () => {
      expect(await socketIo(`${url}/partner`, transport, PARTNER)).toEqual({ connected: true });
      expect(await socketIo(url, transport, PARTNER)).toMatchObject({ connected: false });
      expect(await socketIo(`${url}/partner`, transport, APP)).toMatchObject({ connected: false });
      expect(await socketIo(url, transport, APP)).toEqual({ connected: true });
      expect(connected('PartnerGateway')).toBe(1);
      expect(connected('EventsGateway')).toBe(1);
    });

    it('applies the policy of a gateway on its own port', async () => {
      expect(await socketIo(ownUrl, transport, OWN)).toEqual({ connected: true });
      expect(await socketIo(ownUrl, transport, APP)).toMatchObject({ connected: false });
      expect(await socketIo(ownUrl, transport)).toEqual({ connected: true });
      expect(connected('OwnPortGateway')).toBe(2);
    });
  });

  describe('long-polling requests', () => {
    it('get the policy’s CORS headers: origin, credentials, Vary', async () => {
      const res = await send(port, 'GET', HANDSHAKE, { Origin: APP });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(varyList(res.headers.vary as string)).toContain('origin');
    });

    it('are refused with 403 and no CORS headers for a disallowed origin', async () => {
      const res = await send(port, 'GET', HANDSHAKE, { Origin: EVIL });
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('admit the origins of every namespace of the server, each with its own policy’s headers', async () => {
      const res = await send(port, 'GET', HANDSHAKE, { Origin: PARTNER });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('have their preflights answered by the policy', async () => {
      const preflight = { Origin: APP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-token' };
      const res = await send(port, 'OPTIONS', `${HANDSHAKE}&sid=abc`, preflight);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      // GET is not announced: the server's @Cors(false) namespace would not approve it.
      expect(res.headers['access-control-allow-methods']).toBe('POST');
      expect(res.headers['access-control-allow-headers']).toBe('x-token');
      expect(varyList(res.headers.vary as string)).toEqual(
        expect.arrayContaining(['origin', 'access-control-request-method', 'access-control-request-headers']),
      );

      const refused = await send(port, 'OPTIONS', HANDSHAKE, { ...preflight, Origin: EVIL });
      expect(refused.status).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('applies CorsService.setOrigins() to new connections', async () => {
    const cors = app.get(CorsService);
    const before = cors.options.origin;
    await cors.setOrigins(['https://new.example']);
    try {
      expect(await socketIo(url, 'websocket', 'https://new.example')).toEqual({ connected: true });
      expect(await socketIo(url, 'polling', APP)).toMatchObject({ connected: false });
      expect((await send(port, 'GET', HANDSHAKE, { Origin: 'https://new.example' })).headers['access-control-allow-origin']).toBe(
        'https://new.example',
      );
      expect(connected('EventsGateway')).toBe(1);
    } finally {
      await cors.setOrigins(before!);
    }
  });
});

describe('Socket.IO gateways in the explain log', () => {
  let app: INestApplication | undefined;
  afterAll(async () => {
    await app?.close();
  });

  it('lists each gateway’s policy at startup and explains a refused handshake', async () => {
    const logs = new LogCapture();
    const [, adapter] = ADAPTERS[0];
    app = await createApp(
      { imports: [CorsModule.forRoot({ origin: [APP], debug: true })], providers: [EventsGateway, PartnerGateway] },
      adapter,
      (nest) => {
        nest.useLogger(logs);
        nest.useWebSocketAdapter(new CorsIoAdapter(nest));
      },
    );
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    expect(
      logs.find('debug', 'Gateway EventsGateway {HTTP server port}: origin https://app.example, methods GET,HEAD,PUT,PATCH,POST,DELETE'),
    ).toHaveLength(1);
    expect(
      logs.find('debug', 'Gateway PartnerGateway {HTTP server port, namespace /partner}: origin https://partner.example'),
    ).toHaveLength(1);
    expect(await socketIo(`${url}/partner`, 'websocket', APP)).toMatchObject({ connected: false });
    expect(
      logs.find('debug', 'Rejected connection to namespace /partner from https://app.example: origin not allowed (policy PartnerGateway)'),
    ).toHaveLength(1);
  });
});

describe('Socket.IO gateway configuration', () => {
  @WebSocketGateway({ cors: { origin: APP } })
  class SelfCorsGateway {}

  @WebSocketGateway({ namespace: 'chat' })
  class MethodCorsGateway {
    @SubscribeMessage('say') @Cors(APP) say() {
      return 'ok';
    }
  }

  @WebSocketGateway({ namespace: 'plain' })
  @Cors(APP)
  class PlainAdapterGateway {}

  it('fails app.init() for cors in the gateway options and @Cors() on a gateway method', async () => {
    const [, adapter] = ADAPTERS[0];
    const failure = createApp(
      { imports: [CorsModule.forRoot({ origin: [APP] })], providers: [SelfCorsGateway, MethodCorsGateway] },
      adapter,
      (nest) => nest.useWebSocketAdapter(new CorsIoAdapter(nest)),
    );
    await expect(failure).rejects.toThrow(CorsConfigurationError);
    await expect(failure).rejects.toThrow(
      /SelfCorsGateway: @WebSocketGateway\(\{ cors \}\) sets a second CORS policy[^\n]*\n\s+Fix: remove cors from @WebSocketGateway\(\)/,
    );
    await expect(failure).rejects.toThrow(/MethodCorsGateway\.say: @Cors\(\) on a gateway method has no effect/);
  });

  it('fails app.init() for @Cors() on a gateway whose adapter does not apply it', async () => {
    const [, adapter] = ADAPTERS[0];
    const failure = createApp({ imports: [CorsModule.forRoot({ origin: [APP] })], providers: [PlainAdapterGateway] }, adapter, (nest) =>
      nest.useWebSocketAdapter(new IoAdapter(nest)),
    );
    await expect(failure).rejects.toThrow(
      /PlainAdapterGateway: @Cors\(\) has no effect: the app's WebSocket adapter \(IoAdapter\) does not apply it[^\n]*\n\s+Fix: call app\.useWebSocketAdapter\(new CorsIoAdapter\(app\)\)/,
    );
  });

  it('needs CorsModule', async () => {
    const [, adapter] = ADAPTERS[0];
    await expect(createApp({ providers: [] }, adapter, (nest) => nest.useWebSocketAdapter(new CorsIoAdapter(nest)))).rejects.toThrow(
      'CorsIoAdapter applies the CorsModule policies: import CorsModule.forRoot() in the root module',
    );
  });
});
