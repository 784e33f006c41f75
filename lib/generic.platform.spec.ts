// The fallback platform for adapters other than Express and Fastify.
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsExchange } from './cors-platform.js';
import { GenericPlatform } from './generic.platform.js';
import type { NestRoutes } from './nest-routes.reader.js';

const route = (handler: number, method: string, path: string) => ({ handler, method, path, hosts: undefined, conditional: false });
const NEST: NestRoutes = {
  handlers: [],
  routes: [route(0, 'PUT', '/users/:id'), route(1, 'PUT', '/users/me'), route(2, 'ALL', '/files/{*rest}')],
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
