import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  ADAPTERS,
  actualRequests,
  fetchFrom,
  type FetchResult,
  launchChromium,
  openPage,
  readEventStream,
  useSampleStack,
} from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

describe.each(ADAPTERS)('cookies and credentials, in Chromium (%s)', (adapter) => {
  const suite = useSampleStack(adapter, () => browser);

  function logInFrom(page: Page, name: string): Promise<FetchResult> {
    return fetchFrom(page, suite.stack.url('/api/auth/login').url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    });
  }

  async function logInOnServer(name: string): Promise<string> {
    const response = await fetch(`${suite.stack.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  it('stores the session cookie set by a credentialed login and sends it back', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const login = await logInFrom(page, 'ada');
    const { url, callId } = suite.stack.url('/api/auth/me');
    const me = await fetchFrom(page, url, { credentials: 'include' });

    expect(login).toMatchObject({ blocked: false, status: 200 });
    expect(await suite.context.cookies(suite.stack.apiUrl)).toEqual([expect.objectContaining({ name: 'sid', httpOnly: true })]);
    expect(me).toMatchObject({ blocked: false, status: 200 });
    expect(JSON.parse(me.blocked ? '' : me.body)).toEqual({ user: { name: 'ada' } });
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ hadCookie: true, status: 200 })]);
  });

  it("keeps the cookie home without credentials: 'include', and the auth guard's 401 is readable", async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    await logInFrom(page, 'ada');
    const { url, callId } = suite.stack.url('/api/auth/me');

    const result = await fetchFrom(page, url);

    expect(result).toMatchObject({ blocked: false, status: 401 });
    expect(JSON.parse(result.blocked ? '' : result.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ hadCookie: false, status: 401 })]);
  });

  it('refuses a credentialed login from a disallowed origin before any cookie is set', async () => {
    const page = await openPage(suite.context, suite.stack.other.origin);
    const { url, callId } = suite.stack.url('/api/auth/login');

    const result = await fetchFrom(page, url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'mallory' }),
    });

    expect(result.blocked).toBe(true);
    expect(actualRequests(suite.stack.received(callId))).toHaveLength(0);
    expect(await suite.context.cookies(suite.stack.apiUrl)).toEqual([]);
  });

  it('blocks a credentialed read of a public origin-* route, which never allows credentials', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);

    const withCookies = await fetchFrom(page, suite.stack.url('/api/notes/1').url, { credentials: 'include' });
    const withoutCookies = await fetchFrom(page, suite.stack.url('/api/notes/1').url);

    expect(withCookies.blocked).toBe(true);
    expect(withoutCookies).toMatchObject({ blocked: false, status: 200 });
  });

  it('streams server-sent events to an EventSource with credentials', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    await logInFrom(page, 'ada');
    const { url, callId } = suite.stack.url('/api/events');

    const messages = await readEventStream(page, url, 3);

    expect(messages).toEqual([
      { tick: 1, user: 'ada' },
      { tick: 2, user: 'ada' },
      { tick: 3, user: 'ada' },
    ]);
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ hadCookie: true, status: 200 })]);
  });

  it("gives a disallowed origin no events from a logged-in user's stream, though the cookie is sent", async () => {
    const token = await logInOnServer('ada');
    await suite.context.addCookies([{ name: 'sid', value: token, url: suite.stack.apiUrl }]);
    const page = await openPage(suite.context, suite.stack.other.origin);
    const { url, callId } = suite.stack.url('/api/events');

    const messages = await readEventStream(page, url, 3);

    expect(messages).toEqual([]);
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ hadCookie: true, status: 403 })]);
  });
});
