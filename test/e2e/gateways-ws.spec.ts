import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import { Cors, CorsConfigurationError, CorsModule, CorsService } from '../../lib/index.js';
import { CorsWsAdapter } from '../../lib/cors-ws.adapter.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';
import { freePort, webSocket } from './gateway-clients.js';

const APP = 'https://app.example';
const PARTNER = 'https://partner.example';
const OWN = 'https://own.example';
const EVIL = 'https://evil.example';

/** `handleConnection` and message handler calls per gateway. */
const calls = new Map<string, number>();
const called = (name: string) => calls.get(name) ?? 0;
const count = (name: string) => calls.set(name, called(name) + 1);

class CountingGateway implements OnGatewayConnection {
  handleConnection(): void {
    count(this.constructor.name);
  }
}

/** The module options, on the HTTP server's port. */
@WebSocketGateway({ path: '/events' })
class EventsGateway extends CountingGateway {
  @SubscribeMessage('ping') ping() {
    count('ping');
    return 'pong';
  }
}

@WebSocketGateway({ path: '/partner' })
@Cors({ origin: PARTNER })
class PartnerGateway extends CountingGateway {}

@WebSocketGateway({ path: '/off' })
@Cors(false)
class OffGateway extends CountingGateway {}

/** Two gateways on one `ws` server: each sees every connection, so each policy must allow it. */
@WebSocketGateway({ path: '/shared' })
class SharedModuleGateway extends CountingGateway {}

@WebSocketGateway({ path: '/shared' })
@Cors([APP, PARTNER])
class SharedWiderGateway extends CountingGateway {}

function ownPortGateway(port: number): Type<unknown> {
  @WebSocketGateway(port)
  @Cors(OWN)
  class OwnPortGateway extends CountingGateway {}
  return OwnPortGateway;
}

describe.each(ADAPTERS)('ws gateways on %s', (_name, adapter: AdapterFactory) => {
  let app: INestApplication;
  let url: string;
  let ownUrl: string;

  beforeAll(async () => {
    const ownPort = await freePort();
    app = await createApp(
      {
        imports: [CorsModule.forRoot({ origin: [APP], credentials: true })],
        providers: [EventsGateway, PartnerGateway, OffGateway, SharedModuleGateway, SharedWiderGateway, ownPortGateway(ownPort)],
      },
      adapter,
      (nest) => nest.useWebSocketAdapter(new CorsWsAdapter(nest)),
    );
    await app.listen(0, '127.0.0.1');
    url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    ownUrl = `ws://127.0.0.1:${ownPort}`;
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => calls.clear());

  it('admits an allowed origin', async () => {
    expect(await webSocket(`${url}/events`, APP)).toEqual({ connected: true });
    expect(called('EventsGateway')).toBe(1);
  });

  it('refuses a disallowed origin with 403 before any connection or message handler runs', async () => {
    expect(await webSocket(`${url}/events`, EVIL)).toEqual({ connected: false, error: 'HTTP 403', status: 403 });
    expect(called('EventsGateway')).toBe(0);
    expect(called('ping')).toBe(0);
  });

  it('admits a client without Origin and one from the server’s own origin', async () => {
    expect(await webSocket(`${url}/events`)).toEqual({ connected: true });
    expect(await webSocket(`${url}/events`, url.replace('ws:', 'http:'))).toEqual({ connected: true });
    expect(called('EventsGateway')).toBe(2);
  });

  it('@Cors(false) refuses every cross-origin browser, the module’s origins included', async () => {
    expect(await webSocket(`${url}/off`, APP)).toMatchObject({ status: 403 });
    expect(called('OffGateway')).toBe(0);
    expect(await webSocket(`${url}/off`, url.replace('ws:', 'http:'))).toEqual({ connected: true });
  });

  it('gives each path its gateway’s policy', async () => {
    expect(await webSocket(`${url}/partner`, PARTNER)).toEqual({ connected: true });
    expect(await webSocket(`${url}/partner`, APP)).toMatchObject({ status: 403 });
    expect(await webSocket(`${url}/events`, PARTNER)).toMatchObject({ status: 403 });
    expect(called('PartnerGateway')).toBe(1);
    expect(called('EventsGateway')).toBe(0);
  });

  it('admits on a shared server only what every gateway there allows', async () => {
    expect(await webSocket(`${url}/shared`, PARTNER)).toMatchObject({ status: 403 });
    expect(await webSocket(`${url}/shared`, APP)).toEqual({ connected: true });
    expect(called('SharedModuleGateway')).toBe(1);
    expect(called('SharedWiderGateway')).toBe(1);
  });

  it('applies the policy of a gateway on its own port', async () => {
    expect(await webSocket(ownUrl, OWN)).toEqual({ connected: true });
    expect(await webSocket(ownUrl, APP)).toMatchObject({ status: 403 });
    expect(await webSocket(ownUrl)).toEqual({ connected: true });
    expect(called('OwnPortGateway')).toBe(2);
  });

  it('applies CorsService.setOrigins() to new connections', async () => {
    const cors = app.get(CorsService);
    const before = cors.options.origin;
    await cors.setOrigins(['https://new.example']);
    try {
      expect(await webSocket(`${url}/events`, 'https://new.example')).toEqual({ connected: true });
      expect(await webSocket(`${url}/events`, APP)).toMatchObject({ status: 403 });
      expect(called('EventsGateway')).toBe(1);
    } finally {
      await cors.setOrigins(before!);
    }
  });
});

describe('ws gateway configuration', () => {
  @WebSocketGateway({ path: '/self', cors: { origin: APP } })
  class SelfCorsGateway {}

  it('fails app.init() for cors in the gateway options', async () => {
    const [, adapter] = ADAPTERS[1];
    const failure = createApp({ imports: [CorsModule.forRoot({ origin: [APP] })], providers: [SelfCorsGateway] }, adapter, (nest) =>
      nest.useWebSocketAdapter(new CorsWsAdapter(nest)),
    );
    await expect(failure).rejects.toThrow(CorsConfigurationError);
    await expect(failure).rejects.toThrow(/SelfCorsGateway: @WebSocketGateway\(\{ cors \}\) sets a second CORS policy/);
  });

  it('needs CorsModule', async () => {
    const [, adapter] = ADAPTERS[1];
    await expect(createApp({ providers: [] }, adapter, (nest) => nest.useWebSocketAdapter(new CorsWsAdapter(nest)))).rejects.toThrow(
      'CorsWsAdapter applies the CorsModule policies',
    );
  });
});
