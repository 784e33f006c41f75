import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { CorsModule } from '../../lib/index.js';
import { createApp } from './adapters.js';

const APP = 'https://app.example';
const TOOLS = 'https://tools.example';
const EVIL = 'https://evil.example';

let resolverRuns = 0;

@Resolver()
class HelloResolver {
  @Query('hello')
  hello(): string {
    resolverRuns++;
    return 'world';
  }
}

const typeDefs = 'type Query { hello: String }';

/** GraphQL drivers mount their endpoint outside Nest's router: the `paths` option gives it a policy. */
const DRIVERS = [
  ['Apollo on Express', () => new ExpressAdapter(), GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs })],
  ['Mercurius on Fastify', () => new FastifyAdapter(), GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, typeDefs })],
] as const;

describe.each(DRIVERS)('GraphQL with %s', (_name, adapter, graphql) => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const query = JSON.stringify({ query: '{ hello }' });

  beforeAll(async () => {
    app = await createApp(
      {
        imports: [
          CorsModule.forRoot({
            origin: [APP],
            paths: [{ path: '/graphql', origin: [APP, TOOLS], credentials: true, allowedHeaders: ['Content-Type'] }],
          }),
          graphql,
        ],
        providers: [HelloResolver],
      },
      adapter,
    );
  });
  afterAll(() => app.close());
  beforeEach(() => {
    resolverRuns = 0;
  });

  it('answers a browser-style preflight and credentialed POST from an origin the path allows', async () => {
    const preflight = await http()
      .options('/graphql')
      .set('Origin', TOOLS)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(TOOLS);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-headers']).toBe('Content-Type');
    const post = await http()
      .post('/graphql')
      .set('Origin', TOOLS)
      .set('Cookie', 'sid=1')
      .set('Content-Type', 'application/json')
      .send(query);
    expect(post.status).toBe(200);
    expect(post.body).toEqual({ data: { hello: 'world' } });
    expect(post.headers['access-control-allow-origin']).toBe(TOOLS);
    expect(post.headers['access-control-allow-credentials']).toBe('true');
    expect(post.headers.vary).toMatch(/\bOrigin\b/);
    expect(resolverRuns).toBe(1);
  });

  it('refuses a disallowed origin, preflight and POST, before the resolver runs', async () => {
    const preflight = await http()
      .options('/graphql')
      .set('Origin', EVIL)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const post = await http().post('/graphql').set('Origin', EVIL).set('Content-Type', 'application/json').send(query);
    expect(post.status).toBe(403);
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
    expect(resolverRuns).toBe(0);
  });

  it('still serves non-browser clients (no Origin)', async () => {
    const post = await http().post('/graphql').set('Content-Type', 'application/json').send(query);
    expect(post.body).toEqual({ data: { hello: 'world' } });
  });
});
