import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Put, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CorsModule } from '../../lib/index.js';

const APP = 'https://app.example';
const MAX_HEADER_SIZE = 256 * 1024;
let handlerRuns = 0;

@Controller('things')
class ThingsController {
  @Get()
  list() {
    handlerRuns++;
    return ['thing'];
  }

  @Put(':id')
  update() {
    handlerRuns++;
    return { updated: true };
  }
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  elapsedMs: number;
}

/** Sends one request with raw header lines (repeats allowed), to a server accepting large headers. */
function send(port: number, method: string, path: string, headers: [string, string][]): Promise<Reply> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: [['Host', `127.0.0.1:${port}`], ...headers].flat(),
        maxHeaderSize: MAX_HEADER_SIZE,
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            elapsedMs: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });
}

/** Both adapters, each behind a Node server whose header limit is raised so hostile headers reach the app. */
const SERVERS = [
  [
    'express',
    async (app: INestApplication) => createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app.getHttpAdapter().getInstance()),
    () => new ExpressAdapter(),
  ],
  [
    'fastify',
    async (app: INestApplication) => {
      await (app.getHttpAdapter().getInstance() as { ready(): Promise<void> }).ready();
      return app.getHttpServer() as Server;
    },
    () =>
      new FastifyAdapter({
        serverFactory: (handler: Parameters<typeof createServer>[1]) => createServer({ maxHeaderSize: MAX_HEADER_SIZE }, handler),
      }),
  ],
] as const;

describe.each(SERVERS)('hostile and malformed input on %s', (_name, serverOf, adapter) => {
  let app: INestApplication;
  let server: Server;
  let port: number;
  const preflight = (origin: string, extra: [string, string][] = [], requestMethod = 'PUT') =>
    send(port, 'OPTIONS', '/things/1', [['Origin', origin], ['Access-Control-Request-Method', requestMethod], ...extra]);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CorsModule.forRoot({ origin: [APP, 'https://*.tenant.example'], credentials: true })],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication(adapter(), { logger: false });
    await app.init();
    server = await serverOf(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });

  const assertRefusedQuickly = (reply: Reply) => {
    expect(reply.status).toBe(403);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.elapsedMs).toBeLessThan(1000);
  };

  it.each([
    ['an 8 KiB Origin', `https://${'a'.repeat(8 * 1024)}.example`],
    ['a non-ASCII origin', 'https://exämple.example'],
    ['a percent-encoded origin', 'https://app%2Eexample'],
    ['Origin: null', 'null'],
    ['a file:// origin', 'file://'],
    ['an upper-case origin', 'HTTPS://APP.EXAMPLE'],
    ['an origin with userinfo', 'https://user@app.example'],
    ['an allowed origin with a suffix', 'https://app.example.evil.net'],
    ['a subdomain look-alike', 'https://tenant.example'],
  ])('refuses a preflight with %s, without reflecting it', async (_label, origin) => {
    assertRefusedQuickly(await preflight(origin));
  });

  it('refuses an Origin sent twice', async () => {
    assertRefusedQuickly(
      await send(port, 'OPTIONS', '/things/1', [
        ['Origin', APP],
        ['Origin', APP],
        ['Access-Control-Request-Method', 'PUT'],
      ]),
    );
    const actual = await send(port, 'GET', '/things', [
      ['Origin', APP],
      ['Origin', 'https://evil.example'],
    ]);
    expect(actual.status).toBe(403);
  });

  it.each([
    ['a 64 KiB Access-Control-Request-Headers', `x-${'a'.repeat(64 * 1024)}`],
    ['a comma flood', ','.repeat(60 * 1024)],
    ['thousands of names', Array.from({ length: 5000 }, (_, i) => `x-h${i}`).join(',')],
    ['a header name with forbidden characters', 'x-ok,x bad'],
    ['a header name with a colon', 'x-a:b'],
  ])('refuses a preflight with %s in bounded time', async (_label, value) => {
    assertRefusedQuickly(await preflight(APP, [['Access-Control-Request-Headers', value]]));
  });

  it('refuses a lower-case patch in Access-Control-Request-Method (methods are case-sensitive)', async () => {
    assertRefusedQuickly(await preflight(APP, [], 'patch'));
  });

  it('keeps serving after the flood, and never ran a handler for it', async () => {
    handlerRuns = 0;
    await Promise.all(Array.from({ length: 50 }, () => preflight(APP, [['Access-Control-Request-Headers', ','.repeat(60 * 1024)]])));
    expect(handlerRuns).toBe(0);
    const ok = await send(port, 'GET', '/things', [['Origin', APP]]);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(handlerRuns).toBe(1);
  });
});
