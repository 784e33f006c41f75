// The platform port: where nest-cors mounts and how it asks the adapter's router.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RouteMatcher } from './core/route-matcher.js';
import type { NestRoutes } from './nest-routes.reader.js';

/**
 * A request as the HTTP adapter presents it (Express's `req`, Fastify's `request`): the target,
 * headers and the host name and scheme the adapter derives (from `X-Forwarded-*` where it trusts
 * proxies), which routing and same-origin detection must read the way the adapter does.
 */
export interface AdapterRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Host name without port, as the adapter reports it to Nest's host filters. */
  readonly hostname: string | undefined;
  /** `Host` with its port, as the adapter derives it. */
  readonly host: string | undefined;
  /** `http` or `https`, as the adapter derives it. */
  readonly protocol: string;
}

/**
 * A raw Node request seen as an adapter would present it without proxy trust: the target, the
 * `Host` header and the scheme of the connection.
 */
export function nodeRequestOf(raw: IncomingMessage): AdapterRequest {
  const host = raw.headers.host;
  return {
    url: raw.url ?? '/',
    headers: raw.headers,
    host,
    hostname: host?.replace(/:\d*$/, ''),
    protocol: (raw.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
  };
}

/** What nest-cors does with a request, given the adapter's and Node's views of it. */
export interface CorsExchange {
  readonly request: AdapterRequest;
  readonly raw: IncomingMessage;
  readonly response: ServerResponse;
  /** Passes the request on to the app (with an error, to its error handling). */
  readonly next: (error?: unknown) => void;
  /** Called before nest-cors ends the response itself, so the adapter lets go of it. */
  readonly takeOver: () => void;
}

/** Handles one request's CORS before the app sees it. */
export type CorsRequestHandler = (exchange: CorsExchange) => void;

/**
 * What nest-cors needs from an HTTP adapter: a place ahead of every Nest middleware, guard and
 * route to handle requests, and the adapter's own answer to "which route serves this request".
 */
export interface CorsPlatform {
  /** Mounts the handler ahead of the app's middleware and routes. Called once, before `app.init()`. */
  mount(handler: CorsRequestHandler): void;
  /** Resolves once the platform can build matchers (its router library loaded). */
  ready(): Promise<void>;
  /**
   * A matcher over the routes registered with the adapter, each route of a Nest handler carrying
   * that handler's entry (`entries[index]`, `index` its place in `nest.handlers`).
   */
  matcher<T>(nest: NestRoutes, entries: readonly T[]): RouteMatcher<T>;
  /** Whether routes were registered since the last {@link matcher} call (plugins, late raw routes). */
  readonly changed: boolean;
}

/** The parts of Nest's HTTP adapters the platforms read. */
export interface HttpAdapterLike {
  getType(): string;
  getInstance(): unknown;
  use(handler: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void): unknown;
}
