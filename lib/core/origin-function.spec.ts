// Origin functions: fail-closed calls, caching, single flight, aborts.
import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { CorsOriginCacheOptions, CorsOriginFunction, CorsOriginFunctionContext } from './cors-options.js';
import { GuardedOriginFunction, type OriginFunctionSettings } from './origin-function.js';

const request = { headers: {} } as IncomingMessage;
const ORIGIN = 'https://app.example.com';
const never = () => new Promise<boolean>(() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}

/** A hand-moved clock for cache expiry (starts well above 0: lru-cache reads a start time of 0 as "no ttl"). */
function manualClock() {
  const clock = { time: 1_000_000, now: () => clock.time, advance: (ms: number) => void (clock.time += ms) };
  return clock;
}

function guard(fn: CorsOriginFunction, settings: Partial<OriginFunctionSettings> = {}) {
  const failures: string[] = [];
  const guarded = new GuardedOriginFunction(fn, { timeout: 20, onFailure: (reason) => failures.push(reason), ...settings });
  return { guarded, failures };
}

describe('GuardedOriginFunction: fail closed, report, never throw or reject', () => {
  const table: { name: string; fn: CorsOriginFunction; expected: boolean; failure: RegExp | undefined }[] = [
    { name: 'sync true', fn: () => true, expected: true, failure: undefined },
    { name: 'sync false', fn: () => false, expected: false, failure: undefined },
    { name: 'async true', fn: async () => true, expected: true, failure: undefined },
    { name: 'async false', fn: async () => false, expected: false, failure: undefined },
    {
      name: 'throws',
      fn: () => {
        throw new Error('db down');
      },
      expected: false,
      failure: /threw: db down/,
    },
    {
      name: 'throws a non-Error',
      fn: () => {
        throw 'plain';
      },
      expected: false,
      failure: /threw: plain/,
    },
    {
      name: 'throws something that cannot be printed',
      fn: () => {
        throw {
          toString: () => {
            throw new Error('nope');
          },
        };
      },
      expected: false,
      failure: /threw: an unprintable value/,
    },
    { name: 'rejects', fn: () => Promise.reject(new Error('db down')), expected: false, failure: /rejected: db down/ },
    {
      name: 'async throws',
      fn: async () => {
        throw new Error('db down');
      },
      expected: false,
      failure: /rejected: db down/,
    },
    { name: 'returns a string', fn: (() => 'yes') as unknown as CorsOriginFunction, expected: false, failure: /string/ },
    { name: 'returns undefined', fn: (() => undefined) as unknown as CorsOriginFunction, expected: false, failure: /undefined/ },
    { name: 'returns 1', fn: (() => 1) as unknown as CorsOriginFunction, expected: false, failure: /number/ },
    { name: 'resolves undefined', fn: (async () => undefined) as unknown as CorsOriginFunction, expected: false, failure: /undefined/ },
    { name: 'resolves a truthy string', fn: (async () => 'true') as unknown as CorsOriginFunction, expected: false, failure: /string/ },
    {
      name: 'returns a thenable that rejects',
      fn: (() => ({ then: (_: unknown, reject: (error: unknown) => void) => reject(new Error('x')) })) as unknown as CorsOriginFunction,
      expected: false,
      failure: /rejected/,
    },
    {
      name: 'returns a thenable whose then throws',
      fn: (() => ({
        then: () => {
          throw new Error('bad thenable');
        },
      })) as unknown as CorsOriginFunction,
      expected: false,
      failure: /./,
    },
    {
      name: 'returns an object whose then getter throws',
      fn: (() => ({
        get then() {
          throw new Error('trap');
        },
      })) as unknown as CorsOriginFunction,
      expected: false,
      failure: /threw: trap/,
    },
    { name: 'never settles (time limit)', fn: never, expected: false, failure: /longer than 20 ms/ },
  ];

  describe.each([
    { setup: 'without a cache', cache: undefined },
    { setup: 'with a cache', cache: { max: 10, ttl: 60_000 } },
  ])('$setup', ({ cache }) => {
    it.each(table)('$name → $expected', async ({ fn, expected, failure }) => {
      const { guarded, failures } = guard(fn, { cache });
      let result: boolean | Promise<boolean> | undefined;
      expect(() => (result = guarded.call(ORIGIN, request))).not.toThrow();
      await expect(Promise.resolve(result)).resolves.toBe(expected);
      if (failure) {
        expect(failures).toHaveLength(1);
        expect(failures[0]).toMatch(failure);
      } else {
        expect(failures).toEqual([]);
      }
    });
  });

  it('passes the origin, the request and a context with an AbortSignal, and no `this`', () => {
    const calls: { args: unknown[]; self: unknown }[] = [];
    const fn = function (this: unknown, ...args: unknown[]) {
      calls.push({ args, self: this });
      return true;
    } as unknown as CorsOriginFunction;
    new GuardedOriginFunction(fn, { timeout: 20 }).call(ORIGIN, request);
    expect(calls).toHaveLength(1);
    expect(calls[0].args.slice(0, 2)).toEqual([ORIGIN, request]);
    expect((calls[0].args[2] as CorsOriginFunctionContext).signal).toBeInstanceOf(AbortSignal);
    expect(calls[0].self).toBeUndefined();
  });

  it('still accepts functions written with two parameters', () => {
    const twoParameters: CorsOriginFunction = (origin, incoming) => origin === ORIGIN && incoming === request;
    expect(new GuardedOriginFunction(twoParameters, { timeout: 20 }).call(ORIGIN, request)).toBe(true);
  });

  it('stays synchronous for a synchronous function', () => {
    expect(new GuardedOriginFunction(() => true, { timeout: 20 }).call(ORIGIN, request)).toBe(true);
    expect(new GuardedOriginFunction(() => false, { timeout: 20 }).call(ORIGIN, request)).toBe(false);
  });

  it('causes no unhandled rejection when a timed-out promise rejects later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = () => sleep(40).then(() => Promise.reject(new Error('too late')));
      const { guarded, failures } = guard(late as CorsOriginFunction, { cache: { max: 10, ttl: 60_000 } });
      expect(await guarded.call(ORIGIN, request)).toBe(false);
      expect(failures).toEqual(['took longer than 20 ms']);
      await sleep(60);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('GuardedOriginFunction AbortSignal', () => {
  it('aborts the signal with a TimeoutError when the call takes longer than the time limit', async () => {
    let signal: AbortSignal | undefined;
    const aborted = deferred<unknown>();
    const fn: CorsOriginFunction = (_origin, _request, context) => {
      signal = context.signal;
      signal.addEventListener('abort', () => aborted.resolve(signal!.reason));
      return never();
    };
    const { guarded, failures } = guard(fn);
    const result = guarded.call(ORIGIN, request);
    expect(signal!.aborted).toBe(false);
    expect(await result).toBe(false);
    const reason = await Promise.race([aborted.promise, sleep(500).then(() => 'never aborted')]);
    expect(signal!.aborted).toBe(true);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
    expect(failures).toEqual(['took longer than 20 ms']);
  });

  it('never aborts the signal of a call that answered in time', async () => {
    let signal: AbortSignal | undefined;
    const fn: CorsOriginFunction = async (_origin, _request, context) => {
      signal = context.signal;
      return true;
    };
    expect(await guard(fn).guarded.call(ORIGIN, request)).toBe(true);
    await sleep(40);
    expect(signal!.aborted).toBe(false);
  });

  it('hands an already aborted signal to a function that reads it only after the time limit', async () => {
    let context: CorsOriginFunctionContext | undefined;
    const fn: CorsOriginFunction = (_origin, _request, received) => ((context = received), never());
    expect(await guard(fn).guarded.call(ORIGIN, request)).toBe(false);
    expect(context!.signal.aborted).toBe(true);
    expect((context!.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('ignores an answer that arrives after the abort: the origin stays disallowed until failureTtl passes', async () => {
    const clock = manualClock();
    const fn = jest.fn<CorsOriginFunction>(
      (_origin, _request, { signal }) => new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(true))),
    );
    const { guarded } = guard(fn, { cache: { max: 10, ttl: 60_000, failureTtl: 1000 }, now: clock.now });
    expect(await guarded.call(ORIGIN, request)).toBe(false);
    await sleep(0);
    expect(guarded.call(ORIGIN, request)).toBe(false);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('GuardedOriginFunction single flight (with originCache)', () => {
  it('makes one call for many concurrent first requests from one origin', async () => {
    const lookup = deferred<boolean>();
    const fn = jest.fn<CorsOriginFunction>(() => lookup.promise);
    const { guarded, failures } = guard(fn, { cache: { max: 10, ttl: 60_000 }, timeout: 1000 });
    const results = Array.from({ length: 50 }, () => guarded.call(ORIGIN, request));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(guarded.pendingLookups).toBe(1);
    lookup.resolve(true);
    expect(await Promise.all(results)).toEqual(Array(50).fill(true));
    expect(guarded.pendingLookups).toBe(0);
    expect(guarded.call(ORIGIN, request)).toBe(true);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(failures).toEqual([]);
  });

  it('makes one call per origin, not one for all origins', async () => {
    const fn = jest.fn<CorsOriginFunction>(async (origin) => origin === ORIGIN);
    const { guarded } = guard(fn, { cache: { max: 10, ttl: 60_000 }, timeout: 1000 });
    const origins = [ORIGIN, 'https://b.example', ORIGIN, 'https://b.example', ORIGIN];
    expect(await Promise.all(origins.map((origin) => guarded.call(origin, request)))).toEqual([true, false, true, false, true]);
    expect(fn.mock.calls.map(([origin]) => origin)).toEqual([ORIGIN, 'https://b.example']);
  });

  it('shares one failure: one call, every waiting request disallowed and reported', async () => {
    const lookup = deferred<boolean>();
    const fn = jest.fn<CorsOriginFunction>(() => lookup.promise);
    const { guarded, failures } = guard(fn, { cache: { max: 10, ttl: 60_000 }, timeout: 1000 });
    const results = Array.from({ length: 5 }, () => guarded.call(ORIGIN, request));
    lookup.reject(new Error('db down'));
    expect(await Promise.all(results)).toEqual(Array(5).fill(false));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(failures).toEqual(Array(5).fill('rejected: db down'));
  });

  it('shares one time limit: concurrent requests all give up when the one call times out', async () => {
    const fn = jest.fn<CorsOriginFunction>(never);
    const { guarded, failures } = guard(fn, { cache: { max: 10, ttl: 60_000 } });
    const results = [guarded.call(ORIGIN, request)];
    await sleep(10);
    results.push(guarded.call(ORIGIN, request));
    expect(await Promise.all(results)).toEqual([false, false]);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(failures).toEqual(['took longer than 20 ms', 'took longer than 20 ms']);
    expect(guarded.pendingLookups).toBe(0);
  });

  it('does not share calls without a cache: the answer may depend on the request', async () => {
    const fn = jest.fn<CorsOriginFunction>(async () => true);
    const { guarded } = guard(fn);
    await Promise.all([guarded.call(ORIGIN, request), guarded.call(ORIGIN, request), guarded.call(ORIGIN, request)]);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(guarded.pendingLookups).toBe(0);
  });
});

describe('GuardedOriginFunction failure cache', () => {
  const failing: { name: string; fn: () => CorsOriginFunction; reason: string }[] = [
    {
      name: 'a throw',
      fn: () => () => {
        throw new Error('db down');
      },
      reason: 'threw: db down',
    },
    { name: 'a rejection', fn: () => () => Promise.reject(new Error('db down')), reason: 'rejected: db down' },
    { name: 'a timeout', fn: () => never, reason: 'took longer than 20 ms' },
    { name: 'a non-boolean', fn: () => (() => 'yes') as unknown as CorsOriginFunction, reason: 'returned string, not a boolean' },
    {
      name: 'a non-boolean resolution',
      fn: () => (async () => 1) as unknown as CorsOriginFunction,
      reason: 'resolved to number, not a boolean',
    },
  ];

  it.each(failing)('remembers $name for failureTtl: disallowed and reported at once, without calling again', async ({ fn, reason }) => {
    const clock = manualClock();
    let fails = true;
    const failure = fn();
    const origin = jest.fn<CorsOriginFunction>((...args) => (fails ? failure(...args) : true));
    const { guarded, failures } = guard(origin, { cache: { max: 10, ttl: 60_000, failureTtl: 1000 }, now: clock.now });
    expect(await guarded.call(ORIGIN, request)).toBe(false);
    // A cached failure answers synchronously: no request waits for the time limit again.
    expect(guarded.call(ORIGIN, request)).toBe(false);
    clock.advance(1000);
    expect(guarded.call(ORIGIN, request)).toBe(false);
    expect(origin).toHaveBeenCalledTimes(1);
    expect(failures).toEqual([reason, reason, reason]);
    fails = false;
    clock.advance(1);
    expect(await guarded.call(ORIGIN, request)).toBe(true);
    expect(origin).toHaveBeenCalledTimes(2);
  });

  it.each([
    { ttl: 60_000, failureTtl: 5000 },
    { ttl: 2000, failureTtl: 2000 },
  ])('keeps failures min(ttl, 5000) = $failureTtl ms by default (ttl $ttl)', ({ ttl, failureTtl }) => {
    const clock = manualClock();
    const fn = jest.fn<CorsOriginFunction>(() => {
      throw new Error('down');
    });
    const { guarded } = guard(fn, { cache: { max: 10, ttl }, now: clock.now });
    guarded.call(ORIGIN, request);
    clock.advance(failureTtl);
    guarded.call(ORIGIN, request);
    expect(fn).toHaveBeenCalledTimes(1);
    clock.advance(1);
    guarded.call(ORIGIN, request);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('keeps an answer for the full ttl after a failure expired', () => {
    const clock = manualClock();
    let fails = true;
    const fn = jest.fn<CorsOriginFunction>(() => {
      if (fails) throw new Error('down');
      return true;
    });
    const { guarded } = guard(fn, { cache: { max: 10, ttl: 60_000, failureTtl: 100 }, now: clock.now });
    expect(guarded.call(ORIGIN, request)).toBe(false);
    fails = false;
    clock.advance(101);
    expect(guarded.call(ORIGIN, request)).toBe(true);
    clock.advance(60_000);
    expect(guarded.call(ORIGIN, request)).toBe(true);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('caches no failure without a cache: each request calls the function again', () => {
    const fn = jest.fn<CorsOriginFunction>(() => {
      throw new Error('down');
    });
    const { guarded, failures } = guard(fn);
    guarded.call(ORIGIN, request);
    guarded.call(ORIGIN, request);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(failures).toHaveLength(2);
  });
});

describe('GuardedOriginFunction cache key function', () => {
  const tenantRequest = (tenant: string) => ({ headers: { 'x-tenant': tenant } }) as unknown as IncomingMessage;
  const byTenant: CorsOriginCacheOptions['key'] = (origin, incoming) => `${origin} ${String(incoming.headers['x-tenant'])}`;

  it('caches by the key: one origin, two tenants, two answers', async () => {
    const fn = jest.fn<CorsOriginFunction>(async (_origin, incoming) => incoming.headers['x-tenant'] === 'acme');
    const { guarded } = guard(fn, { cache: { max: 10, ttl: 60_000, key: byTenant }, timeout: 1000 });
    expect(await guarded.call(ORIGIN, tenantRequest('acme'))).toBe(true);
    expect(await guarded.call(ORIGIN, tenantRequest('globex'))).toBe(false);
    expect(guarded.call(ORIGIN, tenantRequest('acme'))).toBe(true);
    expect(guarded.call(ORIGIN, tenantRequest('globex'))).toBe(false);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(guarded.cachedDecisions).toBe(2);
  });

  it('shares calls by the key: concurrent requests of one tenant make one call, of two tenants two', async () => {
    const fn = jest.fn<CorsOriginFunction>(async () => true);
    const { guarded } = guard(fn, { cache: { max: 10, ttl: 60_000, key: byTenant }, timeout: 1000 });
    const tenants = ['acme', 'acme', 'globex', 'acme', 'globex'];
    await Promise.all(tenants.map((tenant) => guarded.call(ORIGIN, tenantRequest(tenant))));
    expect(fn.mock.calls.map(([, incoming]) => incoming.headers['x-tenant'])).toEqual(['acme', 'globex']);
  });

  it('receives the origin and the request', () => {
    const key = jest.fn((origin: string, _incoming: IncomingMessage) => origin);
    guard(() => true, { cache: { max: 10, ttl: 60_000, key } }).guarded.call(ORIGIN, request);
    expect(key).toHaveBeenCalledWith(ORIGIN, request);
  });

  it.each([
    {
      name: 'throws',
      key: () => {
        throw new Error('no tenant');
      },
      reason: 'cache key function threw: no tenant',
    },
    { name: 'returns a non-string', key: () => 42 as unknown as string, reason: 'cache key function returned number, not a string' },
  ])('fails closed when it $name: disallowed at once, reported, the origin function not called', ({ key, reason }) => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    const { guarded, failures } = guard(fn, { cache: { max: 10, ttl: 60_000, key } });
    expect(guarded.call(ORIGIN, request)).toBe(false);
    expect(fn).not.toHaveBeenCalled();
    expect(failures).toEqual([reason]);
    expect(guarded.cachedDecisions).toBe(0);
  });
});

describe('GuardedOriginFunction cache', () => {
  let clock: ReturnType<typeof manualClock>;
  beforeEach(() => {
    clock = manualClock();
  });
  it.each([
    { name: 'an allowed origin', answer: true },
    { name: 'a refused origin', answer: false },
  ])('remembers $name until the ttl passes', async ({ answer }) => {
    const fn = jest.fn<CorsOriginFunction>(async () => answer);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 10, ttl: 5000 }, now: clock.now });
    expect(await guarded.call(ORIGIN, request)).toBe(answer);
    clock.advance(5000);
    expect(guarded.call(ORIGIN, request)).toBe(answer);
    expect(fn).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await guarded.call(ORIGIN, request)).toBe(answer);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('expires by performance.now() when no clock is given', async () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 10, ttl: 30 } });
    guarded.call(ORIGIN, request);
    guarded.call(ORIGIN, request);
    expect(fn).toHaveBeenCalledTimes(1);
    await sleep(50);
    guarded.call(ORIGIN, request);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('never holds more than max decisions, whatever origins an attacker sends', () => {
    const fn = jest.fn<CorsOriginFunction>(() => false);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 100, ttl: 60_000 }, now: clock.now });
    for (let i = 0; i < 20_000; i++) guarded.call(`https://a${i}.example`, request);
    expect(guarded.cachedDecisions).toBe(100);
  });

  it('never holds more than max failures, and lets no lookup linger past the time limit', async () => {
    const guarded = new GuardedOriginFunction(never, { timeout: 20, cache: { max: 100, ttl: 60_000 }, now: clock.now });
    const results = Array.from({ length: 2000 }, (_, i) => guarded.call(`https://a${i}.example`, request));
    expect(guarded.pendingLookups).toBe(2000);
    expect(new Set(await Promise.all(results))).toEqual(new Set([false]));
    expect(guarded.pendingLookups).toBe(0);
    expect(guarded.cachedDecisions).toBe(100);
  });

  it('allocates the cache on first use, so options that validation refuses cost nothing before the startup error', () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    expect(() => new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 2 ** 40, ttl: 1000 } })).not.toThrow();
    const failures: string[] = [];
    const guarded = new GuardedOriginFunction(fn, {
      timeout: 1000,
      cache: { max: -1, ttl: 1000 },
      onFailure: (reason) => failures.push(reason),
    });
    expect(guarded.call(ORIGIN, request)).toBe(false);
    expect(failures).toEqual([expect.stringMatching(/^originCache is invalid: /)]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('evicts the least recently used decision', () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 2, ttl: 60_000 }, now: clock.now });
    guarded.call('https://a.example', request);
    guarded.call('https://b.example', request);
    guarded.call('https://a.example', request);
    guarded.call('https://c.example', request);
    fn.mockClear();
    guarded.call('https://a.example', request);
    expect(fn).not.toHaveBeenCalled();
    guarded.call('https://b.example', request);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('caches nothing without a cache setting', () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000 });
    guarded.call(ORIGIN, request);
    guarded.call(ORIGIN, request);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(guarded.cachedDecisions).toBe(0);
  });
});
