// Following a change feed: publish, apply, no echo.
import { describe, expect, it } from '@jest/globals';
import { eventually } from '../test/e2e/eventually.js';
import { MemoryChangeFeed } from '../test/e2e/memory-change.feed.js';
import type { CorsModuleOptions } from './core/cors-options.js';
import { compilePolicies } from './core/policy-compiler.js';
import { encodeCorsChange } from './cors-change.codec.js';
import { CorsChangeSync, type CorsChangeLog } from './cors-change.sync.js';
import { CorsConfigurationError } from './cors-configuration.error.js';

class Log implements CorsChangeLog {
  readonly lines: string[] = [];
  log(message: string) {
    this.lines.push(`log ${message}`);
  }
  warn(message: string) {
    this.lines.push(`warn ${message}`);
  }
}

/** One app instance: module options swapped as the registry does, validated by the real compiler. */
class Instance {
  options: CorsModuleOptions = { origin: ['https://old.example'] };
  applied = 0;
  readonly log = new Log();
  readonly sync: CorsChangeSync;

  constructor(feed: MemoryChangeFeed | undefined) {
    this.sync = new CorsChangeSync(
      async (change, beforeSwap) => {
        const next = { ...this.options, ...change };
        const compiled = compilePolicies(next, []);
        if ('problems' in compiled) throw new CorsConfigurationError(compiled.problems);
        await beforeSwap?.();
        this.options = next;
        this.applied++;
      },
      feed,
      this.log,
    );
  }
}

async function cluster(size: number) {
  const feed = new MemoryChangeFeed();
  const instances = Array.from({ length: size }, () => new Instance(feed));
  await Promise.all(instances.map((instance) => instance.sync.start()));
  return { feed, instances };
}

const message = (source: string, clock: number, options: Partial<CorsModuleOptions>) => encodeCorsChange({ source, clock, options });

describe('CorsChangeSync', () => {
  it('applies a local change once, publishes it once, and every other instance applies it once', async () => {
    const {
      feed,
      instances: [a, b, c],
    } = await cluster(3);
    await a.sync.update({ origin: ['https://new.example', /^https:\/\/pr-\d+\.example$/] });
    expect(a.options.origin).toEqual(['https://new.example', /^https:\/\/pr-\d+\.example$/]);
    await eventually(() => {
      for (const other of [b, c]) expect(other.options.origin).toEqual(['https://new.example', /^https:\/\/pr-\d+\.example$/]);
    });
    await Promise.all([a, b, c].map((instance) => instance.sync.stop()));
    expect(feed.published).toHaveLength(1);
    expect([a.applied, b.applied, c.applied]).toEqual([1, 1, 1]);
    expect(b.log.lines).toEqual(['log Applied a change from another instance: origin']);
    expect(a.log.lines).toEqual([]);
  });

  it('does not apply or publish a local change that is invalid, holds a function, or cannot be sent', async () => {
    const {
      feed,
      instances: [a, b],
    } = await cluster(2);
    await expect(a.sync.update({ origin: ['https://bad.example/'] })).rejects.toThrow(CorsConfigurationError);
    await expect(a.sync.update({ origin: () => true })).rejects.toThrow(
      'origin is a function, which cannot be sent to the other instances',
    );
    feed.failNextPublish = new Error('connection lost');
    await expect(a.sync.update({ origin: ['https://new.example'] })).rejects.toThrow('connection lost');
    expect(feed.published).toEqual([]);
    expect([a.options, b.options]).toEqual([{ origin: ['https://old.example'] }, { origin: ['https://old.example'] }]);
    await a.sync.update({ maxAge: 60 });
    await eventually(() => expect(b.options).toEqual({ origin: ['https://old.example'], maxAge: 60 }));
  });

  it('logs and ignores a received change that is invalid, and keeps following the feed', async () => {
    const {
      feed,
      instances: [a],
    } = await cluster(1);
    feed.deliver(message('other', 1, { origin: '*', credentials: true }));
    await eventually(() =>
      expect(a.log.lines).toEqual([
        expect.stringMatching(
          /^warn Ignored a change from another instance: Invalid CORS configuration \(1 problem\):\n.*origin '\*' with credentials/,
        ),
      ]),
    );
    feed.deliver(message('other', 2, { origin: ['https://new.example'] }));
    await eventually(() => expect(a.options).toEqual({ origin: ['https://new.example'] }));
  });

  it.each<[string, unknown]>([
    ['a number', 42],
    ['text that is not JSON', '{"nestCorsChange":'],
    ['JSON of another kind', '{"event":"deploy"}'],
    [
      'a RegExp that does not compile',
      '{"nestCorsChange":1,"source":"x","clock":1,"set":{"origin":{"$regexp":"(","flags":""}},"unset":[]}',
    ],
  ])('logs and ignores a malformed message: %s', async (_name, payload) => {
    const {
      feed,
      instances: [a],
    } = await cluster(1);
    expect(() => feed.deliver(payload)).not.toThrow();
    expect(a.log.lines).toEqual([expect.stringMatching(/^warn Ignored a malformed message from the change feed: /)]);
    expect(a.applied).toBe(0);
  });

  it('ends with the same options on every instance whatever order changes arrive in, and ignores repeats', async () => {
    const feeds = [new MemoryChangeFeed(), new MemoryChangeFeed()];
    const [a, b] = feeds.map((feed) => new Instance(feed));
    await Promise.all([a.sync.start(), b.sync.start()]);
    const older = message('x', 1, { origin: ['https://x.example'], maxAge: 10 });
    const newer = message('y', 2, { origin: ['https://y.example'] });
    const tie = message('z', 2, { maxAge: 20 });
    for (const text of [older, newer, tie]) feeds[0].deliver(text);
    for (const text of [tie, newer, older, newer]) feeds[1].deliver(text);
    await eventually(() => {
      expect(a.options).toEqual({ origin: ['https://y.example'], maxAge: 20 });
      expect(b.options).toEqual(a.options);
    });
    expect(b.applied).toBe(2);
  });

  it('carries an option set to undefined, which unsets it everywhere', async () => {
    const {
      instances: [a, b],
    } = await cluster(2);
    await a.sync.update({ maxAge: 60 });
    await a.sync.update({ maxAge: undefined });
    await eventually(() => expect(b.options).toEqual({ origin: ['https://old.example'], maxAge: undefined }));
    expect(compilePolicies(b.options, [])).not.toHaveProperty('problems');
  });

  it('applies local changes one after another, each over what the previous one left', async () => {
    const a = new Instance(undefined);
    await Promise.all([
      a.sync.update({ maxAge: 60 }),
      a.sync.update({ credentials: true }),
      a.sync.update({ origin: ['https://new.example'] }),
    ]);
    expect(a.options).toEqual({ origin: ['https://new.example'], maxAge: 60, credentials: true });
  });

  it('unsubscribes on stop', async () => {
    const { feed, instances } = await cluster(2);
    expect(feed.subscribers).toBe(2);
    await Promise.all(instances.map((instance) => instance.sync.stop()));
    expect(feed.subscribers).toBe(0);
  });
});
