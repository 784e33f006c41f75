import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { CorsModule } from '../../lib/index.js';
import { startPlaygroundSite, type PlaygroundSite } from '../../sample/playground/site.js';
import { tokensController } from '../e2e/fixture/tokens.controller.js';
import { ADAPTERS, fetchFrom, launchChromium, openPage } from './harness.js';

/** What reached the API, in order: `OPTIONS <ACRM>` for preflights, `<METHOD>` for the rest. */
const received: string[] = [];
const handlerRuns: string[] = [];

const TokensController = tokensController(handlerRuns);

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

describe.each(ADAPTERS)("the browser's preflight cache never runs a handler its policy refuses, in Chromium (%s)", (adapter) => {
  let site: PlaygroundSite;
  let api: INestApplication;
  let apiUrl: string;
  let context: BrowserContext;

  beforeAll(async () => {
    site = await startPlaygroundSite({ port: 0, kind: 'allowed' });
    const module = {
      module: class TokensAppModule {},
      imports: [CorsModule.forRoot({ origin: [site.origin], credentials: true, maxAge: 600 })],
      controllers: [TokensController],
    };
    api = await NestFactory.create(module, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
    await api.listen(0);
    const server = api.getHttpServer() as Server;
    // The API's own request log, ahead of everything the app runs.
    server.prependListener('request', (request) => {
      const method = request.headers['access-control-request-method'];
      received.push(request.method === 'OPTIONS' && typeof method === 'string' ? `OPTIONS ${method}` : String(request.method));
    });
    apiUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api.close();
    await site.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    received.length = 0;
    handlerRuns.length = 0;
  });
  afterEach(async () => {
    await context.close();
  });

  it('a credentialed PUT with X-Token, then a DELETE with the same: the DELETE is preflighted, refused, and its handler never runs', async () => {
    const page = await openPage(context, site.origin);
    const init = { credentials: 'include' as const, headers: { 'X-Token': 'secret' } };
    const put = await fetchFrom(page, `${apiUrl}/tokens/1`, { ...init, method: 'PUT' });
    expect(put).toMatchObject({ blocked: false, status: 200 });
    const del = await fetchFrom(page, `${apiUrl}/tokens/1`, { ...init, method: 'DELETE' });
    expect(del).toMatchObject({ blocked: true });
    expect(received).toEqual(['OPTIONS PUT', 'PUT', 'OPTIONS DELETE']);
    expect(handlerRuns).toEqual(['update']);
  });

  it('a DELETE its own policy allows still goes through, preflighted', async () => {
    const page = await openPage(context, site.origin);
    const del = await fetchFrom(page, `${apiUrl}/tokens/2`, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(del).toMatchObject({ blocked: false, status: 200 });
    expect(received).toEqual(['OPTIONS DELETE', 'DELETE']);
    expect(handlerRuns).toEqual(['remove']);
  });
});
