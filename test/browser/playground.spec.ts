import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADAPTERS, launchChromium, useSampleStack } from './harness.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

interface Row {
  outcome: string;
  status: string;
  apiSide: string;
}

/** Opens the playground, lets it run every call and returns its table, row by row. */
async function runPlayground(context: BrowserContext, pageUrl: string): Promise<Record<string, Row>> {
  const page: Page = await context.newPage();
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-state="done"]', { timeout: 20_000 });
  const rows = await page.$$eval('tr[data-call]', (elements) =>
    elements.map((row) => ({
      call: row.getAttribute('data-call') ?? '',
      outcome: row.getAttribute('data-outcome') ?? '',
      status: row.getAttribute('data-status') ?? '',
      apiSide: row.lastElementChild?.textContent ?? '',
    })),
  );
  return Object.fromEntries(rows.map(({ call, ...row }) => [call, row]));
}

describe.each(ADAPTERS)('the playground page, in Chromium (%s)', (adapter) => {
  const suite = useSampleStack(adapter, () => browser);

  it('shows every call succeeding from the allowed origin, except the @Cors(false) route', async () => {
    const rows = await runPlayground(suite.context, `${suite.stack.allowed.origin}/`);

    expect(Object.fromEntries(Object.entries(rows).map(([call, row]) => [call, `${row.outcome} ${row.status}`]))).toEqual({
      'simple-get': 'allowed 200',
      login: 'allowed 200',
      cookie: 'allowed 200',
      'put-json': 'allowed 200',
      'custom-header': 'allowed 200',
      authorization: 'allowed 200',
      unauthorized: 'allowed 401',
      'public-get': 'allowed 200',
      'admin-delete': 'allowed 204',
      'refused-header': 'blocked ',
      'refused-method': 'blocked ',
      'missing-credentials': 'blocked ',
      catalog: 'allowed 200',
      'server-error': 'allowed 500',
      'not-found': 'allowed 404',
      'cors-disabled': 'blocked ',
      events: 'allowed ',
      websocket: 'allowed ',
      download: 'allowed 200',
    });
    expect(rows['put-json'].apiSide).toMatch(/OPTIONS \/api\/notes\/\S+ → 204\s*preflight/);
    expect(rows['cors-disabled'].apiSide).toContain('InternalController.metrics: CORS disabled (@Cors(false))');
  });

  it("shows why a refused call failed on every run, from the API's X-Cors-Rejection header", async () => {
    for (let run = 0; run < 2; run++) {
      const rows = await runPlayground(suite.context, `${suite.stack.allowed.origin}/`);
      expect(rows['refused-header'].apiSide).toContain('X-Cors-Rejectionheader x-debug-token not allowed');
      expect(rows['refused-method'].apiSide).toContain('X-Cors-Rejectionmethod PUT not allowed (allowed: GET)');
      expect(rows['missing-credentials'].apiSide).toContain('X-Cors-Rejectioncredentials not allowed for this route');
      expect(rows['cors-disabled'].apiSide).toContain('X-Cors-RejectionCORS is disabled here (@Cors(false))');
    }
  });

  it('shows the other origin blocked everywhere except the public routes, with the reason', async () => {
    const rows = await runPlayground(suite.context, `${suite.stack.other.origin}/`);

    const allowed = Object.keys(rows).filter((call) => rows[call].outcome === 'allowed');
    expect(allowed).toEqual(['public-get', 'catalog']);
    expect(Object.keys(rows)).toHaveLength(19);
    expect(rows['simple-get'].apiSide).toContain(`${suite.stack.other.origin} may not GET here.`);
    expect(rows['admin-delete'].apiSide).toMatch(/OPTIONS \/api\/notes\/\S+ → 403/);
  });

  it('shows every call succeeding on the page the API serves itself, where nothing is cross-origin', async () => {
    const rows = await runPlayground(suite.context, `${suite.stack.apiUrl}/`);

    expect(Object.values(rows).map((row) => row.outcome)).toEqual(Array(19).fill('allowed'));
    expect(rows['cors-disabled'].status).toBe('200');
  });
});
