import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import request from 'supertest';
import { CorsModule, CorsService, type CorsModuleOptions } from '../../lib/index.js';
import { RedisCorsChangeFeed } from '../../lib/redis.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';
import { eventually } from './eventually.js';
import { LogCapture } from './log-capture.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

@Controller('shop')
class ShopController {
  @Get() list() {
    return ['item'];
  }
}

const REDIS = 'REDIS_CLIENTS';

interface Clients {
  readonly publisher: RedisClientType;
  readonly subscriber: RedisClientType;
}

/** The app's Redis connections, as an app module would provide them. */
@Module({})
class RedisClientsModule {
  static with(clients: Clients) {
    return { module: RedisClientsModule, providers: [{ provide: REDIS, useValue: clients }], exports: [REDIS] };
  }
}

let server: RedisServer | undefined;
const connections: RedisClientType[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(connections.splice(0).map((client) => client.close()));
  await server?.stop();
});

/** One app's pair of connections: the publisher, and a subscriber of its own. */
async function connect(): Promise<Clients> {
  const publisher = createClient({ url: server!.url }) as RedisClientType;
  await publisher.connect();
  const subscriber = publisher.duplicate();
  await subscriber.connect();
  connections.push(publisher, subscriber);
  return { publisher, subscriber };
}

describe.each(ADAPTERS)('RedisCorsChangeFeed with a real redis-server, two instances on %s', (name, adapter: AdapterFactory) => {
  const apps: INestApplication[] = [];
  let logs: LogCapture;
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** Instance A with forRoot, instance B with forRootAsync injecting its clients, on one channel. */
  const boot = async (channel: string) => {
    logs = new LogCapture();
    const a = await connect();
    const b = await connect();
    for (const cors of [
      CorsModule.forRoot({ origin: ['https://old.example'], changeFeed: new RedisCorsChangeFeed({ ...a, channel }) }),
      CorsModule.forRootAsync({
        imports: [RedisClientsModule.with(b)],
        inject: [REDIS],
        useFactory: (clients: Clients): CorsModuleOptions => ({
          origin: ['https://old.example'],
          changeFeed: new RedisCorsChangeFeed({ ...clients, channel }),
        }),
      }),
    ]) {
      apps.push(await createApp({ imports: [cors], controllers: [ShopController] }, adapter, (nest) => nest.useLogger(logs)));
    }
    return { apps, publisher: a.publisher };
  };
  const status = async (app: INestApplication, origin: string) =>
    (await request(app.getHttpServer()).get('/shop').set('Origin', origin)).status;

  it('setOrigins on one instance: the other serves the new origin, and refuses the old one, within one second', async () => {
    const {
      apps: [a, b],
    } = await boot(`nest-cors-test:${name}:origins`);
    expect(await status(b, 'https://new.example')).toBe(403);
    const started = performance.now();
    await a.get(CorsService).setOrigins(['https://new.example', /^https:\/\/pr-\d+\.example$/]);
    await eventually(async () => {
      expect(await status(b, 'https://new.example')).toBe(200);
      expect(await status(b, 'https://old.example')).toBe(403);
    }, 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await status(b, 'https://pr-42.example')).toBe(200);
    expect(await status(a, 'https://new.example')).toBe(200);
  });

  it('logs and ignores a malformed message on the channel, and keeps following it', async () => {
    const channel = `nest-cors-test:${name}:malformed`;
    const {
      apps: [a, b],
      publisher,
    } = await boot(channel);
    await publisher.publish(channel, '{"nestCorsChange":1,"source":"x"}');
    await eventually(() => expect(logs.find('warn', 'Ignored a malformed message from the change feed')).toHaveLength(2));
    await b.get(CorsService).setOrigins(['https://new.example']);
    await eventually(async () => expect(await status(a, 'https://new.example')).toBe(200));
  });
});
