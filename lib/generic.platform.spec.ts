// The fallback platform for adapters other than Express and Fastify.
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsExchange } from './cors-platform.js';
import { GenericPlatform } from './generic.platform.js';
import type { NestHandler, NestRoutes } from './nest-routes.reader.js';

const handler = (method: string) => ({ method, hosts: undefined, conditional: false }) as unknown as NestHandler;
const NEST: NestRoutes = {
  handlers: [handler('PUT'), handler('PUT'), handler('ALL')],
  routes: [
    { handler: 0, path: '/users/:id' },
    { handler: 1, path: '/users/me' },
    { handler: 2, path: '/files/{*rest}' },
  ],
};
const ENTRIES = ['UsersController.update', 'UsersController.updateMe', 'FilesController.any'];

describe('GenericPlatform', () => {
  const platform = new GenericPlatform({ getType: () => 'other', getInstance: () => ({}), use: () => undefined });
  const matcher = platform.matcher(NEST, ENTRIES);
  const find = (method: string, url: string) => matcher.find(method, { url, headers: {}, hostname: 'api.test' });

  it.each([
    ['PUT', '/users/me', ['UsersController.update']],
    ['PUT', '/Users/42?x=1', ['UsersController.update']],
    ['PUT', 'http://api.test/users/me?x=1', ['UsersController.update']],
    ['DELETE', 'http://api.test/files/a/b', ['FilesController.any']],
    ['GET', '/users/me', undefined],
  ])('routes %s %s as Express does by default: first registered wins, query and absolute form ignored', (method, url, expected) => {
    expect(find(method, url)).toEqual(expected);
  });

  it('mounts with use() and hands the handler the request as Node received it', () => {
    const mounted: ((raw: IncomingMessage, response: ServerResponse, next: () => void) => void)[] = [];
    const seen: CorsExchange[] = [];
    new GenericPlatform({ getType: () => 'other', getInstance: () => ({}), use: (handler) => mounted.push(handler) }).mount((exchange) =>
      seen.push(exchange),
    );
    const raw = { url: '/users/me', headers: { host: 'api.test:8080' }, socket: {} } as unknown as IncomingMessage;
    mounted[0](raw, {} as ServerResponse, () => undefined);
    expect(seen[0].request).toEqual({
      url: '/users/me',
      headers: raw.headers,
      host: 'api.test:8080',
      hostname: 'api.test',
      protocol: 'http',
    });
  });
});
