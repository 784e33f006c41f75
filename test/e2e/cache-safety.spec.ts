import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Header,
  HttpException,
  Options,
  Put,
  Res,
  Version,
  VersioningType,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Cors, CorsModule, type CorsModuleOptions } from '../../lib/index.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';
import { tokensController } from './fixture/tokens.controller.js';

const A = 'https://a.example';
const X = 'https://x.example';
const EVIL = 'https://evil.example';
const PREFLIGHT_VARY = ['origin', 'access-control-request-method', 'access-control-request-headers'];

/** The field names of a Vary header, lower case. */
const varyNames = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);

/** Both adapters' response objects take `header(name, value)` and `send(body)`. */
interface RawReply {
  header(name: string, value: string): unknown;
  send(body: string): unknown;
}

const handlerRuns: string[] = [];

@Controller('raw')
class RawController {
  @Get('own-vary')
  ownVary(@Res() response: RawReply) {
    response.header('Vary', 'Accept');
    response.send('raw');
  }

  @Get('own-allow-origin')
  @Header('Access-Control-Allow-Origin', '*')
  ownAllowOrigin() {
    return 'own';
  }

  @Get('passthrough-error')
  passthroughError(@Res({ passthrough: true }) response: RawReply) {
    response.header('Vary', 'Accept');
    throw new HttpException('teapot', 418);
  }
}

@Controller('versioned')
class VersionedController {
  @Get()
  @Version('1')
  @Cors({ origin: '*' })
  @Header('Vary', 'X-Version')
  v1() {
    return { version: 1 };
  }

  @Get()
  @Version('2')
  @Cors({ origin: X, credentials: true })
  @Header('Vary', 'X-Version')
  v2() {
    handlerRuns.push('v2');
    return { version: 2 };
  }
}

@Controller('continued')
@Cors({ origin: A, preflightContinue: true })
class ContinuedController {
  @Put()
  put() {
    return { put: true };
  }

  @Options()
  @Header('Vary', 'X-Custom')
  options() {
    return { handledBy: 'app' };
  }
}

const TokensController = tokensController(handlerRuns);

@Controller('same')
class SameOriginController {
  @Put()
  put() {
    handlerRuns.push('same');
    return { put: true };
  }
}

describe.each(ADAPTERS)('cache-safe and honest answers on %s', (name, adapter) => {
  let app: INestApplication | undefined;
  const http = () => request(app!.getHttpServer());
  afterEach(async () => {
    await app?.close();
    app = undefined;
    handlerRuns.length = 0;
  });
  const start = async (
    controllers: Type[],
    options: CorsModuleOptions,
    factory: AdapterFactory = adapter,
    configure?: (app: INestApplication) => void,
  ) => {
    app = await createApp({ imports: [CorsModule.forRoot(options)], controllers }, factory, configure);
  };

  describe('Vary: Origin whatever sets Vary', () => {
    it('on an @Res() response whose handler sets Vary through the response object', async () => {
      await start([RawController], { origin: A, credentials: true });
      const res = await http().get('/raw/own-vary').set('Origin', A);
      expect(res.text).toBe('raw');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(varyNames(res.headers.vary)).toEqual(['accept', 'origin']);
    });

    it("keeps a handler's own Access-Control-Allow-Origin and adds the policy's other headers and Vary", async () => {
      await start([RawController], { origin: A, credentials: true });
      const res = await http().get('/raw/own-allow-origin').set('Origin', A);
      expect(res.text).toBe('own');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(varyNames(res.headers.vary)).toEqual(['origin']);
    });

    it('on the error of a passthrough handler that set Vary and then threw', async () => {
      await start([RawController], { origin: A, credentials: true });
      const res = await http().get('/raw/passthrough-error').set('Origin', A);
      expect(res.status).toBe(418);
      expect(res.headers['access-control-allow-origin']).toBe(A);
      expect(varyNames(res.headers.vary)).toContain('origin');
    });

    it("on header-versioned handlers where one allows '*': refusals and unrejected answers vary by Origin too", async () => {
      const versioning = (nest: INestApplication) => nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' });
      await start([VersionedController], {}, adapter, versioning);
      const refused = await http().get('/versioned').set('Origin', EVIL).set('X-Version', '2');
      expect(refused.status).toBe(403);
      expect(varyNames(refused.headers.vary)).toContain('origin');
      expect(handlerRuns).toEqual([]);
      await app!.close();
      await start([VersionedController], { rejectDisallowedOrigins: false }, adapter, versioning);
      const unrejected = await http().get('/versioned').set('Origin', EVIL).set('X-Version', '2');
      expect(unrejected.status).toBe(200);
      expect(unrejected.headers['access-control-allow-origin']).toBeUndefined();
      expect(varyNames(unrejected.headers.vary)).toEqual(['x-version', 'origin']);
      const allowed = await http().get('/versioned').set('Origin', X).set('X-Version', '2');
      expect(allowed.headers['access-control-allow-origin']).toBe(X);
      expect(varyNames(allowed.headers.vary)).toEqual(['x-version', 'origin']);
    });

    it("on a preflight continued to the app's @Options() handler that sets its own Vary", async () => {
      await start([ContinuedController], {});
      const res = await http().options('/continued').set('Origin', A).set('Access-Control-Request-Method', 'PUT');
      expect(res.body).toEqual({ handledBy: 'app' });
      expect(res.headers['access-control-allow-origin']).toBe(A);
      expect(varyNames(res.headers.vary)).toEqual(['x-custom', ...PREFLIGHT_VARY]);
    });
  });

  describe('preflight answers hold under the browser’s preflight cache', () => {
    const options: CorsModuleOptions = { origin: [A], credentials: true, maxAge: 600 };

    it('a PUT preflight announces neither DELETE (its handler sends no credentials) nor, for caching, a header DELETE refuses', async () => {
      await start([TokensController], options);
      const put = await http()
        .options('/tokens/1')
        .set('Origin', A)
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'x-token');
      expect(put.status).toBe(204);
      expect(put.headers['access-control-allow-methods']).toBe('PUT');
      expect(put.headers['access-control-allow-headers']).toBe('x-token');
      expect(put.headers['access-control-allow-credentials']).toBe('true');
      // DELETE refuses X-Token: announced for this PUT only, never cached for the URL.
      expect(put.headers['access-control-max-age']).toBe('0');
      const plain = await http().options('/tokens/1').set('Origin', A).set('Access-Control-Request-Method', 'PUT');
      expect(plain.headers['access-control-max-age']).toBe('600');
      expect(plain.headers['access-control-allow-headers']).toBeUndefined();
      const del = await http()
        .options('/tokens/1')
        .set('Origin', A)
        .set('Access-Control-Request-Method', 'DELETE')
        .set('Access-Control-Request-Headers', 'x-token');
      expect(del.status).toBe(403);
    });

    it('a successful 204 preflight carries no Content-Length (RFC 9110 §8.6); a 200 one says 0', async () => {
      await start([TokensController], options);
      const res = await http().options('/tokens/1').set('Origin', A).set('Access-Control-Request-Method', 'PUT');
      expect(res.status).toBe(204);
      expect(res.headers['content-length']).toBeUndefined();
      await app!.close();
      await start([TokensController], { ...options, optionsSuccessStatus: 200 });
      const ok = await http().options('/tokens/1').set('Origin', A).set('Access-Control-Request-Method', 'PUT');
      expect(ok.status).toBe(200);
      expect(ok.headers['content-length']).toBe('0');
    });
  });

  describe('same-origin detection compares scheme, host and port', () => {
    const trusting: AdapterFactory = name === 'express' ? () => new ExpressAdapter() : () => new FastifyAdapter({ trustProxy: true });
    const trustExpress = (nest: INestApplication) => {
      if (name === 'express') (nest.getHttpAdapter().getInstance() as { set(key: string, value: unknown): void }).set('trust proxy', true);
    };

    it('refuses https://host on a plain-HTTP server at host: another origin', async () => {
      await start([SameOriginController], { origin: [A] });
      const res = await http().put('/same').set('Host', 'api.test').set('Origin', 'https://api.test');
      expect(res.status).toBe(403);
      expect(handlerRuns).toEqual([]);
    });

    it('sends no CORS headers to a same-origin request, even from a listed origin', async () => {
      await start([SameOriginController], { origin: ['http://api.test', A] });
      const res = await http().put('/same').set('Host', 'api.test').set('Origin', 'http://api.test');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(varyNames(res.headers.vary)).toContain('origin');
    });

    it('takes the scheme from X-Forwarded-Proto only where the adapter trusts proxies', async () => {
      await start([SameOriginController], { origin: [A] }, trusting, trustExpress);
      const behindProxy = await http().put('/same').set('Host', 'a.example').set('X-Forwarded-Proto', 'https').set('Origin', A);
      expect(behindProxy.status).toBe(200);
      expect(behindProxy.headers['access-control-allow-origin']).toBeUndefined();
      await app!.close();
      await start([SameOriginController], { origin: [A] });
      const untrusted = await http().put('/same').set('Host', 'a.example').set('X-Forwarded-Proto', 'https').set('Origin', A);
      expect(untrusted.status).toBe(200);
      expect(untrusted.headers['access-control-allow-origin']).toBe(A);
    });
  });
});
