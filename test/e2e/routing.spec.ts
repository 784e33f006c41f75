import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param, type INestApplication, type Type } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { Cors, CorsModule } from '../../lib/index.js';
import { ADAPTERS, createApp } from './adapters.js';
import { ADAPTER_NAMES, boot, MODULE_ORIGIN, originOf, send, type AppSpec, type Booted } from '../differential/harness.js';

/**
 * The repros of "apply the policy of the handler the adapter actually runs", one per bug, on
 * both adapters. Every handler answers its own name and allows only its own origin (see
 * ../differential/harness.ts), so a response tells which handler ran and which policy applied.
 */
describe.each(ADAPTER_NAMES)('routing as the adapter routes, on %s', (adapter) => {
  let booted: Booted | undefined;
  const start = async (spec: AppSpec): Promise<number> => {
    booted = await boot(spec, adapter, true);
    if (!booted.app) throw booted.error;
    return booted.port!;
  };
  afterEach(async () => {
    await (booted?.app as INestApplication | undefined)?.close();
    booted = undefined;
  });
  const preflight = (port: number, target: string, origin: string, method: string) =>
    send(port, 'OPTIONS', target, { origin, 'access-control-request-method': method });

  it("boots with the adapter's own route syntax and applies each handler's policy", async () => {
    const wildcard = adapter === 'fastify' ? '*' : '*path';
    const optional = adapter === 'fastify' ? ':id?' : '{/:id}';
    const numeric = adapter === 'fastify' ? ':id(^\\d+$)' : ':id';
    const port = await start({
      controllers: [
        { path: 'files', handlers: [{ method: 'GET', path: wildcard }] },
        { path: adapter === 'fastify' ? 'opt' : 'opt{/:id}', handlers: [{ method: 'GET', path: adapter === 'fastify' ? optional : '' }] },
        { path: 'num', handlers: [{ method: 'GET', path: numeric }] },
        { path: 'colon', handlers: [{ method: 'GET', path: adapter === 'fastify' ? 'a::b' : 'a\\:b' }] },
      ],
    });
    for (const [target, handler] of [
      ['/files/a/b', 'C0.h0'],
      ['/opt', 'C1.h0'],
      ['/opt/7', 'C1.h0'],
      ['/num/42', 'C2.h0'],
      ['/colon/a:b', 'C3.h0'],
    ]) {
      const response = await send(port, 'GET', target, { origin: originOf(handler) });
      expect([target, response.status, response.body, response.headers['access-control-allow-origin']]).toEqual([
        target,
        200,
        handler,
        originOf(handler),
      ]);
      expect((await preflight(port, target, originOf(handler), 'GET')).status).toBe(204);
    }
  });

  it('applies the policy of the route the adapter prefers when a parameter and a static path overlap', async () => {
    // `PUT :id` (allows C0.h0's origin) is declared before `PUT me` (C0.h1's): Express runs the
    // first registered, Fastify the static one, whatever the order.
    const port = await start({
      controllers: [
        {
          path: 'users',
          handlers: [
            { method: 'PUT', path: ':id' },
            { method: 'PUT', path: 'me' },
          ],
        },
      ],
    });
    const [serving, other] = adapter === 'express' ? ['C0.h0', 'C0.h1'] : ['C0.h1', 'C0.h0'];
    expect((await preflight(port, '/users/me', originOf(serving), 'PUT')).status).toBe(204);
    const request = await send(port, 'PUT', '/users/me', { origin: originOf(serving) });
    expect([request.status, request.body]).toEqual([200, serving]);
    expect((await preflight(port, '/users/me', originOf(other), 'PUT')).status).toBe(403);
    expect((await send(port, 'PUT', '/users/me', { origin: originOf(other) })).status).toBe(403);
  });

  it('routes percent-encoded and absolute-form request targets as the adapter does', async () => {
    const port = await start({
      controllers: [
        {
          path: '',
          handlers: [
            { method: 'POST', path: 'café' },
            { method: 'PUT', path: 'users/:id' },
            { method: 'PUT', path: 'users/me' },
          ],
        },
      ],
    });
    // Fastify decodes the path before routing; Express matches the encoded path as it is, so no
    // handler serves it there and the module options apply.
    const cafe = await send(port, 'POST', '/caf%C3%A9', { origin: originOf('C0.h0') });
    expect([cafe.status, cafe.body]).toEqual(adapter === 'fastify' ? [201, 'C0.h0'] : [403, expect.stringContaining('Forbidden')]);
    if (adapter === 'express') expect((await send(port, 'POST', '/caf%C3%A9', { origin: MODULE_ORIGIN })).status).toBe(404);
    const encoded = await send(port, 'PUT', '/users/%6De', { origin: originOf(adapter === 'fastify' ? 'C0.h2' : 'C0.h1') });
    expect([encoded.status, encoded.body]).toEqual([200, adapter === 'fastify' ? 'C0.h2' : 'C0.h1']);
    const absolute = await send(port, 'PUT', 'http://localhost/users/7', { origin: originOf('C0.h1') });
    expect([absolute.status, absolute.body]).toEqual([200, 'C0.h1']);
    expect((await send(port, 'PUT', 'http://localhost/users/7', { origin: originOf('C0.h2') })).status).toBe(403);
  });

  it('never lets a refused origin run a handler through an encoded path, even with unknownRoutes skip', async () => {
    booted = await boot({ controllers: [{ path: '', handlers: [{ method: 'POST', path: 'cats/:id' }] }] }, adapter, true, {
      unknownRoutes: 'skip',
    });
    const port = booted.port!;
    // Fastify serves /%63ats/1 with cats/:id, whose policy refuses the origin; Express serves
    // nothing there, which nest-cors leaves alone.
    const refused = await send(port, 'POST', '/%63ats/1', { origin: 'https://evil.test', 'content-type': 'text/plain' });
    expect(refused.status).toBe(adapter === 'fastify' ? 403 : 404);
    expect(refused.body).not.toBe('C0.h0');
  });

  it('lists in Access-Control-Allow-Methods no method whose own handler refuses the origin (@All beside a method route)', async () => {
    // Fastify takes no @All() beside a method route on one path; a DELETE route stands in for it.
    const port = await start({
      controllers: [
        {
          path: 'mixed',
          handlers: [
            { method: 'GET', path: 'one' },
            { method: 'PUT', path: 'one' },
            { method: adapter === 'express' ? 'ALL' : 'DELETE', path: 'one' },
          ],
        },
      ],
    });
    const answer = await preflight(port, '/mixed/one', originOf('C0.h2'), 'DELETE');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-methods']).toBe('DELETE');
    const put = await preflight(port, '/mixed/one', originOf('C0.h1'), 'PUT');
    expect(put.headers['access-control-allow-methods']).toBe('PUT');
    expect((await preflight(port, '/mixed/one', originOf('C0.h2'), 'PUT')).status).toBe(403);
  });
});

/** A module with its own `ItemsController` (every one has that class name) at `path`, allowing only `origin`. */
function itemsModule(path: string, origin: string): Type {
  @Cors(origin)
  @Controller(path)
  class ItemsController {
    @Get(':id')
    get(@Param('id') id: string) {
      return `${path} ${id}`;
    }
  }
  @Module({ controllers: [ItemsController] })
  class ItemsModule {}
  return ItemsModule;
}

describe.each(ADAPTERS)('controllers that share a class name, on %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("applies each one's own policy, though Nest names their routes alike", async () => {
    app = await createApp(
      {
        imports: [
          CorsModule.forRoot({ origin: MODULE_ORIGIN }),
          itemsModule('shop', 'https://shop.test'),
          itemsModule('admin', 'https://admin.test'),
        ],
      },
      adapter,
    );
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    for (const [area, other] of [
      ['shop', 'admin'],
      ['admin', 'shop'],
    ]) {
      const allowed = await send(port, 'GET', `/${area}/7`, { origin: `https://${area}.test` });
      expect([allowed.status, allowed.body, allowed.headers['access-control-allow-origin']]).toEqual([
        200,
        `${area} 7`,
        `https://${area}.test`,
      ]);
      expect((await send(port, 'GET', `/${area}/7`, { origin: `https://${other}.test` })).status).toBe(403);
      const preflight = await send(port, 'OPTIONS', `/${area}/7`, {
        origin: `https://${area}.test`,
        'access-control-request-method': 'GET',
      });
      expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([204, `https://${area}.test`]);
    }
  });
});
