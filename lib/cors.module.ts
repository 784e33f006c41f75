// CorsModule.
import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import { CorsGuard } from './cors.guard.js';
import { CorsMiddleware } from './cors.middleware.js';
import { CORS_MODULE_OPTIONS, ConfigurableCorsModule } from './cors.module-definition.js';
import type { HttpAdapterLike } from './cors-platform.js';
import { CorsPolicyRegistry } from './cors-policy.registry.js';
import { CorsService } from './cors.service.js';

/**
 * Per-controller and per-handler CORS. Import it once, in the root module:
 *
 * ```ts
 * CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true })
 * CorsModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ origin: config.get('CORS_ORIGINS').split(',') }) })
 * ```
 *
 * The module is global by default (`isGlobal: false` to opt out). It mounts its request handler on
 * the HTTP adapter itself as soon as the adapter exists (ahead of the body parsers, every
 * middleware and route, whatever the global prefix), and
 * registers a global guard and interceptor that read each handler's `@Cors()` policy
 * (`responseInterceptor: false` leaves the interceptor out).
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [CorsPolicyRegistry, CorsService, CorsMiddleware, { provide: APP_GUARD, useClass: CorsGuard }],
  exports: [CORS_MODULE_OPTIONS, CorsService],
})
export class CorsModule extends ConfigurableCorsModule {
  /**
   * Binds to the HTTP adapter as soon as it is set (during `NestFactory.create()`, or by
   * `createNestApplication()` in tests), before `app.init()` registers any middleware or route: the
   * platform then sees every route the adapter gets, and the request handler runs first.
   */
  constructor(adapterHost: HttpAdapterHost, registry: CorsPolicyRegistry, middleware: CorsMiddleware) {
    super();
    adapterHost.init$.subscribe(() => {
      const adapter = adapterHost.httpAdapter as unknown as HttpAdapterLike | undefined;
      if (adapter) registry.attach(adapter).mount((exchange) => middleware.handle(exchange));
    });
  }
}
