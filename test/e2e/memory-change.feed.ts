import type { CorsChangeFeed, CorsChangeListener } from '../../lib/index.js';

/**
 * A {@link CorsChangeFeed} within one process: each published message is delivered to every
 * subscriber, its sender included, as a transport that echoes would.
 */
export class MemoryChangeFeed implements CorsChangeFeed {
  readonly published: string[] = [];
  /** When set, the next publish rejects with it (and delivers nothing). */
  failNextPublish: Error | undefined;
  private readonly listeners = new Set<CorsChangeListener>();

  async publish(message: string): Promise<void> {
    const failure = this.failNextPublish;
    this.failNextPublish = undefined;
    if (failure) throw failure;
    this.published.push(message);
    this.deliver(message);
  }

  subscribe(listener: CorsChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Hands `message` to every subscriber, as if another process had published it. */
  deliver(message: unknown): void {
    for (const listener of [...this.listeners]) listener(message as string);
  }

  /** Listeners subscribed and not unsubscribed. */
  get subscribers(): number {
    return this.listeners.size;
  }
}
