import { ConfigurableModuleBuilder, type ConfigurableModuleOptionsFactory } from '@nestjs/common';
import type { CorsModuleOptions } from './cors-options.interface.js';

/** Extras of `CorsModule.forRoot()` / `forRootAsync()` that shape the module itself. */
export interface CorsModuleExtras {
  /** Register the module globally so `@Cors()` works in every module. Default `true`. */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableCorsModule,
  MODULE_OPTIONS_TOKEN: CORS_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCorsOptions')
  .setExtras<CorsModuleExtras>({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/**
 * A class for `CorsModule.forRootAsync({ useClass })` / `useExisting`: its `createCorsOptions()`
 * returns the module options.
 *
 * @publicApi
 */
export type CorsOptionsFactory = ConfigurableModuleOptionsFactory<CorsModuleOptions, 'createCorsOptions'>;
