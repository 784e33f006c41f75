import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Put, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Cors, CorsConfigurationError, CorsModule, CorsService } from '../../lib/index.js';
import { ADAPTERS, createApp, type AdapterFactory } from './adapters.js';
import { LogCapture } from './log-capture.js';

const lookups: string[] = [];
const tenants = new Set(['https://acme.example']);

@Controller('tenants')
@Cors({ origin: async (origin: string) => (lookups.push(origin), tenants.has(origin)) })
class TenantsController {
  @Get() list() {
    return ['tenant'];
  }

  @Get('slow')
  @Cors({ origin: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 500)) })
  slow() {
    return ['slow'];
  }

  @Get('rejecting')
  @Cors({ origin: () => Promise.reject(new Error('config service unreachable')) })
  rejecting() {
    return ['never'];
  }

  @Get('sloppy')
  @Cors({ origin: (() => 'yes') as unknown as () => boolean })
  sloppy() {
    return ['never'];
  }
}

@Controller('shop')
class ShopController {
  @Get() list() {
    return ['item'];
  }
  @Put(':id') @Cors({ methods: ['PUT'], maxAge: 30 }) update() {
    return { ok: true };
  }
}

describe.each(ADAPTERS)('dynamic origins, reconfiguration and explain mode on %s', (_name, adapter: AdapterFactory) => {
  let app: INestApplication | undefined;
  let logs: LogCapture;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    lookups.length = 0;
  });
  const start = async (options: Parameters<typeof CorsModule.forRoot>[0]) => {
    logs = new LogCapture();
    app = await createApp({ imports: [CorsModule.forRoot(options)], controllers: [TenantsController, ShopController] }, adapter, (nest) =>
      nest.useLogger(logs),
    );
    return app;
  };
  const http = () => request(app!.getHttpServer());

  describe('origin functions', () => {
    it('fail closed on a timeout, a rejection or a non-boolean, answer the request, and log each reason once', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        await start({ originTimeout: 50 });
        for (const path of ['slow', 'rejecting', 'sloppy', 'rejecting']) {
          const res = await http().get(`/tenants/${path}`).set('Origin', 'https://acme.example');
          expect(res.status).toBe(403);
          expect(res.headers['access-control-allow-origin']).toBeUndefined();
        }
        expect(logs.find('warn', 'TenantsController.slow took longer than 50 ms')).toHaveLength(1);
        expect(logs.find('warn', 'TenantsController.rejecting rejected: config service unreachable')).toHaveLength(1);
        expect(logs.find('warn', 'TenantsController.sloppy returned string, not a boolean')).toHaveLength(1);
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('cache decisions within a bounded cache when asked to', async () => {
      await start({ originCache: { max: 2, ttl: 60_000 } });
      for (let i = 0; i < 3; i++) await http().get('/tenants').set('Origin', 'https://acme.example');
      expect(lookups).toEqual(['https://acme.example']);
      for (const origin of ['https://b.example', 'https://c.example', 'https://acme.example'])
        await http().get('/tenants').set('Origin', origin);
      expect(lookups).toEqual(['https://acme.example', 'https://b.example', 'https://c.example', 'https://acme.example']);
    });

    it('are called on every request without a cache', async () => {
      await start({});
      for (let i = 0; i < 2; i++) await http().get('/tenants').set('Origin', 'https://acme.example');
      expect(lookups).toHaveLength(2);
    });
  });

  describe('CorsService', () => {
    it('swaps the allow-list at run time, and keeps the old one when the new one is invalid', async () => {
      await start({ origin: ['https://old.example'] });
      const cors = app!.get(CorsService);
      expect((await http().get('/shop').set('Origin', 'https://old.example')).status).toBe(200);
      await cors.setOrigins(['https://new.example']);
      expect((await http().get('/shop').set('Origin', 'https://old.example')).status).toBe(403);
      const preflight = await http().options('/shop/1').set('Origin', 'https://new.example').set('Access-Control-Request-Method', 'PUT');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-max-age']).toBe('30');
      await expect(cors.setOrigins(['https://bad.example/'])).rejects.toThrow(CorsConfigurationError);
      expect((await http().get('/shop').set('Origin', 'https://new.example')).status).toBe(200);
    });

    it('never mixes policies within a request: concurrent swaps see one allow-list or the other', async () => {
      await start({ origin: ['https://a.example'] });
      const cors = app!.get(CorsService);
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          if (i % 5 === 0) void cors.setOrigins(i % 10 === 0 ? ['https://b.example'] : ['https://a.example']);
          const origin = i % 2 === 0 ? 'https://a.example' : 'https://b.example';
          const res = await http().get('/shop').set('Origin', origin);
          return { status: res.status, acao: res.headers['access-control-allow-origin'], origin };
        }),
      );
      for (const { status, acao, origin } of results) {
        expect(status === 200 ? acao === origin : acao === undefined && status === 403).toBe(true);
      }
    });

    it('answers what policy applies to METHOD PATH and whether an origin would be allowed', async () => {
      await start({ origin: ['https://a.example'], credentials: true });
      const cors = app!.get(CorsService);
      expect(cors.policyFor('PUT', '/shop/9')).toEqual({
        handlers: ['ShopController.update'],
        options: [{ origin: ['https://a.example'], credentials: true, methods: ['PUT'], maxAge: 30 }],
      });
      expect(cors.policyFor('GET', '/unknown')?.handlers).toEqual(['CorsModule options']);
      expect(await cors.isAllowed('https://a.example', 'PUT', '/shop/9')).toBe(true);
      expect(await cors.isAllowed('https://a.example', 'GET', '/tenants')).toBe(false);
      expect(cors.policyFor('DELETE', '/shop/9')?.handlers).toEqual(['CorsModule options']);
      expect(await cors.isAllowed('https://evil.example', 'GET', '/shop')).toBe(false);
      expect(await cors.isAllowed('https://acme.example', 'GET', '/tenants')).toBe(true);
    });
  });

  describe('explain mode (debug: true)', () => {
    it('lists every route with its effective policy at startup', async () => {
      await start({ origin: ['https://a.example'], debug: true });
      expect(
        logs.find('debug', 'Mapped {/shop/:id, PUT} ShopController.update: origin https://a.example, methods PUT, maxAge 30'),
      ).toHaveLength(1);
      expect(logs.find('debug', 'Mapped {/tenants, GET} TenantsController.list: origin function')).toHaveLength(1);
    });

    it('logs each rejection once per origin, route and reason, naming the failing rule', async () => {
      await start({ origin: ['https://a.example'], debug: true });
      for (let i = 0; i < 3; i++) {
        await http().options('/shop/1').set('Origin', 'https://x.example').set('Access-Control-Request-Method', 'PUT');
        await http().options('/shop/1').set('Origin', 'https://a.example').set('Access-Control-Request-Method', 'DELETE');
        await http().get('/shop').set('Origin', 'https://x.example');
      }
      expect(
        logs.find('debug', 'Rejected preflight PUT /shop/1 from https://x.example: origin not allowed (policy ShopController.update)'),
      ).toHaveLength(1);
      expect(
        logs.find('debug', 'Rejected preflight DELETE /shop/1 from https://a.example: no handler for method DELETE on this path'),
      ).toHaveLength(1);
      expect(
        logs.find('debug', 'Rejected request GET /shop from https://x.example: origin not allowed (policy ShopController.list)'),
      ).toHaveLength(1);
    });

    it('caps the lines a flood of distinct origins can write', async () => {
      await start({ origin: ['https://a.example'], debug: true });
      await Promise.all(Array.from({ length: 60 }, (_, i) => http().get('/shop').set('Origin', `https://attacker-${i}.example`)));
      expect(logs.find('debug', 'Rejected request GET /shop').length).toBeLessThanOrEqual(20);
    });

    it('logs nothing about decisions without debug', async () => {
      await start({ origin: ['https://a.example'] });
      await http().get('/shop').set('Origin', 'https://x.example');
      expect(logs.find('debug', 'Rejected')).toEqual([]);
    });
  });
});
