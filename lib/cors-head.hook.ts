// Completes the response head with CORS headers and Vary when it is written.
import { ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import { appendVary } from './core/vary.js';
import type { CorsRequestState } from './cors-request-state.js';

/** What the hook adds to one response's head, and what the request handler decided for the guard. */
interface HeadState {
  vary: string | undefined;
  lines: readonly string[] | undefined;
  request: CorsRequestState | undefined;
  /** The `writeHead` the hook replaced on the response itself; none where its prototype carries the hook. */
  readonly writeHead: ServerResponse['writeHead'] | undefined;
}

/** The state of a response hooked on itself: one property. */
const HEAD_STATE = Symbol('nest-cors:head');
/** The `writeHead` a hooked prototype had. */
const PROTOTYPE_WRITE_HEAD = Symbol('nest-cors:prototype-write-head');

type HookedResponse = ServerResponse & {
  [HEAD_STATE]?: HeadState;
  readonly [PROTOTYPE_WRITE_HEAD]?: ServerResponse['writeHead'];
};

/**
 * The states of responses whose prototype carries the hook. Express gives every response its
 * app's own prototype (`app.response`), and V8 then makes adding a property to one slow: about
 * 3 µs each, measured, against 0.02 µs on a plain Node response. So those get no property at all,
 * and neither do their requests: the guard's state is kept here too.
 */
const PROTOTYPE_HOOKED = new WeakMap<ServerResponse, HeadState>();

/**
 * Makes sure the response's `Vary` lists `names` when its head is written, whatever set `Vary`
 * before and however (the handler, `@Header()`, `@Res()`, a filter, an interceptor, a stream, an
 * error, the adapter's own reply object): every response head of both adapters goes through
 * `writeHead`, which Node calls for implicit heads too.
 */
export function varyOnWriteHead(response: ServerResponse, names: string): void {
  const state = hook(response);
  if (state) state.vary = mergedVary(state.vary, names);
}

function mergedVary(current: string | undefined, names: string): string {
  return current === undefined || current === names ? names : appendVary(current, names);
}

/**
 * Adds the header lines (`[name, value, …]`) to the response head when it is written, each unless
 * the app set a header of that name itself (its own value wins, as a later `setHeader` would).
 * A second call replaces the lines of the first. Written with the head, they go in the headers
 * object Fastify hands to `writeHead`, so Node takes its head as given instead of re-setting
 * every header one by one.
 */
export function headersOnWriteHead(response: ServerResponse, lines: readonly string[]): void {
  const state = hook(response);
  if (state) state.lines = lines;
}

/**
 * Records what the request handler decided for a cross-origin request it lets through, in one
 * step: the `Vary` names and CORS header lines its head gets (either may be `undefined`), and the
 * state the guard reads back with {@link recordedRequest}.
 */
export function recordOnWriteHead(
  response: ServerResponse,
  vary: string | undefined,
  lines: readonly string[] | undefined,
  request: CorsRequestState,
): void {
  const state = hook(response);
  if (!state) return;
  if (vary !== undefined) state.vary = mergedVary(state.vary, vary);
  if (lines !== undefined) state.lines = lines;
  state.request = request;
}

/** What the request handler recorded with {@link recordOnWriteHead} for the response's request. */
export function recordedRequest(response: ServerResponse): CorsRequestState | undefined {
  return stateOf(response as HookedResponse)?.request;
}

/**
 * Puts the hook on a prototype every response of an app shares (Express's `app.response`), once:
 * its responses are then hooked without a property of their own. Never for Node's own
 * `ServerResponse.prototype`, which every server in the process shares.
 */
export function hookResponsePrototype(prototype: object): void {
  if (prototype === ServerResponse.prototype || Object.hasOwn(prototype, PROTOTYPE_WRITE_HEAD)) return;
  const hooked = prototype as { writeHead: ServerResponse['writeHead']; [PROTOTYPE_WRITE_HEAD]?: ServerResponse['writeHead'] };
  hooked[PROTOTYPE_WRITE_HEAD] = hooked.writeHead;
  hooked.writeHead = writeHeadWithCors as ServerResponse['writeHead'];
}

/**
 * Asks the prototype first: on an Express response that finds the hook one step up, where looking
 * for a property the response lacks would walk its whole prototype chain.
 */
function stateOf(response: HookedResponse): HeadState | undefined {
  return response[PROTOTYPE_WRITE_HEAD] === undefined ? response[HEAD_STATE] : PROTOTYPE_HOOKED.get(response);
}

/**
 * The response's hook state, hooking it if needed: through its prototype where that carries the
 * hook, else with one shared function and one property on the response (no closure per request).
 * `undefined` when the head is already written.
 */
function hook(response: ServerResponse): HeadState | undefined {
  const hooked = response as HookedResponse;
  const existing = stateOf(hooked);
  if (existing) return existing;
  if (response.headersSent) return undefined;
  const onPrototype = hooked[PROTOTYPE_WRITE_HEAD] !== undefined;
  const state: HeadState = {
    vary: undefined,
    lines: undefined,
    request: undefined,
    writeHead: onPrototype ? undefined : response.writeHead,
  };
  if (onPrototype) {
    PROTOTYPE_HOOKED.set(response, state);
  } else {
    hooked[HEAD_STATE] = state;
    response.writeHead = writeHeadWithCors as ServerResponse['writeHead'];
  }
  return state;
}

function writeHeadWithCors(this: HookedResponse, statusCode: number, reason?: unknown, headers?: unknown): ServerResponse {
  const state = stateOf(this);
  const writeHead = (state?.writeHead ?? this[PROTOTYPE_WRITE_HEAD]) as (...args: unknown[]) => ServerResponse;
  if (state === undefined) return writeHead.call(this, statusCode, reason, headers);
  const given = (typeof reason === 'string' ? headers : reason) as OutgoingHttpHeaders | readonly unknown[] | undefined;
  const record = given && !Array.isArray(given) ? (given as OutgoingHttpHeaders) : undefined;
  const lines = state.lines;
  if (lines !== undefined) {
    for (let i = 0; i < lines.length; i += 2) {
      const name = lines[i];
      if (this.hasHeader(name) || (record !== undefined && keyOf(record, name) !== undefined)) continue;
      if (record !== undefined) record[name] = lines[i + 1];
      else this.setHeader(name, lines[i + 1]);
    }
  }
  const names = state.vary;
  if (names !== undefined) {
    const key = record === undefined ? undefined : keyOf(record, 'Vary');
    if (key !== undefined) record![key] = appendVary(record![key], names);
    else if (record !== undefined) record.Vary = appendVary(this.getHeader('Vary'), names);
    else this.setHeader('Vary', appendVary(this.getHeader('Vary'), names));
  }
  return writeHead.call(this, statusCode, reason, headers);
}

/** The key under which a headers object passed to `writeHead` holds the header `name`, whatever its case. */
function keyOf(headers: OutgoingHttpHeaders, name: string): string | undefined {
  for (const key in headers) if (key.length === name.length && key.toLowerCase() === name.toLowerCase()) return key;
  return undefined;
}
