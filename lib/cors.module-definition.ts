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
   * Register the global interceptor of the guard-and-interceptor shape. Default `true`. It passes
   * every call through (`Vary` is kept when each response head is written, interceptor or not);
   * any global interceptor makes Nest wrap every handler call in RxJS, which measurably lowers
   * throughput (see BENCHMARKS.md), so `false` saves that and changes nothing else.
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
