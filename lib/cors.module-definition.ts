// The ConfigurableModuleBuilder of CorsModule.
import { ConfigurableModuleBuilder, type ConfigurableModuleOptionsFactory } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { CorsModuleOptions } from './core/cors-options.js';
import { CorsInterceptor } from './cors.interceptor.js';

/** Extras of `CorsModule.forRoot()` / `forRootAsync()` that shape the module itself. */
export interface CorsModuleExtras {
  /** Register the module globally so `@Cors()` works in every module. Default `true`. */
  isGlobal: boolean;
  /**
   * Register the global interceptor that keeps `Vary: Origin` when a handler replaces `Vary`
   * (`@Header('Vary', …)`, `reply.header('Vary', …)`). Default `true`. Any global interceptor makes
   * Nest wrap every handler call in RxJS, which measurably lowers throughput (see BENCHMARKS.md);
   * turn it off when no handler sets `Vary` itself, or when handlers append to it (`res.vary()`).
   */
  responseInterceptor: boolean;
}

export const { ConfigurableModuleClass: ConfigurableCorsModule, MODULE_OPTIONS_TOKEN: CORS_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createCorsOptions')
    .setExtras<CorsModuleExtras>({ isGlobal: true, responseInterceptor: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
      providers: [
        ...(definition.providers ?? []),
        ...(extras.responseInterceptor ? [{ provide: APP_INTERCEPTOR, useClass: CorsInterceptor }] : []),
      ],
    }))
    .build();

/**
 * A class for `CorsModule.forRootAsync({ useClass })` / `useExisting`: its `createCorsOptions()`
 * returns the module options.
 *
 * @publicApi
 */
export type CorsOptionsFactory = ConfigurableModuleOptionsFactory<CorsModuleOptions, 'createCorsOptions'>;
