import { Module, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { CorsModule } from 'nest-cors';
import { CorsIoAdapter } from 'nest-cors/socket.io';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { EventsGateway } from '../src/events.gateway';

@Module({ imports: [CorsModule.forRoot({ origin: ['http://allowed.test'] })], providers: [EventsGateway] })
class GatewayModule {}

/** Connects over one transport with a browser's Origin; resolves whether the connection was made. */
function connects(url: string, transport: 'polling' | 'websocket', origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(url, { transports: [transport], reconnection: false, forceNew: true, extraHeaders: { Origin: origin } });
    socket.on('connect', () => (socket.disconnect(), resolve(true)));
    socket.on('connect_error', () => (socket.disconnect(), resolve(false)));
  });
}

describe('nest-cors/socket.io in a Nest 11 CommonJS app', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [GatewayModule] }).compile();
    app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
    app.useWebSocketAdapter(new CorsIoAdapter(app));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/events`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads the CommonJS build of nest-cors/socket.io', () => {
    expect(require.resolve('nest-cors/socket.io')).toMatch(/[\\/]node_modules[\\/]nest-cors[\\/]dist[\\/]cjs[\\/]cors-io\.adapter\.js$/);
  });

  it.each(['polling', 'websocket'] as const)('applies the gateway policy over %s', async (transport) => {
    const gateway = app.get(EventsGateway);
    expect(await connects(url, transport, 'http://partner.test')).toBe(true);
    expect(await connects(url, transport, 'http://allowed.test')).toBe(false);
    expect(gateway.connections).toBe(1);
    gateway.connections = 0;
  });
});
