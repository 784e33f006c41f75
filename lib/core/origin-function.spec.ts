import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { CorsOriginFunction } from './cors-options.js';
import { GuardedOriginFunction } from './origin-function.js';

const request = { headers: {} } as IncomingMessage;
const ORIGIN = 'https://app.example.com';

describe('GuardedOriginFunction: fail closed, report, never throw or reject', () => {
  const never = () => new Promise<boolean>(() => undefined);
  const table: { name: string; fn: CorsOriginFunction; expected: boolean; failure: RegExp | undefined }[] = [
    { name: 'sync true', fn: () => true, expected: true, failure: undefined },
    { name: 'sync false', fn: () => false, expected: false, failure: undefined },
    { name: 'async true', fn: async () => true, expected: true, failure: undefined },
    { name: 'async false', fn: async () => false, expected: false, failure: undefined },
    { name: 'throws', fn: () => { throw new Error('db down'); }, expected: false, failure: /threw: db down/ },
    { name: 'throws a non-Error', fn: () => { throw 'plain'; }, expected: false, failure: /threw: plain/ },
    { name: 'rejects', fn: () => Promise.reject(new Error('db down')), expected: false, failure: /rejected: db down/ },
    { name: 'async throws', fn: async () => { throw new Error('db down'); }, expected: false, failure: /rejected: db down/ },
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
      fn: (() => ({ then: () => { throw new Error('bad thenable'); } })) as unknown as CorsOriginFunction,
      expected: false,
      failure: /./,
    },
    { name: 'never settles (time limit)', fn: never, expected: false, failure: /longer than 20 ms/ },
  ];

  it.each(table)('$name → $expected', async ({ fn, expected, failure }) => {
    const failures: string[] = [];
    const guarded = new GuardedOriginFunction(fn, { timeout: 20, onFailure: (reason) => failures.push(reason) });
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

  it('passes the origin and the request through', () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    new GuardedOriginFunction(fn, { timeout: 20 }).call(ORIGIN, request);
    expect(fn).toHaveBeenCalledWith(ORIGIN, request);
  });

  it('stays synchronous for a synchronous function', () => {
    expect(new GuardedOriginFunction(() => true, { timeout: 20 }).call(ORIGIN, request)).toBe(true);
  });
});

describe('GuardedOriginFunction cache', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([
    { name: 'an allowed origin', answer: true },
    { name: 'a refused origin', answer: false },
  ])('remembers $name until the ttl passes', async ({ answer }) => {
    jest.useFakeTimers({ now: 1_000_000 });
    const fn = jest.fn<CorsOriginFunction>(async () => answer);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 10, ttl: 5000 } });
    expect(await guarded.call(ORIGIN, request)).toBe(answer);
    expect(guarded.call(ORIGIN, request)).toBe(answer);
    expect(fn).toHaveBeenCalledTimes(1);
    jest.setSystemTime(1_000_000 + 5001);
    expect(await guarded.call(ORIGIN, request)).toBe(answer);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('never holds more than max decisions, whatever origins arrive', () => {
    const fn = jest.fn<CorsOriginFunction>(() => false);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 3, ttl: 60_000 } });
    for (let i = 0; i < 100; i++) guarded.call(`https://a${i}.example`, request);
    expect(guarded.cachedDecisions).toBe(3);
  });

  it('evicts the least recently used decision', () => {
    const fn = jest.fn<CorsOriginFunction>(() => true);
    const guarded = new GuardedOriginFunction(fn, { timeout: 1000, cache: { max: 2, ttl: 60_000 } });
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
