import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import request from 'supertest';
import { CorsConfigurationError, CorsModule, type CorsModuleOptions } from '../../lib/index.js';
import { ADAPTERS, createApp } from './adapters.js';

const APP = 'https://app.example';
const TOOLS = 'https://tools.example';

@Controller('cats')
class CatsController {
  @Get()
  list() {
    return ['tom'];
  }
}

/** Routes registered straight on the adapter, as GraphQL drivers and static-file plugins do. */
@Injectable()
class RawRoutes implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    const reply = (_request: unknown, response: unknown) => adapter.reply(response, 'raw', 200);
    adapter.post('/graphql', reply);
    adapter.get('/assets/app.js', reply);
  }
}

describe.each(ADAPTERS)('the paths option on %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  const http = () => request(app!.getHttpServer());
  const start = async (options: CorsModuleOptions) => {
    app = await createApp({ imports: [CorsModule.forRoot(options)], controllers: [CatsController], providers: [RawRoutes] }, adapter);
  };
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  // First in the file: the Public Suffix List is loaded once per process, so only the first app
  // here shows whether a `*.` pattern in `paths` alone makes the module load it.
  it('checks a *. pattern in a paths entry against the Public Suffix List, with no other *. pattern', async () => {
    await expect(start({ origin: [APP], paths: [{ path: '/graphql', origin: 'https://*.github.io' }] })).rejects.toThrow(
      /paths\[0\] \(\/graphql\): origin "https:\/\/\*\.github\.io" allows every site under the public suffix "\.github\.io"/,
    );
    await start({ origin: [APP], paths: [{ path: '/graphql', origin: 'https://*.tools.example' }] });
    const post = await http().post('/graphql').set('Origin', 'https://studio.tools.example');
    expect([post.status, post.headers['access-control-allow-origin']]).toEqual([200, 'https://studio.tools.example']);
  });

  it('gives paths no Nest handler serves their own policy, merged over the module options', async () => {
    await start({
      origin: [APP],
      maxAge: 60,
      paths: [
        { path: '/graphql', origin: [APP, TOOLS], credentials: true },
        { path: '/assets/*file', origin: '*' },
      ],
    });
    const preflight = await http()
      .options('/graphql')
      .set('Origin', TOOLS)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(TOOLS);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-max-age']).toBe('60');
    const post = await http().post('/graphql').set('Origin', TOOLS);
    expect([post.status, post.text, post.headers['access-control-allow-origin']]).toEqual([200, 'raw', TOOLS]);
    const asset = await http().get('/assets/app.js').set('Origin', 'https://anyone.example');
    expect(asset.headers['access-control-allow-origin']).toBe('*');
    expect((await http().get('/cats').set('Origin', TOOLS)).status).toBe(403);
    expect((await http().get('/elsewhere').set('Origin', TOOLS)).status).toBe(403);
  });

  it('applies to paths no Nest handler serves even with unknownRoutes: deny', async () => {
    await start({ origin: [APP], unknownRoutes: 'deny', paths: [{ path: '/graphql', origin: TOOLS }] });
    expect((await http().options('/graphql').set('Origin', TOOLS).set('Access-Control-Request-Method', 'POST')).status).toBe(204);
    expect((await http().options('/other').set('Origin', APP).set('Access-Control-Request-Method', 'POST')).status).toBe(403);
  });

  it.each([
    [
      'a path a Nest handler serves',
      [{ path: '/cats', origin: TOOLS }],
      /paths\[0\] \(\/cats\): path "\/cats" overlaps a route of the app: GET \/cats is served by CatsController\.list/,
    ],
    [
      'a pattern covering a Nest route',
      [{ path: '/*rest', origin: TOOLS }],
      /paths\[0\] \(\/\*rest\): path "\/\*rest" overlaps a route of the app/,
    ],
    [
      'a path without a leading slash',
      [{ path: 'graphql', origin: TOOLS }],
      /paths\[0\] \(graphql\): path "graphql" is not a path pattern starting with "\/"/,
    ],
    [
      'a pattern path-to-regexp refuses',
      [{ path: '/files/*', origin: TOOLS }],
      /paths\[0\] \(\/files\/\*\): path "\/files\/\*" is not a path-to-regexp 8 pattern/,
    ],
    [
      'an unknown option in an entry',
      [{ path: '/graphql', origins: [TOOLS] }],
      /paths\[0\] \(\/graphql\): unknown option "origins"[\s\S]*did you mean "origin"/,
    ],
  ])('fails app.init() for %s', async (_label, paths, message) => {
    await expect(start({ origin: [APP], paths: paths as CorsModuleOptions['paths'] })).rejects.toThrow(CorsConfigurationError);
    await expect(start({ origin: [APP], paths: paths as CorsModuleOptions['paths'] })).rejects.toThrow(message);
  });
});
