import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ADAPTERS, launchChromium, openPage, useSampleStack } from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

/** What a page's script gets from a WebSocket: the echoed message, or that the socket never opened. */
function echoFrom(page: Page, url: string): Promise<{ opened: boolean; echoed: string | null }> {
  return page.evaluate(
    (url) =>
      new Promise<{ opened: boolean; echoed: string | null }>((resolve) => {
        const socket = new (globalThis as unknown as { WebSocket: new (url: string) => BrowserSocket }).WebSocket(url);
        let opened = false;
        socket.onopen = () => {
          opened = true;
          socket.send(JSON.stringify({ event: 'echo', data: 'hello' }));
        };
        socket.onmessage = (event) => {
          socket.close();
          resolve({ opened, echoed: event.data });
        };
        socket.onclose = () => resolve({ opened, echoed: null });
      }),
    url,
  );
}

interface BrowserSocket {
  onopen: (() => void) | null;
  onmessage: ((event: { data: string }) => void) | null;
  onclose: (() => void) | null;
  send(data: string): void;
  close(): void;
}

describe.each(ADAPTERS)('a WebSocket gateway, in Chromium (%s)', (adapter) => {
  const suite = useSampleStack(adapter, () => browser);
  const socketUrl = () => {
    const { url, callId } = suite.stack.url('/api/ws');
    return { url: url.replace(/^http/, 'ws'), callId };
  };

  it('lets a page on the allowed origin connect and exchange a message', async () => {
    const page = await openPage(suite.context, suite.stack.allowed.origin);
    const { url, callId } = socketUrl();
    expect(await echoFrom(page, url)).toEqual({ opened: true, echoed: JSON.stringify({ event: 'echo', data: 'hello' }) });
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ origin: suite.stack.allowed.origin, gatewayConnected: true })]);
  });

  it("refuses a page on another origin before the gateway's connection handler runs", async () => {
    const page = await openPage(suite.context, suite.stack.other.origin);
    const { url, callId } = socketUrl();
    expect(await echoFrom(page, url)).toEqual({ opened: false, echoed: null });
    expect(suite.stack.received(callId)).toEqual([expect.objectContaining({ origin: suite.stack.other.origin, gatewayConnected: false })]);
  });
});
