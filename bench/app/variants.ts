import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
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
 *   100 wildcard-subdomain patterns.
 */
export const VARIANTS = ['none', 'none-big', 'builtin', 'nest-cors', 'nest-cors-no-interceptor', 'nest-cors-big'] as const;
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
  return app;
}

function rootModuleOf(variant: VariantName): Type {
  switch (variant) {
    case 'none':
    case 'builtin':
      return moduleNamed('SmallAppModule', { controllers: SMALL_APP_CONTROLLERS });
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
