import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module';
import { send } from './http';

const ALLOWED = 'http://allowed.test';
const varyList = (vary: string | undefined): string[] => (vary ?? '').split(',').map((v) => v.trim().toLowerCase());

async function createApp(adapter: 'express' | 'fastify'): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  if (adapter === 'fastify') {
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  }
  const app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  await app.init();
  return app;
}

describe.each(['express', 'fastify'] as const)('nest-cors in a Nest 11 CommonJS app on %s', (adapter) => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await createApp(adapter);
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads the CommonJS build of nest-cors', () => {
    const resolved = require.resolve('nest-cors');
    expect(resolved).toMatch(/[\\/]node_modules[\\/]nest-cors[\\/]dist[\\/]cjs[\\/]index\.js$/);
  });

  it('gives an allowed origin Access-Control-Allow-Origin and Vary: Origin', async () => {
    const res = await send(port, 'GET', '/items', { Origin: ALLOWED });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(varyList(res.headers.vary)).toContain('origin');
    expect(JSON.parse(res.body)).toEqual({ items: ['a', 'b'] });
  });

  it('allows a subdomain of a "*." pattern, checked against the Public Suffix List', async () => {
    const res = await send(port, 'GET', '/items', { Origin: 'https://api.partners.test' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://api.partners.test');
  });

  it('answers a preflight with 204 and Access-Control-Allow-Methods', async () => {
    const res = await send(port, 'OPTIONS', '/items', { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    const methods = String(res.headers['access-control-allow-methods'] ?? '')
      .split(',')
      .map((m) => m.trim());
    expect(methods).toContain('GET');
  });

  it('rejects a disallowed origin with 403 and no CORS headers', async () => {
    const res = await send(port, 'GET', '/items', { Origin: 'http://evil.test' });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves a request without Origin normally, without CORS headers', async () => {
    const res = await send(port, 'GET', '/items');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('applies a handler-level @Cors() policy', async () => {
    const partner = await send(port, 'GET', '/items/partner', { Origin: 'http://partner.test' });
    expect(partner.status).toBe(200);
    expect(partner.headers['access-control-allow-origin']).toBe('http://partner.test');
    const moduleOrigin = await send(port, 'GET', '/items/partner', { Origin: ALLOWED });
    expect(moduleOrigin.status).toBe(403);
    expect(moduleOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });
});
