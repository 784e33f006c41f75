import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { NotesService } from '../../sample/notes/notes.service.js';
import {
  ADAPTERS,
  actualRequests,
  fetchFrom,
  fetchFromSandboxedIframe,
  launchChromium,
  openPage,
  preflights,
  useSampleStack,
} from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

describe.each(ADAPTERS)('requests without preflight, in Chromium (%s)', (adapter) => {
  const suite = useSampleStack(adapter, () => browser);

  it('lets the allowed origin read a simple GET without a preflight', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes');

    const result = await fetchFrom(page, url);

    expect(result).toMatchObject({ blocked: false, status: 200 });
    expect(JSON.parse(result.blocked ? '' : result.body)).toEqual(
      expect.arrayContaining([expect.objectContaining({ text: 'Buy oat milk' })]),
    );
    expect(preflights(suite.stack.received(callId))).toHaveLength(0);
  });

  it('shows scripts the exposed headers and hides the others', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const result = await fetchFrom(page, suite.stack.url('/api/notes').url);

    expect(result.blocked).toBe(false);
    const headers = result.blocked ? {} : result.headers;
    expect(headers['x-total-count']).toMatch(/^\d+$/);
    expect(headers['x-request-id']).toMatch(/^\d+$/);
    expect(headers['content-type']).toContain('application/json');
    // Sent by the API, but not listed in exposedHeaders.
    expect(headers['x-backend']).toBeUndefined();
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });

  it('blocks a simple GET from a disallowed origin, which the API refuses with 403', async () => {
    const page = await openPage(suite.context, suite.stack.other.origin);
    const { url, callId } = suite.stack.url('/api/notes');

    const result = await fetchFrom(page, url);

    expect(result).toEqual({ blocked: true, error: 'TypeError: Failed to fetch' });
    expect(suite.stack.received(callId)).toEqual([
      expect.objectContaining({ method: 'GET', origin: suite.stack.other.origin, status: 403 }),
    ]);
  });

  it('blocks a form-like POST from a disallowed origin before the handler creates a note', async () => {
    const page = await openPage(suite.context, suite.stack.other.origin);
    const notes = suite.stack.app.get(NotesService);
    const countBefore = notes.list().length;
    const { url, callId } = suite.stack.url('/api/notes');

    // A text/plain body needs no preflight, so this request does reach the server.
    const result = await fetchFrom(page, url, { method: 'POST', body: 'cross-site note' });

    expect(result.blocked).toBe(true);
    expect(actualRequests(suite.stack.received(callId))).toEqual([expect.objectContaining({ method: 'POST', status: 403 })]);
    expect(notes.list()).toHaveLength(countBefore);
  });

  it('lets the allowed origin read a 500 from a throwing handler, status and body', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const result = await fetchFrom(page, suite.stack.url('/api/diagnostics/error').url);

    expect(result).toMatchObject({ blocked: false, status: 500 });
    expect(JSON.parse(result.blocked ? '' : result.body)).toEqual({
      statusCode: 500,
      message: 'Simulated failure',
      error: 'Internal Server Error',
    });
  });

  it('lets the allowed origin read a 404 for a path Nest does not know', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const result = await fetchFrom(page, suite.stack.url('/api/no-such-route').url);

    expect(result).toMatchObject({ blocked: false, status: 404 });
    expect(JSON.parse(result.blocked ? '' : result.body)).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('does not serve one origin the cached copy made for another (Vary: Origin)', async () => {
    const pageA = await openPage(suite.context, suite.stack.allowed.origin);
    const pageB = await openPage(suite.context, suite.stack.other.origin);
    const { url, callId } = suite.stack.url('/api/catalog');

    const first = await fetchFrom(pageA, url);
    const repeated = await fetchFrom(pageA, url);
    expect(first).toMatchObject({ blocked: false, status: 200 });
    expect(repeated).toMatchObject({ blocked: false, status: 200 });
    // The repeat came from the browser's HTTP cache: the response really is cacheable.
    expect(suite.stack.received(callId)).toHaveLength(1);

    const fromB = await fetchFrom(pageB, url);

    expect(fromB).toMatchObject({ blocked: false, status: 200 });
    expect(suite.stack.received(callId).map((entry) => entry.origin)).toEqual([suite.stack.allowed.origin, suite.stack.other.origin]);
  });

  it('lets scripts read a StreamableFile download and its file name', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const result = await fetchFrom(page, suite.stack.url('/api/files/notes.csv').url);

    expect(result).toMatchObject({ blocked: false, status: 200 });
    if (result.blocked) return;
    expect(result.body.split('\n')[0]).toBe('id,text');
    expect(result.body).toContain('"Buy oat milk"');
    expect(result.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(result.headers['content-disposition']).toBe('attachment; filename="notes.csv"');
  });

  it('blocks a @Cors(false) route for every other origin, while servers without Origin still use it', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const fromBrowser = await fetchFrom(page, suite.stack.url('/api/internal/metrics').url);
    const fromServer = await fetch(suite.stack.url('/api/internal/metrics').url);

    expect(fromBrowser.blocked).toBe(true);
    expect(fromServer.status).toBe(200);
    expect(await fromServer.json()).toHaveProperty('notes');
  });

  it('accepts a same-origin POST from a page the API serves itself', async () => {
    const page = await openPage(suite.context, suite.stack.apiUrl);
    const { url, callId } = suite.stack.url('/api/notes');
    const sameOriginPath = url.slice(suite.stack.apiUrl.length);

    const result = await fetchFrom(page, sameOriginPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Posted from the API origin' }),
    });

    expect(result).toMatchObject({ blocked: false, status: 201 });
    // Browsers send Origin on same-origin POSTs; it is not in CORS_ORIGINS, yet nothing is rejected.
    expect(suite.stack.received(callId)).toEqual([
      expect.objectContaining({ method: 'POST', origin: suite.stack.apiUrl, preflight: false, status: 201 }),
    ]);
    expect(suite.stack.app.get(NotesService).list()).toContainEqual(expect.objectContaining({ text: 'Posted from the API origin' }));
  });

  it('blocks a sandboxed iframe (Origin: null) on routes that do not list null', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes');

    const result = await fetchFromSandboxedIframe(page, url);

    expect(result.blocked).toBe(true);
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ origin: 'null', status: 403 })]);
  });

  it("lets a sandboxed iframe read a route whose origins list 'null'", async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/catalog');

    const result = await fetchFromSandboxedIframe(page, url);

    expect(result).toMatchObject({ blocked: false, status: 200 });
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ origin: 'null', status: 200 })]);
  });
});
