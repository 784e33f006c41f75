// Any other HTTP adapter: use(), path-to-regexp in Nest's order.
import { match } from 'path-to-regexp';
import { OrderedRouteMatcher, type RouteMatcher, type RoutedRequest } from './core/route-matcher.js';
import type { AdapterRequest, CorsPlatform, CorsRequestHandler, HttpAdapterLike } from './cors-platform.js';
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
    this.adapter.use((raw, response, next) => {
      const host = raw.headers.host;
      const request: AdapterRequest = {
        url: raw.url ?? '/',
        headers: raw.headers,
        host,
        hostname: host?.replace(/:\d*$/, ''),
        protocol: (raw.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      };
      handler({ request, raw, response, next, takeOver: () => undefined });
    });
  }

  async ready(): Promise<void> {}

  matcher<T>(nest: NestRoutes, entries: readonly T[]): RouteMatcher<T> {
    const routes = nest.routes.map((route) => {
      const matches = match(route.path, { sensitive: false, end: true, trailing: true, decode: decodeURIComponent });
      return {
        methods: route.method === 'ALL' ? ('ALL' as const) : new Set([route.method]),
        path: route.path,
        matches: (pathname: string) => matches(pathname) !== false,
        hosts: route.hosts,
        conditional: route.conditional,
        entry: entries[route.handler],
      };
    });
    return new OrderedRouteMatcher(routes, { caseSensitive: false, pathnameOf });
  }
}

function pathnameOf(request: RoutedRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}
