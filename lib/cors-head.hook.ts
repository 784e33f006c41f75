// Completes the response head with CORS headers and Vary when it is written.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { appendVary } from './core/vary.js';

const VARY_NAMES = Symbol('nest-cors:vary');
const HEADER_LINES = Symbol('nest-cors:header-lines');
const WRITE_HEAD = Symbol('nest-cors:write-head');

type HookedResponse = ServerResponse & {
  [VARY_NAMES]: string | undefined;
  [HEADER_LINES]: readonly string[] | undefined;
  [WRITE_HEAD]: ServerResponse['writeHead'] | undefined;
};

/**
 * Makes sure the response's `Vary` lists `names` when its head is written, whatever set `Vary`
 * before and however (the handler, `@Header()`, `@Res()`, a filter, an interceptor, a stream, an
 * error, the adapter's own reply object): every response head of both adapters goes through
 * `writeHead`, which Node calls for implicit heads too.
 */
export function varyOnWriteHead(response: ServerResponse, names: string): void {
  const hooked = hook(response);
  if (!hooked) return;
  const current = hooked[VARY_NAMES];
  hooked[VARY_NAMES] = current === undefined || current === names ? names : appendVary(current, names);
}

/**
 * Adds the header lines (`[name, value, …]`) to the response head when it is written, each unless
 * the app set a header of that name itself (its own value wins, as a later `setHeader` would).
 * A second call replaces the lines of the first. Written with the head, they go in the headers
 * object Fastify hands to `writeHead`, so Node takes its head as given instead of re-setting
 * every header one by one.
 */
export function headersOnWriteHead(response: ServerResponse, lines: readonly string[]): void {
  const hooked = hook(response);
  if (hooked) hooked[HEADER_LINES] = lines;
}

/**
 * The response with `writeHead` hooked, once per response: one shared function and three
 * properties set in one order (one hidden class), no closure per request. `undefined` when the
 * head is already written.
 */
function hook(response: ServerResponse): HookedResponse | undefined {
  const hooked = response as HookedResponse;
  if (hooked[WRITE_HEAD] !== undefined) return hooked;
  if (response.headersSent) return undefined;
  hooked[VARY_NAMES] = undefined;
  hooked[HEADER_LINES] = undefined;
  hooked[WRITE_HEAD] = response.writeHead;
  response.writeHead = writeHeadWithCors as ServerResponse['writeHead'];
  return hooked;
}

function writeHeadWithCors(this: HookedResponse, statusCode: number, reason?: unknown, headers?: unknown): ServerResponse {
  const given = (typeof reason === 'string' ? headers : reason) as OutgoingHttpHeaders | readonly unknown[] | undefined;
  const record = given && !Array.isArray(given) ? (given as OutgoingHttpHeaders) : undefined;
  const lines = this[HEADER_LINES];
  if (lines !== undefined) {
    for (let i = 0; i < lines.length; i += 2) {
      const name = lines[i];
      if (this.hasHeader(name) || (record !== undefined && keyOf(record, name) !== undefined)) continue;
      if (record !== undefined) record[name] = lines[i + 1];
      else this.setHeader(name, lines[i + 1]);
    }
  }
  const names = this[VARY_NAMES];
  if (names !== undefined) {
    const key = record === undefined ? undefined : keyOf(record, 'Vary');
    if (key !== undefined) record![key] = appendVary(record![key], names);
    else if (record !== undefined) record.Vary = appendVary(this.getHeader('Vary'), names);
    else this.setHeader('Vary', appendVary(this.getHeader('Vary'), names));
  }
  return (this[WRITE_HEAD] as (...args: unknown[]) => ServerResponse).call(this, statusCode, reason, headers);
}

/** The key under which a headers object passed to `writeHead` holds the header `name`, whatever its case. */
function keyOf(headers: OutgoingHttpHeaders, name: string): string | undefined {
  for (const key in headers) if (key.length === name.length && key.toLowerCase() === name.toLowerCase()) return key;
  return undefined;
}
