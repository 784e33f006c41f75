import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Header,
  Injectable,
  Module,
  Post,
  UnauthorizedException,
  Version,
  VersioningType,
  type INestApplication,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import request from 'supertest';
import { Cors, CorsConfigurationError, CorsModule, type CorsModuleOptions } from '../../lib/index.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';

const APP = 'https://app.example';

@Controller('notes')
class NotesController {
  @Get()
  list() {
    return ['note'];
  }

  @Post()
  create() {
    return { created: true };
  }
}

@Controller('reports')
class VersionedReportsController {
  @Get()
  @Version('1')
  @Cors({ origin: 'https://v1.example', maxAge: 300, credentials: true })
  v1() {
    return { version: 1 };
  }

  @Get()
  @Version('2')
  @Cors({ origin: 'https://v2.example', maxAge: 60, exposedHeaders: 'X-Report' })
  @Header('X-Report', 'yes')
  v2() {
    return { version: 2 };
  }
}

@Injectable()
class CorsConfigFactory {
  createCorsOptions(): CorsModuleOptions {
    return { origin: ['https://class.example'] };
  }
}

@Module({ providers: [CorsConfigFactory], exports: [CorsConfigFactory] })
class CorsConfigModule {}

/** An app-level auth middleware that refuses every request without a token, preflights included. */
@Injectable()
class TokenMiddleware implements NestMiddleware {
  use(request: { headers: Record<string, string | undefined> }, _response: unknown, next: () => void) {
    if (request.headers.authorization !== 'Bearer valid') throw new UnauthorizedException();
    next();
  }
}

@Module({ imports: [CorsModule.forRoot({ origin: 'https://app.example' })], controllers: [NotesController] })
class AppWithAuthMiddleware implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(TokenMiddleware).forRoutes('*');
  }
}

@Controller('own-vary')
class OwnVaryController {
  @Get()
  @Header('Vary', 'Accept-Encoding')
  get() {
    return 'ok';
  }
}

describe.each(ADAPTERS)('CorsModule options on %s', (_name, adapter: AdapterFactory) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const http = () => request(app!.getHttpServer());

  describe('forRootAsync', () => {
    it('reads origins from ConfigService through useFactory and inject', async () => {
      app = await createApp(
        {
          imports: [
            ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ CORS_ORIGINS: 'https://env-a.example,https://env-b.example' })] }),
            CorsModule.forRootAsync({
              imports: [ConfigModule],
              inject: [ConfigService],
              useFactory: (config: ConfigService) => ({ origin: config.getOrThrow<string>('CORS_ORIGINS').split(',') }),
            }),
          ],
          controllers: [NotesController],
        },
        adapter,
      );
      const res = await http().get('/notes').set('Origin', 'https://env-b.example');
      expect(res.headers['access-control-allow-origin']).toBe('https://env-b.example');
      expect((await http().get('/notes').set('Origin', APP)).status).toBe(403);
    });

    it('accepts useClass and useExisting factories', async () => {
      app = await createApp(
        { imports: [CorsModule.forRootAsync({ useClass: CorsConfigFactory })], controllers: [NotesController] },
        adapter,
      );
      expect((await http().get('/notes').set('Origin', 'https://class.example')).headers['access-control-allow-origin']).toBe(
        'https://class.example',
      );
      await app.close();
      app = await createApp(
        {
          imports: [CorsModule.forRootAsync({ imports: [CorsConfigModule], useExisting: CorsConfigFactory })],
          controllers: [NotesController],
        },
        adapter,
      );
      expect((await http().get('/notes').set('Origin', 'https://class.example')).headers['access-control-allow-origin']).toBe(
        'https://class.example',
      );
    });
  });

  describe('startup validation', () => {
    it('fails app.init() with one error naming every problem, its place and its fix', async () => {
      @Controller('bad')
      @Cors({ origin: 'https://*.co.uk', methods: ['GET', 'TRACE'] })
      class BadController {
        @Get()
        @Cors({ origin: '*', credentials: true, maxAge: -1 })
        list() {
          return [];
        }
      }
      const attempt = createApp(
        {
          imports: [
            CorsModule.forRoot({
              origin: ['https://app.example/', 'HTTPS://UPPER.example', /app\.example/],
              allowHeaders: ['x'],
              optionsSuccessStatus: 302,
            } as CorsModuleOptions),
          ],
          controllers: [BadController],
        },
        adapter,
      );
      const error = await attempt.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(CorsConfigurationError);
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid CORS configuration \(9 problems\):/);
      for (const expected of [
        /CorsModule options: origin "https:\/\/app.example\/" has a path.*\n\s+Fix: write "https:\/\/app.example"/,
        /CorsModule options: origin "HTTPS:\/\/UPPER.example" has upper-case letters/,
        /CorsModule options: RegExp origin \/app\\.example\/ is not anchored/,
        /CorsModule options: unknown option "allowHeaders".*\n\s+Fix: did you mean "allowedHeaders"\?/,
        /CorsModule options: optionsSuccessStatus 302 is not a 2xx status/,
        /BadController: origin "https:\/\/\*.co.uk" allows every site under the public suffix ".co.uk"/,
        /BadController: method TRACE can never be sent by a browser/,
        /BadController.list: maxAge -1 is not a whole number of seconds >= 0/,
        /BadController.list: origin '\*' with credentials: true is refused by browsers/,
      ]) {
        expect(message).toMatch(expected);
      }
    });
  });

  describe('header versioning', () => {
    const versioned = () =>
      createApp({ imports: [CorsModule.forRoot({})], controllers: [VersionedReportsController] }, adapter, (nest) =>
        nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-Api-Version' }),
      );

    it('answers a preflight with the union of the candidate handlers (credentials if any, smallest maxAge)', async () => {
      app = await versioned();
      for (const origin of ['https://v1.example', 'https://v2.example']) {
        const res = await http()
          .options('/reports')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'GET')
          .set('Access-Control-Request-Headers', 'x-api-version');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(res.headers['access-control-max-age']).toBe(origin === 'https://v1.example' ? '300' : '60');
      }
      const unknown = await http().options('/reports').set('Origin', APP).set('Access-Control-Request-Method', 'GET');
      expect(unknown.status).toBe(403);
    });

    it('decides the actual request with the handler Nest selected', async () => {
      app = await versioned();
      const v2 = await http().get('/reports').set('X-Api-Version', '2').set('Origin', 'https://v2.example');
      expect(v2.status).toBe(200);
      expect(v2.body).toEqual({ version: 2 });
      expect(v2.headers['access-control-allow-origin']).toBe('https://v2.example');
      expect(v2.headers['access-control-expose-headers']).toBe('X-Report');
      expect(v2.headers['access-control-allow-credentials']).toBeUndefined();
      const crossed = await http().get('/reports').set('X-Api-Version', '1').set('Origin', 'https://v2.example');
      expect(crossed.status).toBe(403);
      expect(crossed.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('ordering', () => {
    it("answers preflights before the app's own middleware, and keeps CORS headers on its 401s", async () => {
      app = await createApp({ imports: [AppWithAuthMiddleware] }, adapter);
      const preflight = await http().options('/notes').set('Origin', APP).set('Access-Control-Request-Method', 'POST');
      expect(preflight.status).toBe(204);
      const actual = await http().post('/notes').set('Origin', APP);
      expect(actual.status).toBe(401);
      expect(actual.headers['access-control-allow-origin']).toBe(APP);
    });
  });

  describe('responseInterceptor', () => {
    it('can be left out: Vary: Origin stays when a handler sets its own Vary, with the interceptor or without', async () => {
      for (const responseInterceptor of [true, false]) {
        app = await createApp(
          { imports: [CorsModule.forRoot({ origin: APP, responseInterceptor })], controllers: [OwnVaryController] },
          adapter,
        );
        const res = await http().get('/own-vary').set('Origin', APP);
        expect(res.headers['access-control-allow-origin']).toBe(APP);
        expect(res.headers.vary).toBe('Accept-Encoding, Origin');
        await app.close();
      }
    });
  });

  describe('module-only options', () => {
    it('rejectDisallowedOrigins: false runs the handler and sends no CORS headers', async () => {
      app = await createApp(
        { imports: [CorsModule.forRoot({ origin: APP, rejectDisallowedOrigins: false })], controllers: [NotesController] },
        adapter,
      );
      const res = await http().post('/notes').set('Origin', 'https://evil.example');
      expect(res.status).toBe(201);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
      const preflight = await http().options('/notes').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'PUT');
      expect(preflight.status).toBe(403);
    });

    it("unknownRoutes: 'deny' refuses CORS on paths Nest does not know; 'skip' leaves them alone", async () => {
      app = await createApp(
        { imports: [CorsModule.forRoot({ origin: APP, unknownRoutes: 'deny' })], controllers: [NotesController] },
        adapter,
      );
      expect((await http().options('/graphql').set('Origin', APP).set('Access-Control-Request-Method', 'POST')).status).toBe(403);
      expect((await http().options('/notes').set('Origin', APP).set('Access-Control-Request-Method', 'POST')).status).toBe(204);
      await app.close();
      app = await createApp(
        { imports: [CorsModule.forRoot({ origin: APP, unknownRoutes: 'skip' })], controllers: [NotesController] },
        adapter,
      );
      const skipped = await http().options('/graphql').set('Origin', APP).set('Access-Control-Request-Method', 'POST');
      expect(skipped.status).toBe(404);
      expect(skipped.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('@Cors routes work without a module-level origin (no default origin)', async () => {
      @Controller('open')
      class OpenController {
        @Get()
        @Cors('https://partner.example')
        open() {
          return 'open';
        }

        @Get('closed')
        closed() {
          return 'closed';
        }
      }
      app = await createApp({ imports: [CorsModule.forRoot({})], controllers: [OpenController] }, adapter);
      expect((await http().get('/open').set('Origin', 'https://partner.example')).headers['access-control-allow-origin']).toBe(
        'https://partner.example',
      );
      expect((await http().get('/open/closed').set('Origin', 'https://partner.example')).status).toBe(403);
    });
  });
});
