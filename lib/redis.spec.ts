// The Redis change feed.
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_REDIS_CORS_CHANNEL, RedisCorsChangeFeed, type RedisCorsPublisher, type RedisCorsSubscriber } from './redis.js';

/** A client with node-redis's pub/sub calls; clients made with the same `channels` share a server. */
class FakeClient implements RedisCorsPublisher, RedisCorsSubscriber {
  constructor(readonly channels = new Map<string, Set<(message: string) => void>>()) {}

  async publish(channel: string, message: string) {
    for (const listener of this.channels.get(channel) ?? []) listener(message);
    return this.channels.get(channel)?.size ?? 0;
  }
  async subscribe(channel: string, listener: (message: string) => void) {
    this.channels.set(channel, (this.channels.get(channel) ?? new Set()).add(listener));
  }
  async unsubscribe(channel: string, listener: (message: string) => void) {
    this.channels.get(channel)?.delete(listener);
  }
}

describe('RedisCorsChangeFeed', () => {
  it('publishes on its channel, and unsubscribes only its own listener', async () => {
    const publisher = new FakeClient();
    const subscriber = new FakeClient(publisher.channels);
    const received: string[] = [];
    const other = () => undefined;
    await subscriber.subscribe('nest-cors:orders', other);
    const feed = new RedisCorsChangeFeed({ publisher, subscriber, channel: 'nest-cors:orders' });
    const unsubscribe = await feed.subscribe((message) => received.push(message));
    await feed.publish('change');
    expect(received).toEqual(['change']);
    await unsubscribe();
    expect([...subscriber.channels.get('nest-cors:orders')!]).toEqual([other]);
  });

  it(`uses ${DEFAULT_REDIS_CORS_CHANNEL} by default`, () => {
    expect(new RedisCorsChangeFeed({ publisher: new FakeClient(), subscriber: new FakeClient() }).channel).toBe(DEFAULT_REDIS_CORS_CHANNEL);
  });

  it('refuses one client as both publisher and subscriber', () => {
    const client = new FakeClient();
    expect(() => new RedisCorsChangeFeed({ publisher: client, subscriber: client })).toThrow('needs a subscriber client of its own');
  });
});
