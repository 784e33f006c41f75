// nest-cors/redis: a change feed over Redis pub/sub.
import type { CorsChangeFeed, CorsChangeListener, CorsChangeUnsubscribe } from './core/cors-change.feed.js';

/** The channel a {@link RedisCorsChangeFeed} uses unless told otherwise. */
export const DEFAULT_REDIS_CORS_CHANNEL = 'nest-cors:changes';

/**
 * What the feed uses of the client it publishes with: `publish` of a node-redis (`redis`) client.
 *
 * @publicApi
 */
export interface RedisCorsPublisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/**
 * What the feed uses of its subscriber client: `subscribe` and `unsubscribe` with a listener, as
 * node-redis (`redis`) clients have them.
 *
 * @publicApi
 */
export interface RedisCorsSubscriber {
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
}

/**
 * Options of a {@link RedisCorsChangeFeed}.
 *
 * @publicApi
 */
export interface RedisCorsChangeFeedOptions {
  /** A connected client; it may be the app's shared one. */
  readonly publisher: RedisCorsPublisher;
  /**
   * A connected client of its own (`publisher.duplicate()`, then `connect()`): a connection that
   * subscribes is reserved for pub/sub and cannot run the app's other commands. It may subscribe
   * to other channels too.
   */
  readonly subscriber: RedisCorsSubscriber;
  /**
   * The pub/sub channel, shared by exactly the instances that share CORS options (one per app
   * and environment). Default {@link DEFAULT_REDIS_CORS_CHANNEL}.
   */
  readonly channel?: string;
}

/**
 * A {@link CorsChangeFeed} over Redis pub/sub, for the `changeFeed` module option:
 *
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisCorsChangeFeed } from 'nest-cors/redis';
 *
 * const publisher = await createClient({ url: process.env.REDIS_URL }).connect();
 * const subscriber = await publisher.duplicate().connect();
 * CorsModule.forRoot({ origin: ['https://app.example.com'], changeFeed: new RedisCorsChangeFeed({ publisher, subscriber }) })
 * ```
 *
 * It takes connected clients and never connects, reconnects or closes them: the app owns its
 * connection settings (URL, TLS, credentials, retries) and their lifetime. Pub/sub delivers a
 * change only to the instances subscribed when it is published: an instance that is down or
 * disconnected then misses it (node-redis subscribes again when it reconnects).
 *
 * @publicApi
 */
export class RedisCorsChangeFeed implements CorsChangeFeed {
  /** The pub/sub channel in use. */
  readonly channel: string;
  private readonly publisher: RedisCorsPublisher;
  private readonly subscriber: RedisCorsSubscriber;

  constructor(options: RedisCorsChangeFeedOptions) {
    if (options.publisher === (options.subscriber as unknown)) {
      throw new Error('RedisCorsChangeFeed needs a subscriber client of its own: pass subscriber: await publisher.duplicate().connect()');
    }
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.channel = options.channel ?? DEFAULT_REDIS_CORS_CHANNEL;
  }

  /** Publishes a message on the channel. */
  async publish(message: string): Promise<void> {
    await this.publisher.publish(this.channel, message);
  }

  /** Subscribes `listener` to the channel; the returned function unsubscribes it (and only it). */
  async subscribe(listener: CorsChangeListener): Promise<CorsChangeUnsubscribe> {
    await this.subscriber.subscribe(this.channel, listener);
    return async () => {
      await this.subscriber.unsubscribe(this.channel, listener);
    };
  }
}
