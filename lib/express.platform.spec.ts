// The Express platform's view of the router stack as it grows after bootstrap.
import { describe, expect, it } from '@jest/globals';
import { ExpressAdapter } from '@nestjs/platform-express';
import { ExpressPlatform } from './express.platform.js';

describe('ExpressPlatform', () => {
  const bootstrapped = () => {
    const adapter = new ExpressAdapter();
    const app = adapter.getInstance<Record<'get' | 'put' | 'use', (...args: unknown[]) => unknown>>();
    app.get('/items', () => undefined);
    const platform = new ExpressPlatform(adapter);
    platform.matcher({ handlers: [], routes: [] }, []);
    return { app, platform };
  };

  it('keeps its matcher when only middleware is added, such as the not-found and error handlers Nest adds after bootstrap', () => {
    const { app, platform } = bootstrapped();
    app.use((_request: unknown, _response: unknown, next: () => void) => next());
    app.use((_error: unknown, _request: unknown, _response: unknown, next: () => void) => next());
    expect(platform.changed).toBe(false);
  });

  it('wants a new matcher once a route is added, even after middleware', () => {
    const { app, platform } = bootstrapped();
    app.use((_request: unknown, _response: unknown, next: () => void) => next());
    expect(platform.changed).toBe(false);
    app.put('/items/:id', () => undefined);
    expect(platform.changed).toBe(true);
  });
});
