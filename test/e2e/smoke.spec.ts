import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Put, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Cors, CorsModule } from '../../lib/index.js';
import { ADAPTERS, createApp } from './adapters.js';

@Controller('cats')
class CatsController {
  @Get() list() { return ['tom']; }
  @Put(':id') @Cors('https://method.example') update() { return { ok: true }; }
}

describe.each(ADAPTERS)('smoke (%s)', (_name, adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp({ imports: [CorsModule.forRoot({ origin: ['https://app.example'] })], controllers: [CatsController] }, adapter);
  });
  afterAll(() => app.close());

  it('answers a preflight', async () => {
    const res = await request(app.getHttpServer()).options('/cats').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
  });
  it('answers a PUT preflight with the handler policy', async () => {
    const res = await request(app.getHttpServer()).options('/cats/1').set('Origin', 'https://method.example').set('Access-Control-Request-Method', 'PUT');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://method.example');
  });
  it('sets headers on GET and rejects others', async () => {
    const ok = await request(app.getHttpServer()).get('/cats').set('Origin', 'https://app.example');
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    const no = await request(app.getHttpServer()).get('/cats').set('Origin', 'https://evil.example');
    expect(no.status).toBe(403);
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
  });
});
