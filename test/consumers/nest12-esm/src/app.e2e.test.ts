import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { send } from './http.js';

const ALLOWED = 'http://allowed.test';
const varyList = (vary: string | undefined): string[] => (vary ?? '').split(',').map((v) => v.trim().toLowerCase());

const adapters: Array<[string, () => Promise<INestApplication>]> = [
  ['express', () => NestFactory.create(AppModule, new ExpressAdapter(), { logger: false })],
  [
    'fastify',
    async () => {
      const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      return app;
    },
  ],
];

for (const [name, create] of adapters) {
  describe(`nest-cors in a Nest 12 ESM app on ${name}`, () => {
    let app: INestApplication;
    let port: number;

    before(async () => {
      app = await create();
      await app.listen(0, '127.0.0.1');
      port = (app.getHttpServer().address() as AddressInfo).port;
    });
    after(async () => {
      await app?.close();
    });

    it('gives an allowed origin Access-Control-Allow-Origin and Vary: Origin', async () => {
      const res = await send(port, 'GET', '/items', { Origin: ALLOWED });
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
      assert.ok(varyList(res.headers.vary).includes('origin'), `vary: ${res.headers.vary}`);
      assert.deepEqual(JSON.parse(res.body), { items: ['a', 'b'] });
    });

    it('answers a preflight with 204 and Access-Control-Allow-Methods', async () => {
      const res = await send(port, 'OPTIONS', '/items', { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' });
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
      const methods = String(res.headers['access-control-allow-methods'] ?? '')
        .split(',')
        .map((m) => m.trim());
      assert.ok(methods.includes('GET'), `access-control-allow-methods: ${res.headers['access-control-allow-methods']}`);
    });

    it('allows a subdomain of a "*." pattern, checked against the Public Suffix List', async () => {
      const res = await send(port, 'GET', '/items', { Origin: 'https://api.partners.test' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], 'https://api.partners.test');
    });

    it('rejects a disallowed origin with 403 and no CORS headers', async () => {
      const res = await send(port, 'GET', '/items', { Origin: 'http://evil.test' });
      assert.equal(res.status, 403);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });

    it('serves a request without Origin normally, without CORS headers', async () => {
      const res = await send(port, 'GET', '/items');
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });

    it('applies a handler-level @Cors() policy', async () => {
      const partner = await send(port, 'GET', '/items/partner', { Origin: 'http://partner.test' });
      assert.equal(partner.status, 200);
      assert.equal(partner.headers['access-control-allow-origin'], 'http://partner.test');
      const moduleOrigin = await send(port, 'GET', '/items/partner', { Origin: ALLOWED });
      assert.equal(moduleOrigin.status, 403);
      assert.equal(moduleOrigin.headers['access-control-allow-origin'], undefined);
    });
  });
}
