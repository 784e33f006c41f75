import { Inject, Injectable, Logger, RequestMethod, type OnModuleInit, type Type, type VersioningOptions } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost, MetadataScanner, ModuleRef, Reflector, type ApplicationConfig } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { pathToRegexp } from 'path-to-regexp';
import { CorsConfigurationError } from './cors-configuration.error.js';
import { Cors } from './cors.decorator.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions, CorsOptions, CorsUnknownRoutes } from './cors-options.interface.js';
import type { CorsRoute, PathRoutes } from './core/cors-decision.js';
import { CorsPolicy } from './core/cors-policy.js';
import type { CorsProblem } from './core/cors-problem.js';
import { mergeCorsLevels, normalizeCorsArgument, pickCorsOptions, type CorsLevel } from './core/options-merge.js';
import { checkCombination, checkOptionFields } from './core/options-validation.js';
import { RouteTable, type RouteDefinition } from './core/route-table.js';

// Nest's metadata keys, by value: the constants moved between Nest 11 and 12.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const VERSION_METADATA = '__version__';
const HOST_METADATA = 'host';
const MODULE_PATH_METADATA = '__module_path__';

const MODULE_PLACE = 'CorsModule options';

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
 * Compiles every handler's effective CORS policy once, at bootstrap, and builds the route table
 * the middleware answers preflights from. The middleware, the guard and the interceptor all read
 * the same compiled policies from here. Invalid options fail `app.init()` with one
 * {@link CorsConfigurationError} listing every problem.
 *
 * @publicApi
 */
@Injectable()
export class CorsPolicyRegistry implements OnModuleInit {
  private readonly logger = new Logger('CorsModule');
  private readonly routesByHandler = new Map<Function, Map<Function, CorsRoute>>();
  private readonly controllerLevels = new Map<Function, { level: CorsLevel; route: CorsRoute }>();
  private table: RouteTable | undefined;
  private unknownRoute: CorsRoute | undefined;
  private settings = { caseSensitive: false, trustProxy: false };

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Whether cross-origin requests from disallowed origins are answered with 403. */
  get rejectsDisallowedOrigins(): boolean {
    return this.options.rejectDisallowedOrigins !== false;
  }

  /** What paths Nest has no route for get. */
  get unknownRoutes(): CorsUnknownRoutes {
    return this.options.unknownRoutes ?? 'defaults';
  }

  /** Whether `X-Forwarded-Host` is trusted (the adapter is set to trust proxies). */
  get trustsProxy(): boolean {
    return this.settings.trustProxy;
  }

  /** Whether decisions are logged. */
  get debug(): boolean {
    return this.options.debug === true;
  }

  onModuleInit(): void {
    this.settings = adapterSettings(this.adapterHost);
    const problems: CorsProblem[] = [];
    const moduleOptions = this.options ?? {};
    problems.push(...checkOptionFields(moduleOptions, MODULE_PLACE, true));
    const moduleCors = pickCorsOptions(moduleOptions);
    problems.push(...checkCombination(moduleCors).map((detail) => ({ place: MODULE_PLACE, ...detail })));
    const definitions = this.collectRoutes(moduleCors, problems);
    if (problems.length > 0) throw new CorsConfigurationError(dedupe(problems));

    this.table = new RouteTable(definitions, { caseSensitive: this.settings.caseSensitive });
    this.unknownRoute =
      this.unknownRoutes === 'deny'
        ? { policy: new CorsPolicy(false), name: "unknown route (unknownRoutes: 'deny')" }
        : { policy: new CorsPolicy(moduleCors), name: MODULE_PLACE };
    if (this.debug) this.logRoutes(definitions);
  }

  /** The routes Nest serves at `pathname` on `hostname`, or `undefined` for paths it does not know. */
  lookup(pathname: string, hostname: string | undefined): PathRoutes | undefined {
    return this.table?.lookup(pathname, hostname);
  }

  /** The route standing for paths Nest does not know (`undefined` with `unknownRoutes: 'skip'`). */
  get routeForUnknownPaths(): CorsRoute | undefined {
    return this.unknownRoutes === 'skip' ? undefined : this.unknownRoute;
  }

  /** The compiled route of a handler, as the guard and interceptor see it. */
  routeFor(controller: Type<unknown> | Function, handler: Function): CorsRoute | undefined {
    return this.routesByHandler.get(controller)?.get(handler);
  }

  /** Logs one decision when `debug` is on. */
  explain(message: string): void {
    if (this.debug) this.logger.debug(message);
  }

  private collectRoutes(moduleCors: CorsOptions, problems: CorsProblem[]): RouteDefinition[] {
    const container = (this.moduleRef as unknown as { container: { applicationConfig?: ApplicationConfig; getModules(): { applicationId?: string } } }).container;
    const config = container.applicationConfig;
    const applicationId = container.getModules().applicationId;
    const versioning = config?.getVersioning() as VersioningOptions | undefined;
    const globalPrefix = addLeadingSlash(config?.getGlobalPrefix() ?? '');
    const pathFactory = config ? new RoutePathFactory(config) : undefined;
    const adapter = this.adapterHost.httpAdapter as { normalizePath?: (path: string) => string } | undefined;
    const definitions: RouteDefinition[] = [];

    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type<unknown> | undefined;
      const controllerPath = controller && Reflect.getMetadata(PATH_METADATA, controller);
      if (!controller || controllerPath === undefined) continue;
      const controllerRoute = this.compileControllerRoute(controller, moduleCors, problems);
      const modulePath = this.modulePath(wrapper, applicationId);
      const hosts = asArray<string | RegExp>(Reflect.getMetadata(HOST_METADATA, controller)).map((host) =>
        typeof host === 'string' ? pathToRegexp(host).regexp : host,
      );
      const controllerVersion = versioning ? (Reflect.getMetadata(VERSION_METADATA, controller) ?? versioning.defaultVersion) : undefined;
      const prototype = controller.prototype as Record<string, Function>;

      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[methodName];
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
        if (methodPath === undefined) continue;
        const route = this.compileHandlerRoute(controller, methodName, controllerRoute, moduleCors, problems);
        let routes = this.routesByHandler.get(controller);
        if (!routes) this.routesByHandler.set(controller, (routes = new Map()));
        routes.set(handler, route);

        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler);
        for (const ctrlPath of asArray<string>(controllerPath).map(addLeadingSlash)) {
          for (const path of asArray<string>(methodPath).map(addLeadingSlash)) {
            const metadata = { ctrlPath, modulePath, globalPrefix, controllerVersion, versioningOptions: versioning, methodVersion, methodPath: path };
            const fullPaths = pathFactory ? pathFactory.create(metadata, requestMethod) : [globalPrefix + ctrlPath + path];
            for (const fullPath of fullPaths) {
              definitions.push({
                method: RequestMethod[requestMethod] ?? 'ALL',
                path: adapter?.normalizePath ? adapter.normalizePath(fullPath) : fullPath,
                hosts: hosts.length > 0 ? hosts : undefined,
                route,
              });
            }
          }
        }
      }
    }
    return definitions;
  }

  private modulePath(wrapper: InstanceWrapper, applicationId: string | undefined): string | undefined {
    const moduleClass = (wrapper.host as { metatype?: Function } | undefined)?.metatype;
    if (!moduleClass) return undefined;
    return Reflect.getMetadata(MODULE_PATH_METADATA + applicationId, moduleClass) ?? Reflect.getMetadata(MODULE_PATH_METADATA, moduleClass);
  }

  private compileControllerRoute(controller: Type<unknown>, moduleCors: CorsOptions, problems: CorsProblem[]): CorsRoute {
    const argument = this.reflector.get(Cors, controller);
    const level = argument === undefined ? undefined : normalizeCorsArgument(argument);
    if (level) problems.push(...checkOptionFields(level, controller.name, false));
    const merged = mergeCorsLevels(moduleCors, [level]);
    if (merged !== false && level) problems.push(...newCombinationProblems(merged, moduleCors, controller.name));
    const route = { policy: new CorsPolicy(merged), name: controller.name };
    this.controllerLevels.set(controller, { level, route });
    return route;
  }

  private compileHandlerRoute(
    controller: Type<unknown>,
    methodName: string,
    controllerRoute: CorsRoute,
    moduleCors: CorsOptions,
    problems: CorsProblem[],
  ): CorsRoute {
    const name = `${controller.name}.${methodName}`;
    const argument = this.reflector.get(Cors, (controller.prototype as Record<string, Function>)[methodName]);
    if (argument === undefined) return { policy: controllerRoute.policy, name };
    const level = normalizeCorsArgument(argument);
    const controllerLevel = this.controllerLevels.get(controller)?.level;
    if (level) problems.push(...checkOptionFields(level, name, false));
    if (controllerLevel === false && level && level.origin === undefined) {
      problems.push({
        place: name,
        message: `@Cors() without origin under a @Cors(false) controller has no effect`,
        fix: 'add origin to enable CORS for this handler, or remove the decorator',
      });
    }
    const merged = mergeCorsLevels(moduleCors, [controllerLevel, level]);
    if (merged !== false && level) {
      const parent = controllerLevel === false ? moduleCors : controllerRoute.policy.options || moduleCors;
      problems.push(...newCombinationProblems(merged, parent, name));
    }
    return { policy: new CorsPolicy(merged), name };
  }

  private logRoutes(definitions: readonly RouteDefinition[]): void {
    for (const { method, path, route } of definitions) {
      const { policy } = route;
      const summary = !policy.enabled
        ? 'CORS disabled'
        : `origin ${describeOrigin(policy.options)}, methods ${policy.methodList.join(',')}${policy.credentials ? ', credentials' : ''}${policy.maxAge !== undefined ? `, maxAge ${policy.maxAge}` : ''}`;
      this.logger.debug(`Mapped {${path}, ${method}} ${route.name}: ${summary}`);
    }
  }
}

function describeOrigin(options: CorsOptions | false): string {
  const origin = options === false ? false : options.origin;
  if (origin === undefined || origin === false) return 'none';
  if (typeof origin === 'function') return 'function';
  return asArray<string | RegExp>(origin as string | RegExp).map(String).join(' ');
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
