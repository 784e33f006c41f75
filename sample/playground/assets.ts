import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** What the page needs to know about where it runs; rendered into index.html. */
export interface PageSettings {
  /** Base URL of the API, or '' when the page is served by the API itself. */
  apiUrl: string;
  /** 'allowed': the page origin is in CORS_ORIGINS; 'other': it is not; 'same-origin': served by the API. */
  kind: 'allowed' | 'other' | 'same-origin';
}

export const PLAYGROUND_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'playground.js': 'text/javascript; charset=utf-8',
  'playground.css': 'text/css; charset=utf-8',
} as const;

export type PlaygroundFile = keyof typeof PLAYGROUND_FILES;

// Run from source, the page files sit next to this module; the compiled copy runs from
// dist-sample/sample/playground/ while the files stay in sample/playground/.
const candidates = [new URL('./', import.meta.url), new URL('../../../sample/playground/', import.meta.url)];
const assetsDir = candidates.find((dir) => existsSync(new URL('index.html', dir))) ?? candidates[0];

export async function readPlaygroundFile(name: PlaygroundFile, settings: PageSettings): Promise<string> {
  const text = await readFile(new URL(name, assetsDir), 'utf8');
  if (name !== 'index.html') return text;
  const json = JSON.stringify(settings).replaceAll('<', '\\u003c');
  return text.replace('<!-- page settings -->', `<script>window.PLAYGROUND = ${json};</script>`);
}
