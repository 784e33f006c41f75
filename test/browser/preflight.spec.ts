import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { NotesService } from '../../sample/notes/notes.service.js';
import {
  ADAPTERS,
  actualRequests,
  fetchFrom,
  type FetchInit,
  launchChromium,
  openPage,
  preflights,
  type SampleStack,
  useSampleStack,
  STRICT_CORS_FEATURE,
} from './harness.js';

const jsonPut = (text: string): FetchInit => ({
  method: 'PUT',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ text }),
});

let browser: Browser;
let strictBrowser: Browser;

beforeAll(async () => {
  [browser, strictBrowser] = await Promise.all([launchChromium(), launchChromium(STRICT_CORS_FEATURE)]);
});

afterAll(async () => {
  await Promise.all([browser.close(), strictBrowser.close()]);
});

describe.each(ADAPTERS)('preflighted requests, in Chromium (%s)', (adapter) => {
  const suite = useSampleStack(adapter, () => browser);

  it('preflights a JSON PUT, then sends it and lets the page read the result', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes/put-json');

    const result = await fetchFrom(page, url, jsonPut('Edited in the browser'));

    expect(result).toMatchObject({ blocked: false, status: 200 });
    expect(JSON.parse(result.blocked ? '' : result.body)).toMatchObject({ id: 'put-json', text: 'Edited in the browser' });
    expect(suite.stack.received(callId)).toEqual([
      expect.objectContaining({ method: 'OPTIONS', accessControlRequestMethod: 'PUT', status: 204 }),
      expect.objectContaining({ method: 'PUT', status: 200 }),
    ]);
  });

  it('stops a JSON PUT from a disallowed origin at the preflight, so the PUT is never sent', async () => {
    const page = await openPage(suite.context, suite.stack.other.origin);
    const { url, callId } = suite.stack.url('/api/notes/1');

    const result = await fetchFrom(page, url, jsonPut('Overwritten from elsewhere'));

    expect(result.blocked).toBe(true);
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ method: 'OPTIONS', status: 403 })]);
    expect(suite.stack.app.get(NotesService).find('1')?.text).toBe('Buy oat milk');
  });

  it('accepts a custom header listed in allowedHeaders after a preflight', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes');

    const result = await fetchFrom(page, url, { headers: { 'X-Client-Version': '2.1.0' } });

    expect(result).toMatchObject({ blocked: false, status: 200 });
    expect(preflights(suite.stack.received(callId))).toEqual([
      expect.objectContaining({ accessControlRequestHeaders: 'x-client-version', status: 204 }),
    ]);
  });

  it('refuses a header outside allowedHeaders at the preflight, so the request is never sent', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes/refused-header');

    const result = await fetchFrom(page, url, { ...jsonPut('never stored'), headers: { 'X-Debug': '1' } });

    expect(result.blocked).toBe(true);
    expect(suite.stack.received(callId)).toEqual([
      expect.objectContaining({ method: 'OPTIONS', accessControlRequestHeaders: 'x-debug', status: 403 }),
    ]);
    expect(suite.stack.app.get(NotesService).find('refused-header')).toBeUndefined();
  });

  it('answers the preflight of an Authorization request without asking the auth guard', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const token = await logIn(suite.stack, 'grace');
    const { url, callId } = suite.stack.url('/api/auth/me');

    const result = await fetchFrom(page, url, { headers: { Authorization: `Bearer ${token}` } });

    expect(result).toMatchObject({ blocked: false, status: 200 });
    expect(JSON.parse(result.blocked ? '' : result.body)).toEqual({ user: { name: 'grace' } });
    // The preflight carries no credentials; had the guard seen it, it would have answered 401.
    expect(suite.stack.received(callId)).toEqual([
      expect.objectContaining({ preflight: true, hadAuthorization: false, status: 204 }),
      expect.objectContaining({ method: 'GET', hadAuthorization: true, status: 200 }),
    ]);
  });

  it('does not preflight PUTs to the same URL again within maxAge, even past the 5 s browser default', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes/max-age');

    const first = await fetchFrom(page, url, jsonPut('first'));
    const second = await fetchFrom(page, url, jsonPut('second'));
    // Without Access-Control-Max-Age Chromium keeps a preflight result for 5 s; maxAge is 600 s.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const third = await fetchFrom(page, url, jsonPut('third'));

    expect([first, second, third]).toMatchObject([{ status: 200 }, { status: 200 }, { status: 200 }]);
    expect(preflights(suite.stack.received(callId))).toHaveLength(1);
    expect(actualRequests(suite.stack.received(callId))).toHaveLength(3);
  });

  it('preflights again in a new browser suite.context, which starts with an empty preflight cache', async () => {
    const { url, callId } = suite.stack.url('/api/notes/new-context');
    await fetchFrom(await openPage(suite.context, suite.stack.allowed.origin), url, jsonPut('first context'));
    const otherContext = await browser.newContext();

    try {
      const result = await fetchFrom(await openPage(otherContext, suite.stack.allowed.origin), url, jsonPut('second context'));
      expect(result).toMatchObject({ blocked: false, status: 200 });
    } finally {
      await otherContext.close();
    }

    expect(preflights(suite.stack.received(callId))).toHaveLength(2);
  });

  it('needs one preflight for PUT, DELETE and PUT again on one URL', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = suite.stack.url('/api/notes/alternating');

    const results = [
      await fetchFrom(page, url, jsonPut('created')),
      await fetchFrom(page, url, { method: 'DELETE' }),
      await fetchFrom(page, url, jsonPut('created again')),
    ];

    expect(results).toMatchObject([{ status: 200 }, { status: 204 }, { status: 200 }]);
    // The first preflight's Access-Control-Allow-Methods listed both methods; Chromium keeps
    // one cache entry per URL and would otherwise re-preflight each time the method changes.
    expect(preflights(suite.stack.received(callId))).toHaveLength(1);
  });

  describe('per-method policies on /api/notes/:id', () => {
    it('lets the admin origin DELETE a note', async () => {
      suite.stack.app.get(NotesService).upsert('admin-delete', 'to be deleted');
      const page = await openPage(suite.context, suite.stack.allowed.origin);

      const result = await fetchFrom(page, suite.stack.url('/api/notes/admin-delete').url, { method: 'DELETE' });

      expect(result).toMatchObject({ blocked: false, status: 204 });
      expect(suite.stack.app.get(NotesService).find('admin-delete')).toBeUndefined();
    });

    it('stops a DELETE from a non-admin origin at the preflight, and the note survives', async () => {
      suite.stack.app.get(NotesService).upsert('kept', 'must survive');
      const page = await openPage(suite.context, suite.stack.other.origin);
      const { url, callId } = suite.stack.url('/api/notes/kept');

      const result = await fetchFrom(page, url, { method: 'DELETE' });

      expect(result.blocked).toBe(true);
      expect(suite.stack.received(callId)).toEqual([
        expect.objectContaining({ method: 'OPTIONS', accessControlRequestMethod: 'DELETE', status: 403 }),
      ]);
      expect(suite.stack.app.get(NotesService).find('kept')).toMatchObject({ text: 'must survive' });
    });

    it('lets that same non-admin origin GET the note on the same path', async () => {
      const page = await openPage(suite.context, suite.stack.other.origin);

      const result = await fetchFrom(page, suite.stack.url('/api/notes/1').url);

      expect(result).toMatchObject({ blocked: false, status: 200 });
      expect(JSON.parse(result.blocked ? '' : result.body)).toMatchObject({ id: '1', text: 'Buy oat milk' });
    });
  });

  describe(`spec-strict Chromium (${STRICT_CORS_FEATURE})`, () => {
    let strictContext: BrowserContext;

    beforeEach(async () => {
      strictContext = await strictBrowser.newContext();
    });

    afterEach(async () => {
      await strictContext.close();
    });

    it("accepts Authorization under allowedHeaders '*', because the library lists it by name", async () => {
      const page = await openPage(strictContext, suite.stack.allowed.origin);
      const token = await logIn(suite.stack, 'linus');

      const result = await fetchFrom(page, suite.stack.url('/api/auth/me').url, {
        headers: { Authorization: `Bearer ${token}`, 'X-Trace': 'abc' },
      });

      expect(result).toMatchObject({ blocked: false, status: 200 });
      expect(JSON.parse(result.blocked ? '' : result.body)).toEqual({ user: { name: 'linus' } });
    });

    it('accepts a custom header from an explicit allowedHeaders list', async () => {
      const page = await openPage(strictContext, suite.stack.allowed.origin);

      const result = await fetchFrom(page, suite.stack.url('/api/notes/strict').url, {
        ...jsonPut('strict mode'),
        headers: { 'Content-Type': 'application/json', 'X-Client-Version': '2.1.0' },
      });

      expect(result).toMatchObject({ blocked: false, status: 200 });
    });
  });
});

/** Opens a session the way a server-side client would, and returns its bearer token. */
async function logIn(stack: SampleStack, name: string): Promise<string> {
  const response = await fetch(`${stack.apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return ((await response.json()) as { token: string }).token;
}
