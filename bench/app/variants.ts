import {
  Injectable,
  Module,
  type CallHandler,
  type CanActivate,
  type INestApplication,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CorsModule } from '../../lib/index.js';
import { bigAppControllers } from './big-app.controllers.js';
import { bigAppOrigins, SMALL_APP_CORS_OPTIONS } from './origins.js';
import { SMALL_APP_CONTROLLERS } from './small-app.controllers.js';

export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/**
 * - `none`: the small app without CORS (the ceiling);
 * - `none-big`: the 1,000-route app without CORS (the adapter's own cost of 1,000 routes);
 * - `builtin`: the small app with `app.enableCors()` (`cors` on Express, `@fastify/cors` on Fastify);
 * - `nest-cors`: the small app with `CorsModule.forRoot()` and the same options;
 * - `nest-cors-no-interceptor`: the same with `responseInterceptor: false` (no global interceptor,
 *   so Nest does not wrap handler calls in RxJS);
 * - `nest-cors-big`: the 1,000-route app with `CorsModule.forRoot()` over 10,000 exact origins and
 *   100 wildcard-subdomain patterns;
 * - `shape`: the small app without CORS plus a do-nothing global guard and a do-nothing global
 *   interceptor, the floor of the guard-and-interceptor shape nest-cors keeps by default;
 * - `shape-headers`: `shape` plus the three headers nest-cors sends an allowed GET
 *   (`Access-Control-Allow-Origin` echoing the `Origin`, `Access-Control-Allow-Credentials`,
 *   `Vary: Origin`), written to every response, unchecked, from where nest-cors mounts, in the
 *   cheapest way each adapter offers: what any CORS layer costs in the requested shape;
 * - `mount-only`: the small app without CORS plus a do-nothing request handler mounted where
 *   nest-cors mounts its own (Express: `app.use()` when the adapter is created; Fastify: the
 *   adapter's first `onRequest` hook).
 */
export const VARIANTS = [
  'none',
  'none-big',
  'builtin',
  'nest-cors',
  'nest-cors-no-interceptor',
  'nest-cors-big',
  'shape',
  'shape-headers',
  'mount-only',
] as const;
export type VariantName = (typeof VARIANTS)[number];

export function parseAdapterName(value: string | undefined): AdapterName {
  const adapter = ADAPTERS.find((name) => name === value);
  if (!adapter) throw new Error(`unknown adapter ${value}; expected one of ${ADAPTERS.join(', ')}`);
  return adapter;
}

export function parseVariantName(value: string | undefined): VariantName {
  const variant = VARIANTS.find((name) => name === value);
  if (!variant) throw new Error(`unknown variant ${value}; expected one of ${VARIANTS.join(', ')}`);
  return variant;
}

/** Creates (without initialising) the variant's app, logging off. */
export async function createVariantApp(adapter: AdapterName, variant: VariantName): Promise<INestApplication> {
  const rootModule = rootModuleOf(variant);
  const app =
    adapter === 'express'
      ? await NestFactory.create(rootModule, new ExpressAdapter(), { logger: false })
      : await NestFactory.create(rootModule, new FastifyAdapter(), { logger: false });
  if (variant === 'builtin') app.enableCors(SMALL_APP_CORS_OPTIONS);
  if (variant === 'mount-only') mountDoNothing(app, adapter);
  if (variant === 'shape-headers') mountHeaderWriter(app, adapter);
  return app;
}

/** Does nothing, for `shape`. */
@Injectable()
class DoNothingGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** Does nothing, for `shape`. */
@Injectable()
class DoNothingInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

/** The parts of Nest's adapters used to mount a handler where nest-cors mounts its own. */
interface MountingAdapter {
  use(handler: (request: IncomingMessage, response: ServerResponse, next: () => void) => void): void;
  setOnRequestHook(hook: (request: IncomingMessage, reply: FastifyHeaderSetter, done: () => void) => void): void;
}

interface FastifyHeaderSetter {
  header(name: string, value: string): unknown;
}

/** A request handler that only passes the request on, mounted the way nest-cors mounts its own. */
function mountDoNothing(app: INestApplication, adapter: AdapterName): void {
  const http = app.getHttpAdapter() as unknown as MountingAdapter;
  if (adapter === 'express') http.use((_request, _response, next) => next());
  else http.setOnRequestHook((_request, _reply, done) => done());
}

/**
 * Adds nest-cors's three allowed-GET headers to every response, mounted the way nest-cors mounts:
 * Express sets each header, Fastify's `reply.header()` puts them in the headers object it hands
 * to `writeHead`, as nest-cors does.
 */
function mountHeaderWriter(app: INestApplication, adapter: AdapterName): void {
  const http = app.getHttpAdapter() as unknown as MountingAdapter;
  if (adapter === 'express') {
    http.use((request, response, next) => {
      response.setHeader('Access-Control-Allow-Origin', request.headers.origin ?? '');
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Vary', 'Origin');
      next();
    });
  } else {
    http.setOnRequestHook((request, reply, done) => {
      reply.header('Access-Control-Allow-Origin', (request as unknown as { headers: IncomingMessage['headers'] }).headers.origin ?? '');
      reply.header('Access-Control-Allow-Credentials', 'true');
      reply.header('Vary', 'Origin');
      done();
    });
  }
}

function rootModuleOf(variant: VariantName): Type {
  switch (variant) {
    case 'none':
    case 'builtin':
    case 'mount-only':
      return moduleNamed('SmallAppModule', { controllers: SMALL_APP_CONTROLLERS });
    case 'shape':
    case 'shape-headers':
      return moduleNamed('ShapeSmallAppModule', {
        controllers: SMALL_APP_CONTROLLERS,
        providers: [
          { provide: APP_GUARD, useClass: DoNothingGuard },
          { provide: APP_INTERCEPTOR, useClass: DoNothingInterceptor },
        ],
      });
    case 'nest-cors':
      return moduleNamed('NestCorsSmallAppModule', {
        imports: [CorsModule.forRoot(SMALL_APP_CORS_OPTIONS)],
        controllers: SMALL_APP_CONTROLLERS,
      });
    case 'nest-cors-no-interceptor':
      return moduleNamed('NestCorsNoInterceptorSmallAppModule', {
        imports: [CorsModule.forRoot({ ...SMALL_APP_CORS_OPTIONS, responseInterceptor: false })],
        controllers: SMALL_APP_CONTROLLERS,
      });
    case 'none-big':
      return moduleNamed('BigAppModule', { controllers: bigAppControllers() });
    case 'nest-cors-big':
      return moduleNamed('NestCorsBigAppModule', {
        imports: [CorsModule.forRoot({ ...SMALL_APP_CORS_OPTIONS, origin: bigAppOrigins() })],
        controllers: bigAppControllers(),
      });
  }
}

function moduleNamed(name: string, metadata: Parameters<typeof Module>[0]): Type {
  const moduleClass = { [name]: class {} }[name];
  Module(metadata)(moduleClass);
  return moduleClass;
}
