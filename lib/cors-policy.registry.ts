// The policies' lifecycle: bind, compile at bootstrap, swap at run time.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import { CorsChangeSync } from './cors-change.sync.js';
import { CorsConfigurationError } from './cors-configuration.error.js';
import { CorsDecisionLog } from './cors-decision.log.js';
import { CorsMetrics } from './cors.metrics.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions } from './core/cors-options.js';
import type { CorsProblem } from './core/cors-problem.js';
import type { CorsPolicy } from './core/cors-policy.js';
import { pathOverlaps, type ServedRoute } from './core/path-overlaps.js';
import { compilePolicies, type CompiledPolicies, type CorsRoute, type HandlerLevels } from './core/policy-compiler.js';
import type { CorsPlatform, HttpAdapterLike } from './cors-platform.js';
import { createCorsPlatform } from './cors-platform.factory.js';
import { CorsSnapshot } from './cors-snapshot.js';
import { gatewayProblems } from './cors-gateways.js';
import { readNestGateways, readNestRoutes, type NestGateway, type NestGateways, type NestRoutes } from './nest-routes.reader.js';

/**
 * The lifecycle of the policies: at bootstrap it reads Nest's routes and gateways, compiles every
 * handler's and gateway's effective policy and asks the adapter's platform for a router over the
 * registered routes; at run time it swaps in recompiled policies, one change at a time, following
 * the `changeFeed` from bootstrap to module destroy. Invalid options fail `app.init()` with one
 * {@link CorsConfigurationError} listing every problem.
 */
@Injectable()
export class CorsPolicyRegistry implements OnModuleInit, OnModuleDestroy {
  readonly log: CorsDecisionLog;
  /** Decision counters (OpenTelemetry, when the app has it). */
  metrics: CorsMetrics | undefined;
  /** Run-time changes of the module options, shared with the other instances through `changeFeed`. */
  readonly changes: CorsChangeSync;
  private platform: CorsPlatform | undefined;
  private nest: NestRoutes = { handlers: [], routes: [] };
  private nestGateways: NestGateways = { gateways: [], adapter: undefined };
  /** What is wrong with the gateways' declarations, found once at bootstrap (they do not change). */
  private gatewayProblems: readonly CorsProblem[] = [];
  private snapshot: CorsSnapshot | undefined;

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    this.log = new CorsDecisionLog(options?.debug === true);
    this.changes = new CorsChangeSync((change, beforeSwap) => this.reconfigure(this.merge(change), beforeSwap), options?.changeFeed);
  }

  /**
   * Binds to the app's HTTP adapter, as soon as it exists and before any route is registered, so
   * that the platform sees every route the adapter gets.
   */
  attach(adapter: HttpAdapterLike): CorsPlatform {
    return (this.platform ??= createCorsPlatform(adapter));
  }

  /**
   * The policies in force; read it once per request. Routes registered with the adapter after
   * bootstrap (a plugin's, when the adapter becomes ready) are taken in first.
   */
  get current(): CorsSnapshot | undefined {
    const snapshot = this.snapshot;
    if (snapshot && this.platform!.changed) return (this.snapshot = this.build(snapshot.options, snapshot.compiled));
    return snapshot;
  }

  /** The app's WebSocket gateways, known from bootstrap on (empty before). */
  get gateways(): readonly NestGateway[] {
    return this.nestGateways.gateways;
  }

  async onModuleInit(): Promise<void> {
    if (!this.platform) return;
    await this.platform.ready();
    this.metrics = await CorsMetrics.create();
    const sources = { discovery: this.discovery, scanner: this.scanner, reflector: this.reflector, moduleRef: this.moduleRef };
    this.nest = readNestRoutes(sources);
    this.nestGateways = readNestGateways(sources);
    this.gatewayProblems = gatewayProblems(this.nestGateways);
    await this.reconfigure(this.options ?? {});
    this.logRoutes();
    await this.changes.start();
  }

  /**
   * Stops following the change feed, writes the counts of log windows still open and stops the
   * log's timer.
   */
  async onModuleDestroy(): Promise<void> {
    await this.changes.stop();
    this.log.close();
  }

  /**
   * Compiles new module options against the discovered handlers and swaps them in at once, after
   * `beforeSwap` (which swaps nothing in when it rejects). Throws {@link CorsConfigurationError},
   * changing nothing, when they are invalid.
   */
  async reconfigure(options: CorsModuleOptions, beforeSwap?: () => Promise<void>): Promise<void> {
    const compiled = compilePolicies(options, this.levels(), (place, reason) => this.log.originFunctionFailed(place, reason));
    const problems = [...('problems' in compiled ? compiled.problems : []), ...this.gatewayProblems];
    if ('problems' in compiled || problems.length > 0) throw new CorsConfigurationError(problems);
    const snapshot = this.build(options, compiled);
    const overlaps = pathOverlaps(
      compiled.paths,
      snapshot.matcher,
      () => this.servedRoutes(),
      (route) => route.name,
    );
    if (overlaps.length > 0) throw new CorsConfigurationError(overlaps);
    await beforeSwap?.();
    this.snapshot = snapshot;
  }

  /** The options in force with `change` over them; `changeFeed` is set at startup only. */
  private merge(change: Partial<CorsModuleOptions>): CorsModuleOptions {
    if ('changeFeed' in change && change.changeFeed !== this.options?.changeFeed) {
      throw new CorsConfigurationError([
        {
          place: 'CorsService.update',
          message: 'changeFeed cannot be changed at run time',
          fix: 'set it in CorsModule.forRoot() or forRootAsync()',
        },
      ]);
    }
    return { ...this.snapshot!.options, ...change };
  }

  /** `compiled.routes` holds the handlers' routes, then the gateways'. */
  private build(options: CorsModuleOptions, compiled: CompiledPolicies): CorsSnapshot {
    const routesByHandler = new Map<object, Map<object, CorsRoute>>();
    this.nest.handlers.forEach(({ controller, handler }, index) => {
      let routes = routesByHandler.get(controller);
      if (!routes) routesByHandler.set(controller, (routes = new Map()));
      routes.set(handler, compiled.routes[index]);
    });
    const first = this.nest.handlers.length;
    const gateways = new Map(this.gateways.map(({ gateway }, index) => [gateway, compiled.routes[first + index]] as const));
    return new CorsSnapshot(this.platform!.matcher(this.nest, compiled.routes), compiled, routesByHandler, options, gateways);
  }

  private servedRoutes(): ServedRoute[] {
    return this.nest.routes.map((route) => ({ path: route.path, name: this.nest.handlers[route.handler].name }));
  }

  /** Every handler's levels, then every gateway's: a gateway is a scope without handlers. */
  private levels(): HandlerLevels[] {
    const handlers = this.nest.handlers.map((handler) => ({
      name: handler.name,
      scope: handler.controller,
      scopeName: handler.controller.name,
      scopeArgument: handler.controllerArgument,
      handlerArgument: handler.handlerArgument,
    }));
    const gateways = this.gateways.map(({ gateway, name, corsArgument }) => ({
      name,
      scope: gateway,
      scopeName: name,
      scopeArgument: corsArgument,
      handlerArgument: undefined,
    }));
    return [...handlers, ...gateways];
  }

  private logRoutes(): void {
    if (!this.log.enabled || !this.snapshot) return;
    const descriptions = new Map<CorsPolicy, string>();
    this.nest.routes.forEach(({ handler, path }) => {
      const { method } = this.nest.handlers[handler];
      const route = this.snapshot!.routes[handler];
      let description = descriptions.get(route.policy);
      if (description === undefined) descriptions.set(route.policy, (description = describePolicy(route.policy)));
      this.log.startup(`Mapped {${path}, ${method}} ${route.name}: ${description}`);
    });
    for (const { gateway, name, port, path, namespace } of this.gateways) {
      const place = [
        port === 0 ? 'HTTP server port' : `port ${port}`,
        path === undefined ? '' : `path ${String(path)}`,
        namespace === '/' ? '' : `namespace ${String(namespace)}`,
      ];
      this.log.startup(
        `Gateway ${name} {${place.filter(Boolean).join(', ')}}: ${describePolicy(this.snapshot.policyForGateway(gateway)!.policy)}`,
      );
    }
  }
}

/** A one-line summary of a policy, for the startup log. */
export function describePolicy(policy: CorsPolicy): string {
  if (!policy.enabled) return 'CORS disabled';
  const origin = policy.options === false ? undefined : policy.options.origin;
  const origins =
    origin === undefined || origin === false
      ? 'none'
      : typeof origin === 'function'
        ? 'function'
        : (Array.isArray(origin) ? origin : [origin]).map(String).join(' ');
  const extras = [policy.credentials ? ', credentials' : '', policy.maxAge !== undefined ? `, maxAge ${policy.maxAge}` : ''].join('');
  return `origin ${origins}, methods ${policy.anyMethod ? '*' : policy.methodList.join(',')}${extras}`;
}
