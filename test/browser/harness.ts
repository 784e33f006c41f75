import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createSampleApp, type SampleApp } from '../../sample/app.factory.js';
import type { SampleAdapter } from '../../sample/config.js';
import { type JournalEntry, RequestJournal } from '../../sample/diagnostics/request-journal.js';
import { startPlaygroundSite, type PlaygroundSite } from '../../sample/playground/site.js';

export const ADAPTERS: SampleAdapter[] = ['express', 'fastify'];

/** Spec-strict Chromium: `Access-Control-Allow-Headers: *` no longer covers Authorization. */
export const STRICT_CORS_FEATURE = '--enable-features=CorsNonWildcardRequestHeadersSupport';

/**
 * Debian's Chromium, never a downloaded one. Playwright adds --headless, --no-sandbox (needed as
 * root) and a fresh profile. Never use page.route()/context.route() in these tests: while
 * interception is on, Playwright answers CORS preflights itself.
 */
export function launchChromium(...extraArgs: string[]): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * The sample API on http://localhost:<C> plus two page origins: `allowed` (http://localhost:<A>,
 * the only entry of CORS_ORIGINS and ADMIN_ORIGINS) and `other` (http://localhost:<B>, not allowed).
 */
export interface SampleStack {
  app: SampleApp;
  journal: RequestJournal;
  apiUrl: string;
  allowed: PlaygroundSite;
  other: PlaygroundSite;
  /** A URL on the API tagged with a call id never used before, so no cache (preflight or HTTP) knows it. */
  url(path: string): { url: string; callId: string };
  /** What the API received for one call: preflights and actual requests. */
  received(callId: string): JournalEntry[];
  close(): Promise<void>;
}

let callCounter = 0;

/**
 * Registers the hooks every browser suite needs: the sample stack on `adapter` for the whole
 * suite, and a fresh browser context for each test (the preflight cache belongs to the context).
 */
export function useSampleStack(
  adapter: SampleAdapter,
  browser: () => Browser,
): { readonly stack: SampleStack; readonly context: BrowserContext } {
  let stack: SampleStack | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    stack = await startSampleStack(adapter);
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    context = await browser().newContext();
  });
  afterEach(async () => {
    await context?.close();
  });
  return {
    get stack() {
      return stack!;
    },
    get context() {
      return context!;
    },
  };
}

export async function startSampleStack(adapter: SampleAdapter): Promise<SampleStack> {
  const allowed = await startPlaygroundSite({ port: 0, kind: 'allowed' });
  const other = await startPlaygroundSite({ port: 0, kind: 'other' });
  const savedEnv = { CORS_ORIGINS: process.env.CORS_ORIGINS, ADMIN_ORIGINS: process.env.ADMIN_ORIGINS };
  process.env.CORS_ORIGINS = allowed.origin;
  process.env.ADMIN_ORIGINS = allowed.origin;

  const app = await createSampleApp(adapter, { silent: true });
  await app.listen(0);
  const apiUrl = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
  allowed.apiUrl = apiUrl;
  other.apiUrl = apiUrl;
  const journal = app.get(RequestJournal);

  return {
    app,
    journal,
    apiUrl,
    allowed,
    other,
    url(path) {
      const callId = `${adapter}-${++callCounter}`;
      return { url: `${apiUrl}${path}?call=${callId}`, callId };
    },
    received: (callId) => journal.forCall(callId),
    async close() {
      await app.close();
      await Promise.all([allowed.close(), other.close()]);
      for (const [name, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/** Opens a page on `origin` (the playground, told not to run its own calls). */
export async function openPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/?run=manual`);
  return page;
}

/** What a page script gets from fetch(): a readable response, or a TypeError when the browser blocks it. */
export type FetchResult =
  { blocked: false; status: number; body: string; headers: Record<string, string> } | { blocked: true; error: string };

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  credentials?: 'omit' | 'same-origin' | 'include';
}

export function fetchFrom(page: Page, url: string, init: FetchInit = {}): Promise<FetchResult> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const response = await fetch(url, init);
        return {
          blocked: false as const,
          status: response.status,
          body: await response.text(),
          headers: Object.fromEntries(response.headers),
        };
      } catch (error) {
        return { blocked: true as const, error: String(error) };
      }
    },
    { url, init },
  );
}

/** Like {@link fetchFrom}, but from an `<iframe sandbox="allow-scripts">`, whose origin is `null`. */
export function fetchFromSandboxedIframe(page: Page, url: string): Promise<FetchResult> {
  return page.evaluate(async (url) => {
    const window = globalThis as unknown as BrowserWindow;
    const frame = window.document.createElement('iframe');
    frame.sandbox = 'allow-scripts';
    frame.srcdoc = `<script>
      fetch(${JSON.stringify(url)}).then(
        async (r) => parent.postMessage({ blocked: false, status: r.status, body: await r.text(), headers: {} }, '*'),
        (e) => parent.postMessage({ blocked: true, error: String(e) }, '*'));
    </script>`;
    const result = new Promise<FetchResult>((resolve) =>
      window.addEventListener('message', (event) => resolve(event.data as FetchResult), { once: true }),
    );
    window.document.body.append(frame);
    return result;
  }, url);
}

/** The messages an `EventSource` delivers (up to `count`), or none if the browser refuses the stream. */
export function readEventStream(page: Page, url: string, count: number): Promise<unknown[]> {
  return page.evaluate(
    ({ url, count }) =>
      new Promise<unknown[]>((resolve) => {
        const window = globalThis as unknown as BrowserWindow;
        const source = new window.EventSource(url, { withCredentials: true });
        const messages: unknown[] = [];
        const finish = () => {
          source.close();
          resolve(messages);
        };
        source.onmessage = (event) => {
          messages.push(JSON.parse(event.data));
          if (messages.length === count) finish();
        };
        // Fired when the browser refuses the response; a refused stream never delivers a message.
        source.onerror = finish;
      }),
    { url, count },
  );
}

/** The few browser APIs used above: the project compiles without the DOM lib. */
interface BrowserWindow {
  document: {
    createElement(tag: 'iframe'): { sandbox: string; srcdoc: string };
    body: { append(node: unknown): void };
  };
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void, options: { once: boolean }): void;
  EventSource: new (
    url: string,
    init: { withCredentials: boolean },
  ) => { onmessage: ((event: { data: string }) => void) | null; onerror: (() => void) | null; close(): void };
}

export function preflights(entries: JournalEntry[]): JournalEntry[] {
  return entries.filter((entry) => entry.preflight);
}

export function actualRequests(entries: JournalEntry[]): JournalEntry[] {
  return entries.filter((entry) => !entry.preflight);
}
