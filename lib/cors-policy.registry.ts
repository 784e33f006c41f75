import { Inject, Injectable, RequestMethod, type OnModuleInit, type Type, type VersioningOptions } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost, MetadataScanner, ModuleRef, Reflector, type ApplicationConfig } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { pathToRegexp } from 'path-to-regexp';
import { CorsConfigurationError } from './cors-configuration.error.js';
import { CorsDecisionLog } from './cors-decision.log.js';
import { Cors } from './cors.decorator.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsDecoratorArgument, CorsModuleOptions, CorsOptions, CorsUnknownRoutes } from './core/cors-options.js';
import type { CorsRoute, PathRoutes } from './core/cors-decision.js';
import { CorsPolicy } from './core/cors-policy.js';
import type { CorsProblem } from './core/cors-problem.js';
import { DEFAULT_ORIGIN_TIMEOUT } from './core/origin-function.js';
import type { OriginMatcher } from './core/origin-matcher.js';
import { mergeCorsLevels, normalizeCorsArgument, pickCorsOptions } from './core/options-merge.js';
import { checkCombination, checkOptionFields } from './core/options-validation.js';
import { RouteTable } from './core/route-table.js';

// Nest's metadata keys, by value: the constants moved between Nest 11 and 12.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const VERSION_METADATA = '__version__';
const HOST_METADATA = 'host';
const MODULE_PATH_METADATA = '__module_path__';

const MODULE_PLACE = 'CorsModule options';

/** One route of one handler, as Nest registers it. */
interface RoutePath {
  readonly method: string;
  readonly path: string;
  readonly hosts: readonly RegExp[] | undefined;
}

/** What bootstrap discovered about a handler: its `@Cors()` levels and its routes. */
interface HandlerSource {
  readonly controller: Type<unknown>;
  readonly handler: Function;
  readonly name: string;
  readonly controllerArgument: CorsDecoratorArgument | undefined;
  readonly handlerArgument: CorsDecoratorArgument | undefined;
  readonly paths: readonly RoutePath[];
}

/** Compiles effective options into a policy, `place` naming it in origin-function failure logs. */
type PolicyCompiler = (options: CorsOptions | false, place: string) => CorsPolicy;

/** Module-wide settings read on every request. */
export interface CorsRequestSettings {
  readonly rejectDisallowedOrigins: boolean;
  readonly unknownRoutes: CorsUnknownRoutes;
  readonly trustProxy: boolean;
}

/**
 * Everything compiled from one set of options: the route table and each handler's route. A
 * request reads one snapshot from start to end, so a reconfiguration never mixes two.
 */
export class CorsSnapshot {
  constructor(
    private readonly table: RouteTable,
    private readonly routesByHandler: ReadonlyMap<Function, ReadonlyMap<Function, CorsRoute>>,
    private readonly unknownRoute: CorsRoute,
    readonly settings: CorsRequestSettings,
    readonly options: Readonly<CorsModuleOptions>,
  ) {}

  /** The routes Nest serves at `pathname` on `hostname`, or `undefined` for paths it does not know. */
  lookup(pathname: string, hostname: string | undefined): PathRoutes | undefined {
    return this.table.lookup(pathname, hostname);
  }

  /** Whether lookups need the request's host name (some controller is host-scoped). */
  get needsHostname(): boolean {
    return this.table.hasHostScopedRoutes;
  }

  /** The route standing for paths Nest does not know (`undefined` with `unknownRoutes: 'skip'`). */
  get routeForUnknownPaths(): CorsRoute | undefined {
    return this.settings.unknownRoutes === 'skip' ? undefined : this.unknownRoute;
  }

  /** The compiled route of a handler. */
  routeFor(controller: Function, handler: Function): CorsRoute | undefined {
    return this.routesByHandler.get(controller)?.get(handler);
  }
}

function addLeadingSlash(path: string): string {
  return path === '' || path.startsWith('/') || path.startsWith('{/') ? path : `/${path}`;
}

function asArray<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T];
}

/** Reads the adapter's own settings that change how requests are matched. */
function adapterSettings(adapterHost: HttpAdapterHost): { caseSensitive: boolean; trustProxy: boolean } {
  const adapter = adapterHost.httpAdapter;
  const instance = adapter?.getInstance?.() as Record<string, unknown> | undefined;
  if (adapter?.getType?.() === 'fastify') {
    const config = (instance?.initialConfig ?? {}) as { caseSensitive?: boolean; trustProxy?: unknown; routerOptions?: { caseSensitive?: boolean } };
    return { caseSensitive: config.routerOptions?.caseSensitive ?? config.caseSensitive ?? true, trustProxy: Boolean(config.trustProxy) };
  }
  const setting = (name: string) => (typeof instance?.get === 'function' ? (instance.get as (name: string) => unknown)(name) : undefined);
  return { caseSensitive: setting('case sensitive routing') === true, trustProxy: Boolean(setting('trust proxy')) };
}

/**
 * Compiles every handler's effective CORS policy at bootstrap and builds the route table the
 * middleware answers preflights from; the middleware, the guard and the interceptor all read the
 * same compiled policies from here. Invalid options fail `app.init()` with one
 * {@link CorsConfigurationError} listing every problem.
 */
@Injectable()
export class CorsPolicyRegistry implements OnModuleInit {
  private sources: readonly HandlerSource[] = [];
  private adapter = { caseSensitive: false, trustProxy: false };
  private snapshot: CorsSnapshot | undefined;
  readonly log: CorsDecisionLog;

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.log = new CorsDecisionLog(options?.debug === true);
  }

  /** The policies in force. Read it once per request. */
  get current(): CorsSnapshot | undefined {
    return this.snapshot;
  }

  onModuleInit(): void {
    this.adapter = adapterSettings(this.adapterHost);
    this.sources = this.discoverHandlers();
    this.snapshot = this.compile(this.options ?? {});
    this.logRoutes();
  }

  /**
   * Compiles new module options against the discovered handlers and swaps them in at once.
   * Throws {@link CorsConfigurationError}, changing nothing, when they are invalid.
   */
  reconfigure(options: CorsModuleOptions): void {
    this.snapshot = this.compile(options);
  }

  private compile(moduleOptions: CorsModuleOptions): CorsSnapshot {
    const problems: CorsProblem[] = [...checkOptionFields(moduleOptions, MODULE_PLACE, true)];
    const moduleCors = pickCorsOptions(moduleOptions);
    problems.push(...checkCombination(moduleCors).map((detail) => ({ place: MODULE_PLACE, ...detail })));

    const compiledOrigins = new Map<unknown, OriginMatcher>();
    const compilePolicy: PolicyCompiler = (options, place) =>
      new CorsPolicy(
        options,
        {
          timeout: moduleOptions.originTimeout ?? DEFAULT_ORIGIN_TIMEOUT,
          cache: moduleOptions.originCache,
          onFailure: (reason) => this.log.originFunctionFailed(place, reason),
        },
        compiledOrigins,
      );
    const moduleRoute = { policy: compilePolicy(moduleCors, MODULE_PLACE), name: MODULE_PLACE };
    const controllerRoutes = new Map<Function, CorsRoute>();
    const routesByHandler = new Map<Function, Map<Function, CorsRoute>>();
    const definitions = [];
    for (const source of this.sources) {
      let controllerRoute = controllerRoutes.get(source.controller);
      if (!controllerRoute) {
        controllerRoute = this.compileControllerRoute(source, moduleCors, moduleRoute.policy, compilePolicy, problems);
        controllerRoutes.set(source.controller, controllerRoute);
      }
      const route = this.compileHandlerRoute(source, controllerRoute, moduleCors, compilePolicy, problems);
      let routes = routesByHandler.get(source.controller);
      if (!routes) routesByHandler.set(source.controller, (routes = new Map()));
      routes.set(source.handler, route);
      for (const path of source.paths) definitions.push({ ...path, route });
    }
    if (problems.length > 0) throw new CorsConfigurationError(dedupe(problems));

    const unknownRoutes = moduleOptions.unknownRoutes ?? 'defaults';
    const unknownRoute = unknownRoutes === 'deny' ? { policy: new CorsPolicy(false), name: "unknown route (unknownRoutes: 'deny')" } : moduleRoute;
    return new CorsSnapshot(
      new RouteTable(definitions, { caseSensitive: this.adapter.caseSensitive }),
      routesByHandler,
      unknownRoute,
      { rejectDisallowedOrigins: moduleOptions.rejectDisallowedOrigins !== false, unknownRoutes, trustProxy: this.adapter.trustProxy },
      moduleOptions,
    );
  }

  private compileControllerRoute(
    source: HandlerSource,
    moduleCors: CorsOptions,
    modulePolicy: CorsPolicy,
    compilePolicy: PolicyCompiler,
    problems: CorsProblem[],
  ): CorsRoute {
    const name = source.controller.name;
    if (source.controllerArgument === undefined) return { policy: modulePolicy, name };
    const level = normalizeCorsArgument(source.controllerArgument);
    if (level) problems.push(...checkOptionFields(level, name, false));
    const merged = mergeCorsLevels(moduleCors, [level]);
    if (merged !== false && level) problems.push(...newCombinationProblems(merged, moduleCors, name));
    return { policy: compilePolicy(merged, name), name };
  }

  private compileHandlerRoute(
    source: HandlerSource,
    controllerRoute: CorsRoute,
    moduleCors: CorsOptions,
    compilePolicy: PolicyCompiler,
    problems: CorsProblem[],
  ): CorsRoute {
    const { name } = source;
    if (source.handlerArgument === undefined) return { policy: controllerRoute.policy, name };
    const level = normalizeCorsArgument(source.handlerArgument);
    const controllerLevel = source.controllerArgument === undefined ? undefined : normalizeCorsArgument(source.controllerArgument);
    if (level) problems.push(...checkOptionFields(level, name, false));
    if (controllerLevel === false && level && level.origin === undefined) {
      problems.push({
        place: name,
        message: '@Cors() without origin under a @Cors(false) controller has no effect',
        fix: 'add origin to enable CORS for this handler, or remove the decorator',
      });
    }
    const merged = mergeCorsLevels(moduleCors, [controllerLevel, level]);
    if (merged !== false && level) {
      const parent = controllerRoute.policy.options === false ? moduleCors : controllerRoute.policy.options;
      problems.push(...newCombinationProblems(merged, parent, name));
    }
    return { policy: compilePolicy(merged, name), name };
  }

  private discoverHandlers(): HandlerSource[] {
    const container = (this.moduleRef as unknown as { container: { applicationConfig?: ApplicationConfig; getModules(): { applicationId?: string } } }).container;
    const config = container.applicationConfig;
    const applicationId = container.getModules().applicationId;
    const versioning = config?.getVersioning() as VersioningOptions | undefined;
    const globalPrefix = addLeadingSlash(config?.getGlobalPrefix() ?? '');
    const pathFactory = config ? new RoutePathFactory(config) : undefined;
    const adapter = this.adapterHost.httpAdapter as { normalizePath?: (path: string) => string } | undefined;
    const sources: HandlerSource[] = [];

    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type<unknown> | undefined;
      const controllerPath = controller && Reflect.getMetadata(PATH_METADATA, controller);
      if (!controller || controllerPath === undefined) continue;
      const controllerArgument = this.reflector.get(Cors, controller);
      const modulePath = modulePathOf(wrapper, applicationId);
      const hosts = asArray<string | RegExp>(Reflect.getMetadata(HOST_METADATA, controller)).map((host) =>
        typeof host === 'string' ? pathToRegexp(host).regexp : host,
      );
      const controllerVersion = versioning ? (Reflect.getMetadata(VERSION_METADATA, controller) ?? versioning.defaultVersion) : undefined;
      const prototype = controller.prototype as Record<string, Function>;

      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methodName];
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
        if (methodPath === undefined) continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler);
        const paths: RoutePath[] = [];
        for (const ctrlPath of asArray<string>(controllerPath).map(addLeadingSlash)) {
          for (const path of asArray<string>(methodPath).map(addLeadingSlash)) {
            const metadata = { ctrlPath, modulePath, globalPrefix, controllerVersion, versioningOptions: versioning, methodVersion, methodPath: path };
            const fullPaths = pathFactory ? pathFactory.create(metadata, requestMethod) : [globalPrefix + ctrlPath + path];
            for (const fullPath of fullPaths) {
              paths.push({
                method: RequestMethod[requestMethod] ?? 'ALL',
                path: adapter?.normalizePath ? adapter.normalizePath(fullPath) : fullPath,
                hosts: hosts.length > 0 ? hosts : undefined,
              });
            }
          }
        }
        sources.push({
          controller,
          handler,
          name: `${controller.name}.${methodName}`,
          controllerArgument,
          handlerArgument: this.reflector.get(Cors, handler),
          paths,
        });
      }
    }
    return sources;
  }

  private logRoutes(): void {
    if (!this.log.enabled) return;
    const descriptions = new Map<CorsPolicy, string>();
    for (const source of this.sources) {
      const route = this.snapshot?.routeFor(source.controller, source.handler);
      if (!route) continue;
      let description = descriptions.get(route.policy);
      if (description === undefined) descriptions.set(route.policy, (description = describePolicy(route.policy)));
      for (const { method, path } of source.paths) this.log.startup(`Mapped {${path}, ${method}} ${route.name}: ${description}`);
    }
  }
}

function modulePathOf(wrapper: InstanceWrapper, applicationId: string | undefined): string | undefined {
  const moduleClass = (wrapper.host as { metatype?: Function } | undefined)?.metatype;
  if (!moduleClass) return undefined;
  return Reflect.getMetadata(MODULE_PATH_METADATA + applicationId, moduleClass) ?? Reflect.getMetadata(MODULE_PATH_METADATA, moduleClass);
}

/** A one-line summary of a policy, for the startup log. */
export function describePolicy(policy: CorsPolicy): string {
  if (!policy.enabled) return 'CORS disabled';
  const origin = policy.options === false ? undefined : policy.options.origin;
  const origins =
    origin === undefined || origin === false ? 'none' : typeof origin === 'function' ? 'function' : asArray<string | RegExp | boolean>(origin as string).map(String).join(' ');
  const extras = [policy.credentials ? ', credentials' : '', policy.maxAge !== undefined ? `, maxAge ${policy.maxAge}` : ''].join('');
  return `origin ${origins}, methods ${policy.methodList.join(',')}${extras}`;
}

/** Combination problems of `merged` that its parent level does not already have. */
function newCombinationProblems(merged: CorsOptions, parent: CorsOptions, place: string): CorsProblem[] {
  const inherited = new Set(checkCombination(parent).map((detail) => detail.message));
  return checkCombination(merged)
    .filter((detail) => !inherited.has(detail.message))
    .map((detail) => ({ place, ...detail }));
}

function dedupe(problems: readonly CorsProblem[]): CorsProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.place}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
