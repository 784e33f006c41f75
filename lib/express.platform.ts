// The Express platform: app.use() first, Express's own router stack.
import type { IncomingMessage, ServerResponse } from 'node:http';
import parseurl from 'parseurl';
import { OrderedRouteMatcher, type OrderedRoute, type RouteMatcher, type RoutedRequest } from './core/route-matcher.js';
import { hookResponsePrototype } from './cors-head.hook.js';
import type { AdapterRequest, CorsPlatform, CorsRequestHandler } from './cors-platform.js';
import { NestRouteJoin, type NestRoutes } from './nest-routes.reader.js';

/** The parts of Nest's `ExpressAdapter` used here. */
export interface ExpressAdapterLike {
  getInstance(): unknown;
  use(handler: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void): unknown;
  getRouteMatchingOptions?(): { caseSensitive?: boolean };
}

/** A layer of Express 5's router stack (the `router` package), as far as it is read here. */
interface ExpressLayer {
  readonly route?: {
    readonly path: unknown;
    readonly methods: Readonly<Record<string, boolean>>;
    readonly stack: readonly { readonly handle?: { readonly name?: string } }[];
  };
  readonly matchers?: readonly ((path: string) => unknown)[];
  match?(path: string): unknown;
}

interface ExpressRouter {
  readonly stack?: readonly ExpressLayer[];
  readonly caseSensitive?: boolean;
}

/**
 * Express: the handler is an application-level middleware added when the adapter is created,
 * ahead of the body parsers and every middleware `app.init()` and `main.ts` add. Routing is
 * Express's own: the routes of the application router's stack in registration order, each matched
 * with the path-to-regexp matchers the router compiled for it (with the app's `case sensitive
 * routing` and `strict routing`), against the path `parseurl` gives, as the router does.
 */
export class ExpressPlatform implements CorsPlatform {
  private stackSize = -1;

  constructor(private readonly adapter: ExpressAdapterLike) {}

  mount(handler: CorsRequestHandler): void {
    const response = (this.adapter.getInstance() as { response?: object }).response;
    if (response) hookResponsePrototype(response);
    this.adapter.use((request, response, next) =>
      handler({ request: request as unknown as AdapterRequest, raw: request, response, next, takeOver: noop }),
    );
  }

  async ready(): Promise<void> {}

  /**
   * Whether routes were added since the last matcher. Layers without a route (middleware, and
   * the not-found and error handlers Nest adds after bootstrap) change no lookup.
   */
  get changed(): boolean {
    const stack = this.router()?.stack ?? [];
    if (stack.length === this.stackSize) return false;
    if (this.stackSize < 0 || stack.length < this.stackSize) return true;
    for (let index = this.stackSize; index < stack.length; index++) if (stack[index].route) return true;
    this.stackSize = stack.length;
    return false;
  }

  matcher<T>(nest: NestRoutes, entries: readonly T[]): RouteMatcher<T> {
    const router = this.router();
    const stack = router?.stack ?? [];
    this.stackSize = stack.length;
    const joined = new NestRouteJoin(
      nest,
      stack.map((layer) => layer.route?.stack[0]?.handle?.name),
    );
    const routes: OrderedRoute<T>[] = [];
    for (const layer of stack) {
      const route = layer.route;
      if (!route || typeof route.path !== 'string') continue;
      const methods = Object.keys(route.methods).filter((method) => route.methods[method]);
      // Express 5 registers `all()` as every method it knows, one by one.
      const index = joined.take(route.stack[0]?.handle?.name, methods.length === 1 ? methods[0].toUpperCase() : 'ALL', route.path);
      const handler = index === undefined ? undefined : nest.handlers[index];
      const all = methods.includes('_all') || handler?.method === 'ALL';
      routes.push({
        methods: all ? 'ALL' : new Set(methods.map((method) => method.toUpperCase())),
        path: route.path,
        matches: layerMatcher(layer),
        hosts: handler?.hosts,
        conditional: handler?.conditional ?? false,
        entry: index === undefined ? undefined : entries[index],
      });
    }
    const caseSensitive = this.adapter.getRouteMatchingOptions?.().caseSensitive ?? router?.caseSensitive === true;
    return new OrderedRouteMatcher(routes, { caseSensitive, pathnameOf });
  }

  private router(): ExpressRouter | undefined {
    const app = this.adapter.getInstance() as { router?: ExpressRouter; _router?: ExpressRouter };
    return app.router ?? app._router;
  }
}

function noop(): void {}

/** The path the Express router matches routes against: `parseurl`'s pathname, undecoded. */
function pathnameOf(request: RoutedRequest): string | undefined {
  try {
    return parseurl(request as unknown as IncomingMessage)?.pathname ?? undefined;
  } catch {
    return undefined;
  }
}

/** The layer's own matchers; their result is a match object or `false`. */
function layerMatcher(layer: ExpressLayer): (pathname: string) => boolean {
  const matchers = layer.matchers;
  if (matchers) return (pathname) => matchers.some((matcher) => matcher(pathname) !== false);
  return (pathname) => Boolean(layer.match?.(pathname));
}
