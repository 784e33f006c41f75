// Runs origin functions fail-closed, with a time limit, a cache and single flight.
import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { CorsOriginCacheOptions, CorsOriginFunction, CorsOriginFunctionContext } from './cors-options.js';

/** How origin functions are run: a time limit, an optional bounded cache, and a failure report. */
export interface OriginFunctionSettings {
  /** Milliseconds an async origin function may take before the origin counts as disallowed. */
  readonly timeout: number;
  /**
   * Cache outcomes by key (the origin unless `key` says otherwise): answers for `ttl`, failures
   * for `failureTtl` milliseconds, at most `max` entries; concurrent lookups of one key share one
   * call. See {@link CorsOriginCacheOptions}.
   */
  readonly cache?: Readonly<CorsOriginCacheOptions>;
  /**
   * Called once for every origin disallowed because the function failed (threw, rejected, timed
   * out, answered a non-boolean), including requests that shared a failed call or met a cached
   * failure, and when the cache key function failed.
   */
  readonly onFailure?: (reason: string) => void;
  /** The clock cache entries expire by, in milliseconds. Default `performance.now()`. */
  readonly now?: () => number;
}

/** Default time limit of an async origin function, in milliseconds. */
export const DEFAULT_ORIGIN_TIMEOUT = 1000;

/** Longest default `failureTtl`, in milliseconds (the default is `min(ttl, this)`). */
const DEFAULT_MAX_FAILURE_TTL = 5000;

/** What one call of an origin function came to: its answer, or (a string) why it failed. */
type Outcome = boolean | string;

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable value';
  }
}

/**
 * The context handed to the user's function. The AbortController is made only when the function
 * reads `signal`, so that synchronous functions, which never need it, do not pay for one.
 */
class CallContext implements CorsOriginFunctionContext {
  private controller: AbortController | undefined;
  private abortReason: unknown;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}

/**
 * Runs a user's origin function so that it fails closed: a throw, a rejection, a non-boolean
 * result or a promise slower than the time limit disallows the origin, is reported, and never
 * becomes an unhandled rejection. A cached or synchronous answer is returned synchronously.
 *
 * With a cache, concurrent lookups of one key share one call (single flight), answers are kept
 * `ttl` and failures `failureTtl` milliseconds, and at most `max` keys are kept, whatever origins
 * arrive. Lookups in flight are not counted in `max`: each lasts at most the time limit and is
 * shared by every request waiting for its key.
 */
export class GuardedOriginFunction {
  /** Made on first use: compiling options that validation then refuses allocates nothing. */
  private cache: LRUCache<string, Outcome> | undefined;
  private readonly inFlight = new Map<string, Promise<Outcome>>();
  private readonly failureTtl: number = 0;
  private readonly keyOf: ((origin: string, request: IncomingMessage) => string) | undefined;
  private readonly answer = (outcome: Outcome): boolean => (typeof outcome === 'boolean' ? outcome : this.fail(outcome));

  constructor(
    private readonly originFunction: CorsOriginFunction,
    private readonly settings: OriginFunctionSettings,
  ) {
    const cache = settings.cache;
    if (cache) {
      this.failureTtl = cache.failureTtl ?? Math.min(cache.ttl, DEFAULT_MAX_FAILURE_TTL);
      this.keyOf = cache.key;
    }
  }

  private createCache(options: Readonly<CorsOriginCacheOptions>): LRUCache<string, Outcome> {
    return (this.cache = new LRUCache<string, Outcome>({
      max: options.max,
      ttl: options.ttl,
      // Read the clock on each lookup rather than caching it behind a timer per millisecond.
      ttlResolution: 0,
      ...(this.settings.now && { perf: { now: this.settings.now } }),
    }));
  }

  /** Cached outcomes (answers and failures) held right now, bounded by the cache's `max`. */
  get cachedDecisions(): number {
    return this.cache?.size ?? 0;
  }

  /** Keys whose lookup is running now, each shared by every request waiting for it. */
  get pendingLookups(): number {
    return this.inFlight.size;
  }

  /** Whether `origin` is allowed for this request; never throws, never rejects. */
  call(origin: string, request: IncomingMessage): boolean | Promise<boolean> {
    const options = this.settings.cache;
    if (!options) {
      const outcome = this.run(origin, request);
      return typeof outcome === 'object' ? outcome.then(this.answer) : this.answer(outcome);
    }
    let key: string = origin;
    const keyOf = this.keyOf;
    if (keyOf) {
      try {
        key = keyOf(origin, request);
      } catch (error) {
        return this.fail(`cache key function threw: ${describeError(error)}`);
      }
      if (typeof key !== 'string') return this.fail(`cache key function returned ${typeof key}, not a string`);
    }
    let cache = this.cache;
    if (!cache) {
      try {
        cache = this.createCache(options);
      } catch (error) {
        return this.fail(`originCache is invalid: ${describeError(error)}`);
      }
    }
    const cached = cache.get(key);
    if (cached !== undefined) return this.answer(cached);
    const pending = this.inFlight.get(key);
    if (pending) return pending.then(this.answer);
    const outcome = this.run(origin, request);
    if (typeof outcome !== 'object') {
      this.remember(cache, key, outcome);
      return this.answer(outcome);
    }
    const shared = outcome.then((settled) => {
      this.inFlight.delete(key);
      this.remember(cache, key, settled);
      return settled;
    });
    this.inFlight.set(key, shared);
    return shared.then(this.answer);
  }

  /** Calls the user's function once; the promise, if any, always resolves (never rejects). */
  private run(origin: string, request: IncomingMessage): Outcome | Promise<Outcome> {
    const context = new CallContext();
    const originFunction = this.originFunction;
    let result: unknown;
    try {
      result = originFunction(origin, request, context);
      if (typeof result === 'boolean') return result;
      if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') return `returned ${typeof result}, not a boolean`;
    } catch (error) {
      return `threw: ${describeError(error)}`;
    }
    const timeout = this.settings.timeout;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        resolve(`took longer than ${timeout} ms`);
        context.abort(new DOMException(`The origin function took longer than ${timeout} ms`, 'TimeoutError'));
      }, timeout);
      timer.unref?.();
      Promise.resolve(result).then(
        (value) => {
          clearTimeout(timer);
          resolve(typeof value === 'boolean' ? value : `resolved to ${typeof value}, not a boolean`);
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(`rejected: ${describeError(error)}`);
        },
      );
    });
  }

  private remember(cache: LRUCache<string, Outcome>, key: string, outcome: Outcome): void {
    if (typeof outcome === 'boolean') cache.set(key, outcome);
    else cache.set(key, outcome, { ttl: this.failureTtl });
  }

  private fail(reason: string): false {
    this.settings.onFailure?.(reason);
    return false;
  }
}
