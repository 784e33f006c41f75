// Publishes local option changes to a change feed and applies the others'.
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CorsModuleOptions } from './core/cors-options.js';
import { decodeCorsChange, encodeCorsChange, type CorsChange } from './cors-change.codec.js';
import type { CorsChangeFeed, CorsChangeUnsubscribe } from './core/cors-change.feed.js';
import { shown } from './cors-decision.log.js';

/**
 * Merges `options` over the module options in force, validates the result and swaps it in;
 * rejects with `CorsConfigurationError`, changing nothing, when it is invalid. `beforeSwap` runs
 * once the result is valid; when it rejects, nothing is swapped in.
 */
export type CorsChangeApply = (options: Partial<CorsModuleOptions>, beforeSwap?: () => Promise<void>) => Promise<void>;

/** Where a {@link CorsChangeSync} logs; a Nest `Logger` with context `CorsModule` by default. */
export interface CorsChangeLog {
  log(message: string): void;
  warn(message: string): void;
}

/** The change that last set an option: the higher clock wins, the higher source breaks a tie. */
interface Version {
  readonly clock: number;
  readonly source: string;
}

/**
 * Applies changes of the module options one at a time, each merged over the options the previous
 * one left, and keeps the instances that share a {@link CorsChangeFeed} in step.
 *
 * A local change is published; a change received from another instance is applied with the same
 * validation, an invalid or malformed one logged and ignored. Every instance applies each option
 * of a change only when that change is newer, by logical clock, than the one that last set the
 * option, so all instances end with the same options whatever order the feed delivers in; a
 * sender ignores its own changes, and received changes are never published again.
 */
export class CorsChangeSync {
  /** This instance's id in the changes it publishes. */
  readonly source = randomUUID();
  private clock = 0;
  private readonly versions = new Map<string, Version>();
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: CorsChangeUnsubscribe | undefined;

  constructor(
    private readonly apply: CorsChangeApply,
    private readonly feed: CorsChangeFeed | undefined,
    private readonly logger: CorsChangeLog = new Logger('CorsModule'),
  ) {}

  /** Subscribes to the feed, if there is one; resolves once the subscription is in place. */
  async start(): Promise<void> {
    if (this.feed) this.unsubscribe = await this.feed.subscribe((message) => this.receive(message));
  }

  /** Unsubscribes from the feed, then waits for the changes under way. */
  async stop(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.();
    await this.queue;
  }

  /**
   * Applies a local change once the changes under way are done and, with a feed, publishes it.
   * The change is validated, then encoded and published, then swapped in: one that is invalid,
   * holds a function or cannot be sent is neither applied nor published.
   */
  update(options: Partial<CorsModuleOptions>): Promise<void> {
    return this.serialized(async () => {
      const feed = this.feed;
      if (!feed) return this.apply(options);
      const change: CorsChange = { source: this.source, clock: this.clock + 1, options };
      await this.apply(options, () => feed.publish(encodeCorsChange(change)));
      this.record(change);
    });
  }

  private receive(message: string): void {
    const change = decodeCorsChange(message);
    if ('problem' in change) return this.logger.warn(`Ignored a malformed message from the change feed: ${shown(change.problem)}`);
    if (change.source === this.source) return;
    void this.serialized(async () => {
      this.clock = Math.max(this.clock, change.clock);
      const newer = Object.entries(change.options).filter(([key]) => this.isNewer(key, change));
      if (newer.length === 0) return;
      const options = Object.fromEntries(newer) as Partial<CorsModuleOptions>;
      try {
        await this.apply(options);
      } catch (error) {
        return this.logger.warn(`Ignored a change from another instance: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.record({ ...change, options });
      this.logger.log(`Applied a change from another instance: ${Object.keys(options).join(', ')}`);
    });
  }

  private isNewer(key: string, change: CorsChange): boolean {
    const version = this.versions.get(key);
    return !version || change.clock > version.clock || (change.clock === version.clock && change.source > version.source);
  }

  private record(change: CorsChange): void {
    this.clock = Math.max(this.clock, change.clock);
    for (const key of Object.keys(change.options)) this.versions.set(key, { clock: change.clock, source: change.source });
  }

  /**
   * Runs `task` after every task queued before it, whether they succeeded or not. The queue does
   * not handle the task's rejection: a caller that ignores a failed update still hears of it.
   */
  private serialized(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
