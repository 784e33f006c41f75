// nest-cors: the public API of the main entry point.
export { CorsModule } from './cors.module.js';
export { Cors } from './cors.decorator.js';
export { CorsService, type CorsPolicyDescription } from './cors.service.js';
export { CorsConfigurationError } from './cors-configuration.error.js';
export { CORS_MODULE_OPTIONS, type CorsModuleExtras, type CorsOptionsFactory } from './cors.module-definition.js';
export type {
  CorsDecoratorArgument,
  CorsModuleOptions,
  CorsOptions,
  CorsOrigin,
  CorsOriginCacheOptions,
  CorsOriginFunction,
  CorsOriginFunctionContext,
  CorsPathOptions,
  CorsUnknownRoutes,
} from './core/cors-options.js';
export type { CorsProblem } from './core/cors-problem.js';
export type { CorsChangeFeed, CorsChangeListener, CorsChangeUnsubscribe } from './core/cors-change.feed.js';
