export { CorsModule } from './cors.module.js';
export { Cors } from './cors.decorator.js';
export { CorsGuard } from './cors.guard.js';
export { CorsInterceptor } from './cors.interceptor.js';
export { CorsMiddleware } from './cors.middleware.js';
export { CorsPolicyRegistry } from './cors-policy.registry.js';
export { CorsConfigurationError } from './cors-configuration.error.js';
export { CORS_MODULE_OPTIONS, CORS_OPTIONS_TYPE, CORS_ASYNC_OPTIONS_TYPE, type CorsModuleExtras, type CorsOptionsFactory } from './cors.module-definition.js';
export type {
  CorsDecoratorArgument,
  CorsModuleOptions,
  CorsOptions,
  CorsOrigin,
  CorsOriginFunction,
  CorsUnknownRoutes,
} from './cors-options.interface.js';
export type { CorsProblem } from './core/cors-problem.js';
