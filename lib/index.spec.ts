import { describe, expect, it, jest } from '@jest/globals';

/** What an app without gateways must not pull in through `nest-cors`. */
const WEBSOCKET_PACKAGES = ['@nestjs/websockets', '@nestjs/platform-socket.io', '@nestjs/platform-ws', 'socket.io', 'ws'];

const loaded: string[] = [];
for (const name of WEBSOCKET_PACKAGES) {
  jest.unstable_mockModule(name, () => {
    loaded.push(name);
    return { IoAdapter: class {}, WsAdapter: class {} };
  });
}

describe('entry points', () => {
  it('the main entry loads no WebSocket package', async () => {
    const main = await import('./index.js');
    expect(main.CorsModule).toBeDefined();
    expect(loaded).toEqual([]);
  });

  it('the gateway adapters load theirs (so the check above would see a load)', async () => {
    expect((await import('./cors-io.adapter.js')).CorsIoAdapter).toBeDefined();
    expect((await import('./cors-ws.adapter.js')).CorsWsAdapter).toBeDefined();
    expect(loaded).toEqual(['@nestjs/platform-socket.io', '@nestjs/platform-ws']);
  });
});
