// The one file that reads Nest internals: handlers, routes, versions, hosts, gateways.
import { RequestMethod, VERSION_NEUTRAL, VersioningType, type Type, type VersioningOptions } from '@nestjs/common';
import type { ApplicationConfig, DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { LegacyRouteConverter } from '@nestjs/core/router/legacy-route-converter.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { pathToRegexp } from 'path-to-regexp';
import type { CorsDecoratorArgument } from './core/cors-options.js';
import { Cors } from './cors.decorator.js';

// Nest's metadata keys, by value: the constants moved between Nest 11 and 12.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const VERSION_METADATA = '__version__';
const HOST_METADATA = 'host';
const MODULE_PATH_METADATA = '__module_path__';
const GATEWAY_METADATA = 'websockets:is_gateway';
const GATEWAY_OPTIONS = 'websockets:gateway_options';
const PORT_METADATA = 'port';

/** A method of a controller class, as the prototype holds it. */
export type RouteHandler = (...args: never[]) => unknown;

/** A controller method that Nest routes requests to, with its `@Cors()` levels. */
export interface NestHandler {
  readonly controller: Type<unknown>;
  readonly handler: RouteHandler;
  /** `Controller.method`, as Nest names the callback it registers with the adapter. */
  readonly name: string;
  readonly controllerArgument: CorsDecoratorArgument | undefined;
  readonly handlerArgument: CorsDecoratorArgument | undefined;
  /** Upper-case method, or `ALL` for `@All()`. */
  readonly method: string;
  /** Host patterns of a host-scoped controller, compiled as Nest's host filter does. */
  readonly hosts: readonly RegExp[] | undefined;
  /** Whether a version filter may pass the request on (header, media-type, custom versioning). */
  readonly conditional: boolean;
}

/** One route Nest registers for a handler, as it passes it to the HTTP adapter. */
export interface NestRoute {
  /** Index of the handler in {@link NestRoutes.handlers}. */
  readonly handler: number;
  /** The path passed to the adapter (global prefix, version, module and controller paths). */
  readonly path: string;
}

/** What bootstrap learns from Nest: its handlers and the routes it registers for them. */
export interface NestRoutes {
  readonly handlers: readonly NestHandler[];
  /**
   * In the order Nest registers them. Computed at the first read: where the names of the
   * callbacks registered with the adapter say whose they are (Nest 12), pairing them with
   * handlers needs no path.
   */
  readonly routes: readonly NestRoute[];
}

/** {@link NestRoutes} whose paths are computed once, when first read. */
class LazyNestRoutes implements NestRoutes {
  private computed: readonly NestRoute[] | undefined;

  constructor(
    readonly handlers: readonly NestHandler[],
    private readonly computeRoutes: () => NestRoute[],
  ) {}

  get routes(): readonly NestRoute[] {
    return (this.computed ??= this.computeRoutes());
  }
}

/** The Nest objects the route reader needs. */
export interface NestRouteSources {
  readonly discovery: DiscoveryService;
  readonly scanner: MetadataScanner;
  readonly reflector: Reflector;
  readonly moduleRef: ModuleRef;
}

/**
 * A `@WebSocketGateway()` class: where Nest serves it, as Nest passes it to the WebSocket
 * adapter's `create(port, options)`, and its `@Cors()` argument.
 */
export interface NestGateway {
  readonly gateway: Type<unknown>;
  /** The class name, for reports and logs. */
  readonly name: string;
  /** `@WebSocketGateway(port)`; 0 (the default) shares the HTTP server. */
  readonly port: number;
  /** The `path` option as written; Nest hands it to the adapter unchanged. */
  readonly path: unknown;
  /**
   * The namespace as Nest hands it to the adapter: `'/'` for the main namespace, else a string
   * with a leading slash, a RegExp or a function (Socket.IO's dynamic namespaces).
   */
  readonly namespace: unknown;
  readonly corsArgument: CorsDecoratorArgument | undefined;
  /** Whether the gateway options set Socket.IO's own `cors`. */
  readonly hasOwnCors: boolean;
  /** Methods of the gateway that carry `@Cors()` (`Gateway.method`). */
  readonly decoratedMethods: readonly string[];
}

/** What bootstrap learns about the app's WebSocket gateways. */
export interface NestGateways {
  readonly gateways: readonly NestGateway[];
  /** The WebSocket adapter Nest bound the gateways with (`app.useWebSocketAdapter()`, else its default). */
  readonly adapter: unknown;
}

/** What the route reader reads behind `ModuleRef`. */
interface NestContainer {
  readonly applicationConfig?: ApplicationConfig;
  getModules(): { applicationId?: string };
  /** The HTTP adapter, whose `normalizePath()` Nest applies to every route path. */
  getHttpAdapterRef(): { normalizePath?: (path: string) => string } | undefined;
}

function addLeadingSlash(path: string): string {
  return path === '' || path.startsWith('/') || path.startsWith('{/') ? path : `/${path}`;
}

function asArray<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T];
}

/**
 * Reads every handler Nest routes to and the routes it registers for them, the way Nest computes
 * them: this is the one place that knows Nest's internals (the application config behind
 * `ModuleRef`, route metadata keys, module paths of `RouterModule`, `RoutePathFactory` for the
 * global prefix, its exclusions and versioning). The paths are computed when first read.
 */
export function readNestRoutes(sources: NestRouteSources): NestRoutes {
  const container = (sources.moduleRef as unknown as { container: NestContainer }).container;
  const config = container.applicationConfig;
  const applicationId = container.getModules().applicationId;
  const versioning = config?.getVersioning() as VersioningOptions | undefined;
  const globalPrefix = addLeadingSlash(config?.getGlobalPrefix() ?? '');
  const pathFactory = config ? new RoutePathFactory(config) : undefined;
  const adapter = container.getHttpAdapterRef();
  const normalize = (path: string) => (adapter?.normalizePath ? quietly(() => adapter.normalizePath!(path)) : path);
  const handlers: NestHandler[] = [];
  /** Per handler, what computes its routes: Nest's paths for it, as it passes them to the adapter. */
  const pathSources: (() => NestRoute[])[] = [];

  for (const wrapper of sources.discovery.getControllers()) {
    const controller = wrapper.metatype as Type<unknown> | undefined;
    const controllerPath = controller && Reflect.getMetadata(PATH_METADATA, controller);
    if (!controller || controllerPath === undefined) continue;
    const controllerArgument = sources.reflector.get(Cors, controller);
    const modulePath = modulePathOf(wrapper, applicationId);
    const hostMetadata = asArray<string | RegExp>(Reflect.getMetadata(HOST_METADATA, controller));
    const hosts =
      hostMetadata.length > 0 ? hostMetadata.map((host) => (typeof host === 'string' ? pathToRegexp(host).regexp : host)) : undefined;
    const controllerVersion = versioning ? (Reflect.getMetadata(VERSION_METADATA, controller) ?? versioning.defaultVersion) : undefined;
    const prototype = controller.prototype as Record<string, RouteHandler>;

    for (const methodName of sources.scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPath === undefined) continue;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      const methodVersion = Reflect.getMetadata(VERSION_METADATA, handler);
      const version = methodVersion ?? controllerVersion;
      const index =
        handlers.push({
          controller,
          handler,
          name: `${wrapper.name}.${methodName}`,
          controllerArgument,
          handlerArgument: sources.reflector.get(Cors, handler),
          method: RequestMethod[requestMethod] ?? 'ALL',
          hosts,
          conditional:
            versioning !== undefined && versioning.type !== VersioningType.URI && version !== undefined && version !== VERSION_NEUTRAL,
        }) - 1;
      pathSources.push(() => {
        const routes: NestRoute[] = [];
        for (const ctrlPath of asArray<string>(controllerPath).map(addLeadingSlash)) {
          for (const path of asArray<string>(methodPath).map(addLeadingSlash)) {
            const metadata = {
              ctrlPath,
              modulePath,
              globalPrefix,
              controllerVersion,
              versioningOptions: versioning,
              methodVersion,
              methodPath: path,
            };
            const fullPaths = pathFactory ? pathFactory.create(metadata, requestMethod) : [globalPrefix + ctrlPath + path];
            for (const fullPath of fullPaths) routes.push({ handler: index, path: normalize(fullPath) });
          }
        }
        return routes;
      });
    }
  }
  return new LazyNestRoutes(handlers, () => pathSources.flatMap((routesOf) => routesOf()));
}

/**
 * Runs `convert` with the warnings of Nest's legacy-path converter off: Nest logged them already
 * when it registered the same paths.
 */
function quietly<T>(convert: () => T): T {
  const printWarning = LegacyRouteConverter.printWarning;
  LegacyRouteConverter.printWarning = () => undefined;
  try {
    return convert();
  } finally {
    LegacyRouteConverter.printWarning = printWarning;
  }
}

/**
 * Reads every `@WebSocketGateway()` class among the providers, with the port, path and namespace
 * Nest serves it on (metadata keys of `@nestjs/websockets`, read by value so that this file never
 * loads it).
 */
export function readNestGateways(sources: NestRouteSources): NestGateways {
  const container = (sources.moduleRef as unknown as { container: NestContainer }).container;
  const gateways = new Map<object, NestGateway>();
  for (const wrapper of sources.discovery.getProviders()) {
    const gateway = wrapper.metatype as Type<unknown> | undefined;
    if (!gateway || wrapper.isNotMetatype || gateways.has(gateway) || Reflect.getMetadata(GATEWAY_METADATA, gateway) !== true) continue;
    const options = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {}) as { path?: unknown; namespace?: unknown; cors?: unknown };
    const prototype = gateway.prototype as Record<string, RouteHandler>;
    gateways.set(gateway, {
      gateway,
      name: gateway.name,
      port: Reflect.getMetadata(PORT_METADATA, gateway) || 0,
      path: options.path,
      namespace: namespaceOf(options.namespace),
      corsArgument: sources.reflector.get(Cors, gateway),
      hasOwnCors: options.cors !== undefined,
      decoratedMethods: sources.scanner
        .getAllMethodNames(prototype)
        .filter((methodName) => sources.reflector.get(Cors, prototype[methodName]) !== undefined)
        .map((methodName) => `${gateway.name}.${methodName}`),
    });
  }
  return { gateways: [...gateways.values()], adapter: container.applicationConfig?.getIoAdapter() };
}

/** The namespace as Nest's socket server provider passes it on (a leading slash added to strings). */
function namespaceOf(namespace: unknown): unknown {
  if (!namespace) return '/';
  return typeof namespace === 'string' ? addLeadingSlash(namespace) : namespace;
}

function modulePathOf(wrapper: InstanceWrapper, applicationId: string | undefined): string | undefined {
  const moduleClass = (wrapper.host as { metatype?: object } | undefined)?.metatype;
  if (!moduleClass) return undefined;
  return Reflect.getMetadata(MODULE_PATH_METADATA + applicationId, moduleClass) ?? Reflect.getMetadata(MODULE_PATH_METADATA, moduleClass);
}

/**
 * Pairs the routes registered with the HTTP adapter with Nest's handlers. Nest 12 names each
 * callback it registers `Controller.method`: where the registered names are such names, a route
 * belongs to the handler of its name and method, and the paths Nest computed are read only to
 * tell apart handlers that share a name (controllers of the same class name in two modules), with
 * the route's own path. Nest 11's callbacks have no such names: routes are paired with the routes
 * Nest computed by method and path, in registration order.
 */
export class NestRouteJoin {
  /** Handler indexes by name. */
  private readonly byName = new Map<string, number[]>();
  /** The Nest routes by method, path and (where names say whose they are) handler name; made when first needed. */
  private byKey: Map<string, NestRoute[]> | undefined;
  private readonly used = new Set<NestRoute>();
  private readonly named: boolean;

  /** @param registeredNames the names of every callback registered with the adapter */
  constructor(
    private readonly nest: NestRoutes,
    registeredNames: Iterable<string | undefined>,
  ) {
    nest.handlers.forEach(({ name }, index) => {
      const indexes = this.byName.get(name);
      if (indexes) indexes.push(index);
      else this.byName.set(name, [index]);
    });
    this.named = [...registeredNames].some((name) => name !== undefined && this.byName.has(name));
  }

  /**
   * The index of the Nest handler behind a registered route, or `undefined` for a route Nest does
   * not know.
   *
   * @param name the registered callback's name
   * @param method the registered method, `ALL` for every method
   */
  take(name: string | undefined, method: string | undefined, path: string): number | undefined {
    if (method === undefined) return undefined;
    const single = this.namedHandler(name, method);
    if (single !== undefined) return single === false ? undefined : single;
    const route = this.routesAt(name, method, path)?.find((candidate) => !this.used.has(candidate));
    if (route) this.used.add(route);
    return route?.handler;
  }

  /** The Nest handler registered as `method` at `path`, taken or not (the GET behind Fastify's own HEAD). */
  find(name: string | undefined, method: string, path: string): number | undefined {
    const single = this.namedHandler(name, method);
    if (single !== undefined) return single === false ? undefined : single;
    return this.routesAt(name, method, path)?.[0]?.handler;
  }

  /**
   * Where names say whose routes are and `name` is one handler's: that handler if it serves
   * `method`, else `false`. `undefined` when the name alone does not tell.
   */
  private namedHandler(name: string | undefined, method: string): number | false | undefined {
    if (!this.named) return undefined;
    const indexes = name === undefined ? undefined : this.byName.get(name);
    if (!indexes) return false;
    if (indexes.length > 1) return undefined;
    return this.nest.handlers[indexes[0]].method === method ? indexes[0] : false;
  }

  private routesAt(name: string | undefined, method: string, path: string): NestRoute[] | undefined {
    if (!this.byKey) {
      this.byKey = new Map();
      for (const route of this.nest.routes) {
        const handler = this.nest.handlers[route.handler];
        const key = this.key(handler.name, handler.method, route.path);
        const queue = this.byKey.get(key);
        if (queue) queue.push(route);
        else this.byKey.set(key, [route]);
      }
    }
    return this.byKey.get(this.key(name, method, path));
  }

  private key(name: string | undefined, method: string, path: string): string {
    return this.named ? `${name}\n${method} ${path}` : `${method} ${path}`;
  }
}
