// Completes Vary when the response head is written.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { appendVary } from './core/vary.js';

const VARY_NAMES = Symbol('nest-cors:vary');
const WRITE_HEAD = Symbol('nest-cors:write-head');

type HookedResponse = ServerResponse & {
  [VARY_NAMES]?: string;
  [WRITE_HEAD]?: ServerResponse['writeHead'];
};

/**
 * Makes sure the response's `Vary` lists `names` when its head is written, whatever set `Vary`
 * before and however (the handler, `@Header()`, `@Res()`, a filter, an interceptor, a stream, an
 * error, the adapter's own reply object): every response head of both adapters goes through
 * `writeHead`, which Node calls for implicit heads too. The hook is one shared function and two
 * properties on the response, so no closure is allocated per request.
 */
export function varyOnWriteHead(response: ServerResponse, names: string): void {
  const hooked = response as HookedResponse;
  const current = hooked[VARY_NAMES];
  if (current !== undefined) {
    hooked[VARY_NAMES] = current === names ? current : appendVary(current, names);
    return;
  }
  if (response.headersSent) return;
  hooked[VARY_NAMES] = names;
  hooked[WRITE_HEAD] = response.writeHead;
  response.writeHead = writeHeadWithVary as ServerResponse['writeHead'];
}

function writeHeadWithVary(this: HookedResponse, statusCode: number, reason?: unknown, headers?: unknown): ServerResponse {
  const names = this[VARY_NAMES]!;
  const given = (typeof reason === 'string' ? headers : reason) as OutgoingHttpHeaders | readonly unknown[] | undefined;
  const key = given && !Array.isArray(given) ? varyKey(given as OutgoingHttpHeaders) : undefined;
  if (key !== undefined) {
    const record = given as OutgoingHttpHeaders;
    record[key] = appendVary(record[key], names);
  } else {
    this.setHeader('Vary', appendVary(this.getHeader('Vary'), names));
  }
  return (this[WRITE_HEAD] as (...args: unknown[]) => ServerResponse).call(this, statusCode, reason, headers);
}

/** The key under which a headers object passed to `writeHead` holds `Vary`, whatever its case. */
function varyKey(headers: OutgoingHttpHeaders): string | undefined {
  if ('vary' in headers) return 'vary';
  for (const key in headers) if (key.length === 4 && key.toLowerCase() === 'vary') return key;
  return undefined;
}
