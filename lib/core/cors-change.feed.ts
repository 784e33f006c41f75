// The change-feed port: how run-time option changes travel between instances.
/**
 * Called with each message the feed delivers. It never throws: a malformed message is logged and
 * ignored.
 *
 * @publicApi
 */
export type CorsChangeListener = (message: string) => void;

/**
 * Ends a subscription made by {@link CorsChangeFeed.subscribe}.
 *
 * @publicApi
 */
export type CorsChangeUnsubscribe = () => void | Promise<void>;

/**
 * A transport that carries changes of the module options between the instances of an app (the
 * `changeFeed` module option): `CorsService.update()` publishes each change as a string, and every
 * other instance applies each string it receives. Messages may arrive late, twice, out of order or
 * back at their sender: each carries a logical clock and its sender's id, so every instance ends
 * with the same options whatever the order, a repeat changes nothing, and a sender ignores its own.
 * A message that never arrives is lost (the instances then differ until the next change of the
 * same option). `nest-cors/redis` has one for Redis pub/sub.
 *
 * @publicApi
 */
export interface CorsChangeFeed {
  /** Sends a message to every subscribed instance; rejects when it could not be sent. */
  publish(message: string): Promise<void>;
  /**
   * Starts delivering messages to `listener`; resolves once the subscription is in place. The
   * module subscribes when its policies are compiled (in `app.init()`) and unsubscribes when the
   * module is destroyed (`app.close()`).
   */
  subscribe(listener: CorsChangeListener): CorsChangeUnsubscribe | Promise<CorsChangeUnsubscribe>;
}
