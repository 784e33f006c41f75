// Any other HTTP adapter: use(), path-to-regexp in Nest's order.
import { match } from 'path-to-regexp';
import { OrderedRouteMatcher, targetPathOf, type RouteMatcher } from './core/route-matcher.js';
import { nodeRequestOf, type CorsPlatform, type CorsRequestHandler, type HttpAdapterLike } from './cors-platform.js';
import type { NestRoutes } from './nest-routes.reader.js';

/**
 * Any other HTTP adapter: the handler is mounted with the adapter's `use()`, and routes are
 * matched as Express does by default (first registered wins, path-to-regexp, case-insensitive,
 * trailing slash optional), from the routes Nest computed, in Nest's order.
 */
export class GenericPlatform implements CorsPlatform {
  readonly changed = false;

  constructor(private readonly adapter: HttpAdapterLike) {}

  mount(handler: CorsRequestHandler): void {
    this.adapter.use((raw, response, next) => handler({ request: nodeRequestOf(raw), raw, response, next, takeOver: () => undefined }));
  }

  async ready(): Promise<void> {}

  matcher<T>(nest: NestRoutes, entries: readonly T[]): RouteMatcher<T> {
    const routes = nest.routes.map((route) => {
      const { method, hosts, conditional } = nest.handlers[route.handler];
      const matches = match(route.path, { sensitive: false, end: true, trailing: true, decode: decodeURIComponent });
      return {
        methods: method === 'ALL' ? ('ALL' as const) : new Set([method]),
        path: route.path,
        matches: (pathname: string) => matches(pathname) !== false,
        hosts,
        conditional,
        entry: entries[route.handler],
      };
    });
    return new OrderedRouteMatcher(routes, { caseSensitive: false, pathnameOf: (request) => targetPathOf(request.url) });
  }
}
