// What each entry point loads.
import { describe, expect, it, jest } from '@jest/globals';

/** What an app that uses neither gateways nor the Redis feed must not pull in through `nest-cors`. */
const OPTIONAL_PACKAGES = [
  '@nestjs/websockets',
  '@nestjs/platform-socket.io',
  '@nestjs/platform-ws',
  'socket.io',
  'ws',
  'redis',
  './redis.js',
];

const loaded: string[] = [];
for (const name of OPTIONAL_PACKAGES) {
  jest.unstable_mockModule(name, () => {
    loaded.push(name);
    return { IoAdapter: class {}, WsAdapter: class {} };
  });
}

describe('entry points', () => {
  it('the main entry loads no optional package and no other entry point', async () => {
    const main = await import('./index.js');
    expect(main.CorsModule).toBeDefined();
    expect(loaded).toEqual([]);
  });

  it('the other entry points load theirs (so the check above would see a load)', async () => {
    expect((await import('./cors-io.adapter.js')).CorsIoAdapter).toBeDefined();
    expect((await import('./cors-ws.adapter.js')).CorsWsAdapter).toBeDefined();
    await import('./redis.js');
    expect(loaded).toEqual(['@nestjs/platform-socket.io', '@nestjs/platform-ws', './redis.js']);
  });
});
