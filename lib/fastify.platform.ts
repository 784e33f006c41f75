// The Fastify platform: the adapter's first onRequest hook, find-my-way fed by onRoute.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteMatcher, RoutedRequest } from './core/route-matcher.js';
import { nodeRequestOf, type AdapterRequest, type CorsPlatform, type CorsRequestHandler } from './cors-platform.js';
import { NestRouteJoin, type NestHandler, type NestRoutes } from './nest-routes.reader.js';

type FindMyWayModule = typeof import('find-my-way');
type FindMyWay = ReturnType<FindMyWayModule>;

interface FastifyRequestLike extends AdapterRequest {
  readonly raw: IncomingMessage;
}

interface FastifyReplyLike {
  readonly raw: ServerResponse;
  hijack(): unknown;
}

type RequestHook = (request: FastifyRequestLike, reply: FastifyReplyLike, done: (error?: unknown) => void) => unknown;

/** The route options Fastify hands to `onRoute` hooks, as far as they are read here. */
interface FastifyRouteOptions {
  readonly method: string | readonly string[];
  readonly url: string;
  readonly constraints?: Readonly<Record<string, unknown>>;
  readonly handler?: { readonly name?: string };
}

interface FastifyInstanceLike {
  addHook(name: 'onRoute', hook: (options: FastifyRouteOptions) => void): unknown;
  readonly initialConfig: Readonly<Record<string, unknown>> & { readonly routerOptions?: Readonly<Record<string, unknown>> };
}

/** The parts of Nest's `FastifyAdapter` used here. */
export interface FastifyAdapterLike {
  getInstance(): unknown;
  setOnRequestHook?(hook: RequestHook): void;
  readonly onRequestHook?: RequestHook;
  use(handler: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void): unknown;
  getRouteMatchingOptions?(): {
    caseSensitive?: boolean;
    ignoreTrailingSlash?: boolean;
    maxParamLength?: number;
    useSemicolonDelimiter?: boolean;
  };
  isRoutableRequestTarget?(url: string | undefined): boolean;
}

/** A route as registered with Fastify, seen through its `onRoute` hook. */
interface RegisteredRoute {
  readonly methods: readonly string[];
  readonly url: string;
  readonly host: unknown;
  readonly name: string | undefined;
}

/** What one route of our router stands for, at one method. */
interface RouteStore<T> {
  /** Entries of the Nest handlers at this method, path and host (several for versions); none for routes Nest does not know. */
  readonly entries: T[];
  readonly handlers: NestHandler[];
}

/** One route of one method: its path, host constraint and store. */
interface MethodRoute<T> {
  /** The path and host, which tell routes of one method apart. */
  readonly key: string;
  readonly url: string;
  readonly host: unknown;
  readonly store: RouteStore<T>;
}

/** What one route of a shared tree stands for: its store at each method of the tree. */
type TreeStore<T> = ReadonlyMap<string, RouteStore<T>>;

/** The router options of a Fastify instance that change which route serves a request. */
const ROUTER_OPTION_KEYS = [
  'caseSensitive',
  'ignoreTrailingSlash',
  'ignoreDuplicateSlashes',
  'maxParamLength',
  'allowUnsafeRegex',
  'useSemicolonDelimiter',
] as const;

/**
 * The values Fastify's option validator writes into `routerOptions` for router options it was not
 * given there, although Fastify itself then takes the top-level option of the same name.
 */
const ROUTER_OPTION_DEFAULTS: Readonly<Partial<Record<(typeof ROUTER_OPTION_KEYS)[number], unknown>>> = {
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  maxParamLength: 100,
  allowUnsafeRegex: false,
  useSemicolonDelimiter: false,
};

/** The router options Nest's adapter may report through `getRouteMatchingOptions()`. */
const ADAPTER_MATCHING_KEYS = ['caseSensitive', 'ignoreTrailingSlash', 'maxParamLength', 'useSemicolonDelimiter'] as const;

/**
 * Fastify: the handler runs in the adapter's own first `onRequest` hook, ahead of middie and so of
 * every Nest middleware. Routing is Fastify's own: every route registered with the instance is
 * recorded through an `onRoute` hook (Nest's, plugins' and raw routes alike) and put in a router of
 * the same library Fastify uses, find-my-way (the copy nest-cors resolves, which a deduplicated
 * install shares with Fastify), with the router options read from the instance. find-my-way then does what Fastify does: static before parametric before wildcard,
 * percent-decoding, duplicate and trailing slashes, case, `;` delimiters, absolute-form targets,
 * `maxParamLength` and host constraints. Nest's own checks after routing (a non-empty value for
 * every route parameter, host-scoped controllers, request targets middleware can match) follow.
 */
export class FastifyPlatform implements CorsPlatform {
  private readonly registered: RegisteredRoute[] = [];
  private builtFrom = -1;
  private findMyWay: FindMyWayModule | undefined;

  constructor(private readonly adapter: FastifyAdapterLike) {
    this.instance().addHook('onRoute', (options) => {
      this.registered.push({
        methods: typeof options.method === 'string' ? [options.method] : [...options.method],
        url: options.url,
        host: options.constraints?.host,
        name: options.handler?.name,
      });
    });
  }

  mount(handler: CorsRequestHandler): void {
    const run = (request: FastifyRequestLike, reply: FastifyReplyLike, done: (error?: unknown) => void) =>
      handler({ request, raw: request.raw, response: reply.raw, next: done, takeOver: () => reply.hijack() });
    if (!this.adapter.setOnRequestHook) {
      this.adapter.use((raw, response, next) => handler({ request: nodeRequestOf(raw), raw, response, next, takeOver: noop }));
      return;
    }
    const previous = this.adapter.onRequestHook;
    this.adapter.setOnRequestHook(
      previous
        ? function (this: unknown, request, reply, done) {
            run(request, reply, (error) => (error ? done(error) : previous.call(this, request, reply, done)));
          }
        : run,
    );
  }

  async ready(): Promise<void> {
    const loaded = (await import('find-my-way')) as FindMyWayModule | { default: FindMyWayModule };
    this.findMyWay = 'default' in loaded ? loaded.default : loaded;
  }

  get changed(): boolean {
    return this.registered.length !== this.builtFrom;
  }

  /**
   * find-my-way keeps a tree per method, and building one costs about as much as Fastify's own
   * (a compiled function per static node and per route). Methods whose routes are the same paths
   * and hosts, registered in the same order, have identical trees: those share one, which answers
   * for each of them with that method's store. HEAD and GET always do unless a HEAD route of its
   * own or `exposeHeadRoute: false` sets them apart (Fastify adds a HEAD route after every GET).
   */
  matcher<T>(nest: NestRoutes, entries: readonly T[]): RouteMatcher<T> {
    if (!this.findMyWay) throw new Error('FastifyPlatform.ready() must resolve before matchers are built');
    this.builtFrom = this.registered.length;
    const join = new NestRouteJoin(
      nest,
      this.registered.map((route) => route.name),
    );
    /** Per method, its routes by path and host, in registration order. */
    const routesByMethod = new Map<string, Map<string, MethodRoute<T>>>();
    const methods = new Set<string>();
    for (const route of this.registered) {
      const all = route.methods.length > 1;
      const index =
        join.take(route.name, all ? 'ALL' : route.methods[0], route.url) ??
        (route.methods[0] === 'HEAD' ? join.find(route.name, 'GET', route.url) : undefined);
      const key = `${route.url} ${String(route.host)}`;
      for (const method of route.methods) {
        if (!all) methods.add(method);
        let routes = routesByMethod.get(method);
        if (!routes) routesByMethod.set(method, (routes = new Map()));
        let methodRoute = routes.get(key);
        if (!methodRoute) routes.set(key, (methodRoute = { key, url: route.url, host: route.host, store: { entries: [], handlers: [] } }));
        if (index !== undefined) {
          methodRoute.store.entries.push(entries[index]);
          methodRoute.store.handlers.push(nest.handlers[index]);
        }
      }
    }
    const router = this.findMyWay(this.routerOptions());
    const treeOf = new Map<string, string>();
    const trees: { readonly method: string; readonly routes: readonly MethodRoute<T>[]; readonly stores: Map<string, RouteStore<T>>[] }[] =
      [];
    for (const [method, byKey] of routesByMethod) {
      const routes = [...byKey.values()];
      let tree = trees.find((candidate) => sameRoutes(candidate.routes, routes));
      if (!tree) trees.push((tree = { method, routes, stores: routes.map(() => new Map()) }));
      treeOf.set(method, tree.method);
      routes.forEach((route, position) => tree.stores[position].set(method, route.store));
    }
    for (const tree of trees) {
      tree.routes.forEach((route, position) => {
        try {
          router.on(
            tree.method as never,
            route.url,
            { constraints: route.host === undefined ? {} : { host: route.host } },
            noop,
            tree.stores[position],
          );
        } catch {
          // A route find-my-way refuses is one Fastify refused too: nothing serves it.
        }
      });
    }
    const hostConstrained = this.registered.some((route) => route.host !== undefined);
    return new FastifyRouteMatcher<T>(
      router,
      treeOf,
      [...methods],
      hostConstrained,
      (url) => this.adapter.isRoutableRequestTarget?.(url) ?? true,
    );
  }

  private instance(): FastifyInstanceLike {
    return this.adapter.getInstance() as FastifyInstanceLike;
  }

  /**
   * The instance's router options as Fastify resolves them: one given under `routerOptions` wins
   * over the top-level one. `initialConfig` shows `routerOptions` after validation, which fills in
   * defaults, so a default value there defers to the top-level option.
   */
  private routerOptions(): Record<string, unknown> {
    const config = this.instance().initialConfig;
    const options: Record<string, unknown> = {};
    for (const key of ROUTER_OPTION_KEYS) {
      const underRouterOptions = config.routerOptions?.[key];
      options[key] =
        underRouterOptions !== undefined && underRouterOptions !== ROUTER_OPTION_DEFAULTS[key]
          ? underRouterOptions
          : (config[key] ?? underRouterOptions);
    }
    // Nest's adapter knows which values are in force for the options it reports (Nest 11's reports
    // only `caseSensitive` and `ignoreTrailingSlash`).
    const matching = this.adapter.getRouteMatchingOptions?.() ?? {};
    for (const key of ADAPTER_MATCHING_KEYS) if (matching[key] !== undefined) options[key] = matching[key];
    return options;
  }
}

/** Whether two methods' routes are the same paths and hosts in the same order. */
function sameRoutes(a: readonly MethodRoute<unknown>[], b: readonly MethodRoute<unknown>[]): boolean {
  return a.length === b.length && a.every((route, position) => route.key === b[position].key);
}

class FastifyRouteMatcher<T> implements RouteMatcher<T> {
  /** The last lookup: a preflight asks for every method of one request in turn, and methods share trees. */
  private lastRequest: RoutedRequest | undefined;
  private lastUrl: string | undefined;
  private lastTree: string | undefined;
  private lastFound: ReturnType<FindMyWay['find']> = null;

  constructor(
    private readonly router: FindMyWay,
    /** The method whose tree answers for each method. */
    private readonly treeOf: ReadonlyMap<string, string>,
    readonly methods: readonly string[],
    private readonly hostConstrained: boolean,
    private readonly isRoutable: (url: string) => boolean,
  ) {}

  find(method: string, request: RoutedRequest): readonly T[] | undefined {
    const tree = this.treeOf.get(method);
    if (tree === undefined || !this.isRoutable(request.url)) return undefined;
    const found = this.lookUp(tree, request);
    const store = (found?.store as TreeStore<T> | undefined)?.get(method);
    if (!found || !store || store.entries.length === 0) return undefined;
    for (const name in found.params) if (name !== '*' && found.params[name] === '') return undefined;
    const hosts = store.handlers[0].hosts;
    if (hosts && !hosts.some((host) => request.hostname !== undefined && host.test(request.hostname))) return undefined;
    return store.entries;
  }

  private lookUp(tree: string, request: RoutedRequest): ReturnType<FindMyWay['find']> {
    if (this.lastRequest === request && this.lastUrl === request.url && this.lastTree === tree) return this.lastFound;
    const found = this.router.find(tree as never, request.url, this.hostConstrained ? { host: request.headers.host } : undefined);
    this.lastRequest = request;
    this.lastUrl = request.url;
    this.lastTree = tree;
    return (this.lastFound = found);
  }
}

function noop(): void {}
