import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CorsConfigurationError, CorsModule, CorsService, type CorsModuleOptions } from '../../lib/index.js';
import { encodeCorsChange } from '../../lib/cors-change.codec.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';
import { eventually } from './eventually.js';
import { LogCapture } from './log-capture.js';
import { MemoryChangeFeed } from './memory-change.feed.js';

@Controller('shop')
class ShopController {
  @Get() list() {
    return ['item'];
  }
}

const FEED = 'CHANGE_FEED';

/** Where the app's own providers (here, the feed) come from in a forRootAsync setup. */
@Module({})
class FeedModule {
  static with(feed: MemoryChangeFeed) {
    return { module: FeedModule, providers: [{ provide: FEED, useValue: feed }], exports: [FEED] };
  }
}

describe.each(ADAPTERS)('changeFeed on %s', (_name, adapter: AdapterFactory) => {
  const apps: INestApplication[] = [];
  let logs: LogCapture;
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const boot = async (cors: ReturnType<typeof CorsModule.forRoot>) => {
    logs = new LogCapture();
    const app = await createApp({ imports: [cors], controllers: [ShopController] }, adapter, (nest) => nest.useLogger(logs));
    apps.push(app);
    return app;
  };
  const pair = async (feed: MemoryChangeFeed) => [
    await boot(CorsModule.forRoot({ origin: ['https://old.example'], changeFeed: feed })),
    await boot(
      CorsModule.forRootAsync({
        imports: [FeedModule.with(feed)],
        inject: [FEED],
        useFactory: (changeFeed: MemoryChangeFeed): CorsModuleOptions => ({ origin: ['https://old.example'], changeFeed }),
      }),
    ),
  ];
  const status = async (app: INestApplication, origin: string) =>
    (await request(app.getHttpServer()).get('/shop').set('Origin', origin)).status;

  it('applies setOrigins on one instance, and the other instance (forRootAsync) serves the new origins', async () => {
    const feed = new MemoryChangeFeed();
    const [a, b] = await pair(feed);
    await a.get(CorsService).setOrigins(['https://new.example', /^https:\/\/pr-\d+\.example$/]);
    await eventually(async () => {
      expect(await status(b, 'https://new.example')).toBe(200);
      expect(await status(b, 'https://pr-7.example')).toBe(200);
      expect(await status(b, 'https://old.example')).toBe(403);
    });
    await b.get(CorsService).update({ maxAge: 60 });
    await eventually(() => expect(a.get(CorsService).options.maxAge).toBe(60));
    expect(feed.published).toHaveLength(2);
    expect(
      logs.lines.filter((line) => line.message.includes('Applied a change from another instance')).map((line) => line.context),
    ).toEqual(['CorsModule', 'CorsModule']);
  });

  it('subscribes during app.init() and unsubscribes on app.close()', async () => {
    const feed = new MemoryChangeFeed();
    await pair(feed);
    expect(feed.subscribers).toBe(2);
    await Promise.all(apps.splice(0).map((app) => app.close()));
    expect(feed.subscribers).toBe(0);
  });

  it('logs and ignores a malformed or invalid change from the feed, and keeps serving', async () => {
    const feed = new MemoryChangeFeed();
    const [a] = await pair(feed);
    feed.deliver('not a change');
    feed.deliver(encodeCorsChange({ source: 'elsewhere', clock: 1, options: { origin: ['https://new.example/'] } }));
    await eventually(() => expect(logs.lines.filter((line) => line.level === 'warn')).toHaveLength(4));
    expect(logs.lines.filter((line) => line.level === 'warn').every((line) => line.context === 'CorsModule')).toBe(true);
    expect(logs.find('warn', 'Ignored a malformed message from the change feed')).toHaveLength(2);
    expect(logs.find('warn', 'Ignored a change from another instance: Invalid CORS configuration')).toHaveLength(2);
    expect(await status(a, 'https://old.example')).toBe(200);
  });

  it('refuses a changeFeed that is no feed at startup, and any change of it at run time', async () => {
    await expect(boot(CorsModule.forRoot({ origin: ['https://old.example'], changeFeed: {} as never }))).rejects.toThrow(
      'changeFeed {} is not a change feed',
    );
    const feed = new MemoryChangeFeed();
    const [a, b] = await pair(feed);
    const cors = a.get(CorsService);
    await expect(cors.update({ changeFeed: new MemoryChangeFeed() })).rejects.toThrow(CorsConfigurationError);
    await expect(cors.update({ changeFeed: undefined })).rejects.toThrow('changeFeed cannot be changed at run time');
    await cors.update({ ...cors.options, maxAge: 30 });
    await eventually(() => expect(b.get(CorsService).options.maxAge).toBe(30));
    feed.deliver(encodeCorsChange({ source: 'elsewhere', clock: 99, options: { changeFeed: undefined } }));
    await eventually(() => expect(logs.find('warn', 'changeFeed cannot be changed at run time')).toHaveLength(2));
    expect(a.get(CorsService).options.changeFeed).toBe(feed);
  });

  it('refuses to publish an origin function, and keeps the policies in force', async () => {
    const feed = new MemoryChangeFeed();
    const [a, b] = await pair(feed);
    await expect(a.get(CorsService).setOrigins(() => true)).rejects.toThrow(
      'origin is a function, which cannot be sent to the other instances',
    );
    expect(feed.published).toEqual([]);
    for (const app of [a, b]) expect(await status(app, 'https://old.example')).toBe(200);
    expect(await status(a, 'https://any.example')).toBe(403);
  });
});
