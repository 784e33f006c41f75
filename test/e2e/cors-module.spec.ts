import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ADAPTERS, createApp } from './adapters.js';
import { handlerRuns } from './fixture/fixture.controllers.js';
import { configureFixture, fixtureModule } from './fixture/fixture.module.js';

const APP = 'https://app.example';
/** Access-Control-Allow-Methods as a sorted list: its order is not part of the contract. */
const methodSet = (header: string | undefined) =>
  (header ?? '')
    .split(',')
    .map((method) => method.trim())
    .filter(Boolean)
    .sort();
const EVIL = 'https://evil.example';

describe.each(ADAPTERS)('CorsModule on %s', (_name, adapter) => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const preflight = (path: string, origin: string, method: string, headers?: string) => {
    const call = http().options(path).set('Origin', origin).set('Access-Control-Request-Method', method);
    return headers === undefined ? call : call.set('Access-Control-Request-Headers', headers);
  };

  beforeAll(async () => {
    app = await createApp(fixtureModule(), adapter, configureFixture);
  });
  afterAll(() => app.close());
  beforeEach(() => handlerRuns.clear());

  describe('requests without Origin', () => {
    it('run the handler with no Access-Control-Allow-* headers but Vary: Origin', async () => {
      const res = await http().get('/api/v1/cats');
      expect(res.status).toBe(200);
      expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-allow'))).toEqual([]);
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    });

    it('treat a bare OPTIONS (no Access-Control-Request-Method) as a normal request for the app @Options handler', async () => {
      const res = await http().options('/api/v1/hooks');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ handledBy: 'app' });
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    });
  });

  describe('preflights', () => {
    it('are answered with the module policy before any guard, with every allowed method of the path', async () => {
      const res = await preflight('/api/v1/cats', APP, 'POST', 'content-type,x-request-id');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(methodSet(res.headers['access-control-allow-methods'])).toEqual(['GET', 'HEAD', 'POST']);
      expect(res.headers['access-control-allow-headers']).toBe('content-type,x-request-id');
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['access-control-expose-headers']).toBeUndefined();
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers.vary).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    });

    it('use the handler policy of the requested method (handler over controller over module)', async () => {
      const res = await preflight('/api/v1/cats/7', 'https://method.example', 'PUT');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://method.example');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-max-age']).toBe('10');
      expect(res.headers['access-control-allow-methods']).toBe('PUT');
    });

    it('refuse an origin the handler policy does not allow, even one the module allows', async () => {
      const res = await preflight('/api/v1/cats/7', APP, 'PUT');
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.text).toBe('CORS preflight rejected');
    });

    it('answer 403 for a method with no handler on a known path', async () => {
      const res = await preflight('/api/v1/cats', APP, 'DELETE');
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    });

    it('answer 403 for an origin that is not allowed, without running anything', async () => {
      const res = await preflight('/api/v1/cats', EVIL, 'POST');
      expect(res.status).toBe(403);
      expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });

    it('list only the methods whose policy allows the origin with the same credentials answer (per-method policies on one path)', async () => {
      const admin = await preflight('/api/v1/items/3', 'https://admin.example', 'DELETE');
      expect(admin.status).toBe(204);
      expect(methodSet(admin.headers['access-control-allow-methods'])).toEqual(['DELETE', 'PUT']);
      const publicOrigin = await preflight('/api/v1/items/3', 'https://anyone.example', 'DELETE');
      expect(publicOrigin.status).toBe(403);
      const read = await preflight('/api/v1/items/3', 'https://anyone.example', 'GET', 'x-custom');
      expect(read.status).toBe(204);
      expect(read.headers['access-control-allow-origin']).toBe('*');
      expect(read.headers['access-control-allow-credentials']).toBeUndefined();
      expect(methodSet(read.headers['access-control-allow-methods'])).toEqual(['GET', 'HEAD']);
    });

    it('emit a configured allowedHeaders list as configured and refuse headers outside it', async () => {
      const ok = await preflight('/api/v1/items/3', 'https://admin.example', 'PUT', 'content-type');
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-headers']).toBe('Content-Type, X-Request-Id');
      const refused = await preflight('/api/v1/items/3', 'https://admin.example', 'PUT', 'content-type,x-forbidden');
      expect(refused.status).toBe(403);
    });

    it('reach prefix-excluded routes, RouterModule paths and raw adapter routes', async () => {
      expect((await preflight('/health', APP, 'GET', 'x-probe')).status).toBe(204);
      const admin = await preflight('/api/v1/admin/users/5', 'https://admin.example', 'GET', 'x-probe');
      expect(admin.status).toBe(204);
      expect(admin.headers['access-control-allow-origin']).toBe('https://admin.example');
      const raw = await preflight('/raw-adapter-route', APP, 'GET', 'x-probe');
      expect(raw.status).toBe(204);
      expect(raw.headers['access-control-allow-origin']).toBe(APP);
    });

    it('give unknown paths the module defaults', async () => {
      const res = await preflight('/graphql', APP, 'POST', 'content-type');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, PUT, PATCH, POST, DELETE');
      expect((await preflight('/graphql', EVIL, 'POST', 'content-type')).status).toBe(403);
    });

    it('match wildcard-subdomain and RegExp origins, never the apex or look-alikes', async () => {
      expect((await preflight('/api/v1/cats', 'https://acme.tenant.example', 'POST')).status).toBe(204);
      expect((await preflight('/api/v1/cats', 'https://a.b.tenant.example', 'POST')).status).toBe(204);
      expect((await preflight('/api/v1/cats', 'https://tenant.example', 'POST')).status).toBe(403);
      expect((await preflight('/api/v1/cats', 'https://acme.tenant.example.evil.net', 'POST')).status).toBe(403);
      expect((await preflight('/api/v1/cats', 'http://acme.tenant.example', 'POST')).status).toBe(403);
      expect((await preflight('/api/v1/cats', 'https://preview-42.example', 'POST')).status).toBe(204);
      expect((await preflight('/api/v1/cats', 'https://preview-42.example.evil', 'POST')).status).toBe(403);
    });

    it('support async origin functions, and fail closed when one throws', async () => {
      const partner = await preflight('/api/v1/partners', 'https://partner.example', 'GET', 'authorization,x-anything');
      expect(partner.status).toBe(204);
      expect(partner.headers['access-control-allow-origin']).toBe('https://partner.example');
      expect(partner.headers['access-control-allow-headers']).toBe('authorization,x-anything');
      expect(partner.headers.vary).toMatch(/Origin/);
      expect((await preflight('/api/v1/partners', APP, 'GET', 'x-a')).status).toBe(403);
      expect((await preflight('/api/v1/partners/broken', 'https://partner.example', 'GET', 'x-a')).status).toBe(403);
    });

    it('refuse a @Cors(false) controller, and honour a handler that enables CORS under it', async () => {
      expect((await preflight('/api/v1/internal', APP, 'GET', 'x-a')).status).toBe(403);
      const shared = await preflight('/api/v1/internal/shared', 'https://partner.example', 'GET', 'x-a');
      expect(shared.status).toBe(204);
      expect(shared.headers['access-control-allow-credentials']).toBe('true');
    });

    it('pass on to the app @Options handler with preflightContinue, with optionsSuccessStatus and PNA', async () => {
      const res = await preflight('/api/v1/hooks', 'https://hooks.example', 'POST', 'content-type').set(
        'Access-Control-Request-Private-Network',
        'true',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ handledBy: 'app' });
      expect(res.headers['access-control-allow-origin']).toBe('https://hooks.example');
      expect(res.headers['access-control-allow-private-network']).toBe('true');
    });

    it('answer a private-network preflight normally, without the PNA header, where privateNetwork is off', async () => {
      const res = await preflight('/api/v1/cats', APP, 'POST').set('Access-Control-Request-Private-Network', 'true');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-private-network']).toBeUndefined();
    });

    it('match host-scoped controllers by Host', async () => {
      const tenant = await preflight('/api/v1/tenant', 'https://tenant-ui.example', 'GET', 'x-a').set('Host', 'acme.api.example');
      expect(tenant.status).toBe(204);
      const otherHost = await preflight('/api/v1/tenant', 'https://tenant-ui.example', 'GET', 'x-a').set('Host', 'localhost');
      expect(otherHost.status).toBe(403);
    });

    it('resolve URI versions and @All routes', async () => {
      expect((await preflight('/api/v2/legacy/v2-only', APP, 'GET', 'x-a')).status).toBe(204);
      const all = await preflight('/api/v1/legacy/anything', APP, 'PATCH', 'x-a');
      expect(all.status).toBe(204);
      expect(methodSet(all.headers['access-control-allow-methods'])).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
    });
  });

  describe('actual requests from an allowed origin', () => {
    it('carry ACAO, ACAC, exposed headers and Vary: Origin', async () => {
      const res = await http().get('/api/v1/cats').set('Origin', APP);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-expose-headers']).toBe('X-Total-Count');
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    });

    it('keep CORS headers on a 401 from an app auth guard that runs first', async () => {
      const res = await http().get('/api/v1/private').set('Origin', APP);
      expect(res.status).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(handlerRuns.get('private.secret')).toBeUndefined();
    });

    it.each([
      ['a thrown exception (500)', '/api/v1/cats/boom/error', 500],
      ['an unknown path (404)', '/api/v1/nowhere', 404],
      ['a redirect (302)', '/api/v1/cats/redirect/me', 302],
      ['a StreamableFile download', '/api/v1/cats/files/download', 200],
      ['an @Res() response', '/api/v1/cats/raw/response', 200],
      ['a prefix-excluded route', '/health', 200],
      ['a raw adapter route', '/raw-adapter-route', 200],
    ])('keep CORS headers on %s', async (_label, path, status) => {
      const res = await http().get(path).set('Origin', APP);
      expect(res.status).toBe(status);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    });

    it('keep CORS headers on an @Sse stream', async () => {
      const res = await http()
        .get('/api/v1/cats/events/stream')
        .set('Origin', APP)
        .buffer(true)
        .parse((response, done) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => done(null, body));
        });
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(String(res.body)).toContain('"index":1');
    });

    it('keep the handler own Vary and append Origin to it', async () => {
      const res = await http().get('/api/v1/cats/vary/own').set('Origin', APP);
      expect(res.headers.vary).toMatch(/Accept-Encoding/);
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    });

    it('send ACAO * without credentials where the policy is *, with Vary: Origin since same-origin and refused requests get other answers', async () => {
      const res = await http().get('/api/v1/items/3').set('Origin', 'https://anyone.example');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toBe('Origin');
    });
  });

  describe('actual requests from a disallowed origin', () => {
    it('get 403 without CORS headers, and the handler never runs', async () => {
      const res = await http().post('/api/v1/cats').set('Origin', EVIL);
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBe(undefined);
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
      expect(handlerRuns.get('cats.create')).toBeUndefined();
    });

    it('are refused on a @Cors(false) controller and when the origin function throws', async () => {
      expect((await http().get('/api/v1/internal').set('Origin', APP)).status).toBe(403);
      expect(handlerRuns.get('internal.status')).toBeUndefined();
      expect((await http().get('/api/v1/partners/broken').set('Origin', 'https://partner.example')).status).toBe(403);
      expect(handlerRuns.get('partners.broken')).toBeUndefined();
    });

    it('are refused before the app guards run, so an auth-guarded route answers 403, not 401', async () => {
      const res = await http().get('/api/v1/private').set('Origin', EVIL);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: 'Cross-origin request rejected by CORS policy', error: 'Forbidden', statusCode: 403 });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('are refused on paths Nest does not know', async () => {
      const res = await http().get('/raw-adapter-route').set('Origin', EVIL);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it.each([
      ['Origin: null', 'null'],
      ['an upper-case origin', 'HTTPS://APP.EXAMPLE'],
      ['two origins in one header', `${APP}, ${EVIL}`],
      ['an origin with a path', `${APP}/`],
      ['an oversized origin', `https://${'a'.repeat(2000)}.example`],
    ])('treat %s as disallowed, never reflected', async (_label, origin) => {
      const res = await http().get('/api/v1/cats').set('Origin', origin);
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('same-origin requests', () => {
    it('are never rejected: browsers send Origin on same-origin POSTs', async () => {
      const server = app.getHttpServer();
      const res = await request(server).post('/api/v1/cats').set('Host', 'api.local:8080').set('Origin', 'http://api.local:8080');
      expect(res.status).toBe(201);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const defaultPort = await request(server).post('/api/v1/cats').set('Host', 'api.local').set('Origin', 'http://api.local');
      expect(defaultPort.status).toBe(201);
    });

    it('compare the scheme too: https://host is another origin than this plain-HTTP server at host', async () => {
      handlerRuns.clear();
      const res = await request(app.getHttpServer()).post('/api/v1/cats').set('Host', 'api.local').set('Origin', 'https://api.local');
      expect(res.status).toBe(403);
      expect(handlerRuns.get('cats.create')).toBeUndefined();
    });

    it('ignore X-Forwarded-Host unless the adapter trusts proxies', async () => {
      const res = await http()
        .post('/api/v1/cats')
        .set('Host', 'internal:3000')
        .set('X-Forwarded-Host', 'evil.example')
        .set('Origin', EVIL);
      expect(res.status).toBe(403);
    });
  });
});
