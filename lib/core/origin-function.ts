import type { IncomingMessage } from 'node:http';
import type { CorsOriginFunction } from './cors-options.js';

/** How origin functions are run: a time limit, an optional bounded cache, and a failure report. */
export interface OriginFunctionSettings {
  /** Milliseconds an async origin function may take before the origin counts as disallowed. */
  readonly timeout: number;
  /** Cache decisions by origin: at most `max` entries, each for `ttl` milliseconds. */
  readonly cache?: { readonly max: number; readonly ttl: number };
  /** Called when the function fails (throws, rejects, times out, returns a non-boolean). */
  readonly onFailure?: (reason: string) => void;
}

/** Default time limit of an async origin function, in milliseconds. */
export const DEFAULT_ORIGIN_TIMEOUT = 1000;

/**
 * A bounded least-recently-used cache with expiry: memory stays below `max` entries whatever
 * origins an attacker sends.
 */
class DecisionCache {
  private readonly entries = new Map<string, { readonly allowed: boolean; readonly expires: number }>();

  constructor(
    private readonly max: number,
    private readonly ttl: number,
  ) {}

  get(origin: string): boolean | undefined {
    const entry = this.entries.get(origin);
    if (!entry) return undefined;
    this.entries.delete(origin);
    if (entry.expires <= Date.now()) return undefined;
    this.entries.set(origin, entry);
    return entry.allowed;
  }

  set(origin: string, allowed: boolean): void {
    this.entries.delete(origin);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(origin, { allowed, expires: Date.now() + this.ttl });
  }

  get size(): number {
    return this.entries.size;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a user's origin function so that it fails closed: a throw, a rejection, a non-boolean
 * result or a promise slower than the time limit disallows the origin, is reported, and never
 * becomes an unhandled rejection.
 */
export class GuardedOriginFunction {
  private readonly cache: DecisionCache | undefined;

  constructor(
    private readonly originFunction: CorsOriginFunction,
    private readonly settings: OriginFunctionSettings,
  ) {
    this.cache = settings.cache && new DecisionCache(settings.cache.max, settings.cache.ttl);
  }

  /** Cached decisions held right now (bounded by the cache's `max`). */
  get cachedDecisions(): number {
    return this.cache?.size ?? 0;
  }

  call(origin: string, request: IncomingMessage): boolean | Promise<boolean> {
    const cached = this.cache?.get(origin);
    if (cached !== undefined) return cached;
    let result: unknown;
    try {
      result = this.originFunction(origin, request);
    } catch (error) {
      return this.fail(`threw: ${describeError(error)}`);
    }
    if (typeof result === 'boolean') return this.remember(origin, result);
    if (!result || typeof (result as Promise<unknown>).then !== 'function') return this.fail(`returned ${typeof result}, not a boolean`);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(this.fail(`took longer than ${this.settings.timeout} ms`)), this.settings.timeout);
      timer.unref?.();
      Promise.resolve(result).then(
        (value) => {
          clearTimeout(timer);
          resolve(typeof value === 'boolean' ? this.remember(origin, value) : this.fail(`resolved to ${typeof value}, not a boolean`));
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(this.fail(`rejected: ${describeError(error)}`));
        },
      );
    });
  }

  private remember(origin: string, allowed: boolean): boolean {
    this.cache?.set(origin, allowed);
    return allowed;
  }

  private fail(reason: string): false {
    this.settings.onFailure?.(reason);
    return false;
  }
}
