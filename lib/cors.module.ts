import { Module, type NestModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import { CorsGuard } from './cors.guard.js';
import { CorsMiddleware } from './cors.middleware.js';
import { CORS_MODULE_OPTIONS, ConfigurableCorsModule } from './cors.module-definition.js';
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
 * The module is global by default (`isGlobal: false` to opt out). It mounts a middleware on the
 * HTTP adapter itself (ahead of the app's routes and guards, whatever the global prefix), and
 * registers a global guard and interceptor that read each handler's `@Cors()` policy
 * (`responseInterceptor: false` leaves the interceptor out).
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    CorsPolicyRegistry,
    CorsService,
    CorsMiddleware,
    { provide: APP_GUARD, useClass: CorsGuard },
  ],
  exports: [CORS_MODULE_OPTIONS, CorsService],
})
export class CorsModule extends ConfigurableCorsModule implements NestModule {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly middleware: CorsMiddleware,
  ) {
    super();
  }

  /**
   * Mounts the middleware with the adapter's own `use()` rather than `forRoutes('*')`, which Nest
   * mounts under the global prefix: preflights to prefix-excluded routes and to paths outside the
   * prefix (a GraphQL endpoint, raw adapter routes) must reach it too. `configure()` runs before
   * Nest registers any route or middleware, so this one comes first.
   */
  configure(): void {
    this.adapterHost.httpAdapter?.use((request: never, response: never, next: () => void) => this.middleware.use(request, response, next));
  }
}
