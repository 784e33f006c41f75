import type { IncomingMessage } from 'node:http';

/**
 * Decides at request time whether an origin may make cross-origin requests.
 *
 * Receives the request's `Origin` value (already checked to be a well-formed serialized origin,
 * never `null`) and Node's `IncomingMessage` on both adapters. Return (or resolve to) `true` to
 * allow. A function that throws or rejects disallows the origin.
 *
 * @publicApi
 */
export type CorsOriginFunction = (
  origin: string,
  request: IncomingMessage,
) => boolean | Promise<boolean>;

/**
 * Which origins may make cross-origin requests.
 *
 * - `'https://app.example.com'`: exactly that origin, written as browsers serialize it
 *   (`new URL(x).origin`: `scheme://host[:port]`, lower case, punycode, canonical IP address, no
 *   default port, no path). A host may end in one dot (`https://a.com.`), another origin than
 *   the same host without it.
 * - `'*'`: any origin; `Access-Control-Allow-Origin` is then always the literal `*`.
 * - `'null'`: only the literal `null` origin (sandboxed iframes, `file:` pages).
 * - `'https://*.example.com'`: any subdomain (one or more whole labels), never the apex. Refused
 *   when `example.com` is a public suffix listed in the Public Suffix List (ICANN or private
 *   section: `*.com`, `*.github.io`) or when a rule of the list lies under it (`*.amazonaws.com`);
 *   names the list does not mention (`*.internal`, `*.localhost`) are allowed.
 * - `'https://example.com:*'`: any port, including none.
 * - A RegExp anchored with `^…$`, tested against the whole origin.
 * - A {@link CorsOriginFunction}.
 * - An array of strings and RegExps.
 * - `true` reflects any well-formed origin; `false` allows none.
 *
 * @publicApi
 */
export type CorsOrigin =
  | boolean
  | string
  | RegExp
  | CorsOriginFunction
  | ReadonlyArray<string | RegExp>;

/**
 * CORS options shared by `CorsModule.forRoot()` (module-wide defaults) and `@Cors()` (controller
 * or handler overrides). Names and static value forms are those of Nest's own `CorsOptions`.
 *
 * @publicApi
 */
export interface CorsOptions {
  /** Allowed origins. No default at module level: without it, no origin is allowed. */
  origin?: CorsOrigin;
  /**
   * Allowed methods in upper case (a list or a comma-separated string): Node refuses methods with
   * lower-case letters. `'*'` alone allows any method. Default `GET,HEAD,PUT,PATCH,POST,DELETE`.
   * HEAD is allowed wherever GET is.
   */
  methods?: string | readonly string[];
  /**
   * Allowed request headers, compared case-insensitively. A list is sent as configured; `'*'`
   * allows any header, `Authorization` included. Default: reflect the requested headers.
   */
  allowedHeaders?: string | readonly string[];
  /** Response headers scripts may read (`Access-Control-Expose-Headers`). Default: none. */
  exposedHeaders?: string | readonly string[];
  /** Send `Access-Control-Allow-Credentials: true`. Default `false`. */
  credentials?: boolean;
  /**
   * `Access-Control-Max-Age` in whole seconds, `0` to `86400` (`0` is sent; no browser caches a
   * preflight longer than a day, Chromium no longer than 7200 s). Default: not sent.
   */
  maxAge?: number;
  /** After setting preflight headers, pass the preflight on to the app's own `@Options()` handler. */
  preflightContinue?: boolean;
  /** Status of a successful preflight, 200–299. Default `204`. */
  optionsSuccessStatus?: number;
  /**
   * Answer `Access-Control-Request-Private-Network: true` with
   * `Access-Control-Allow-Private-Network: true`. Default `false`.
   */
  privateNetwork?: boolean;
}

/**
 * What requests to paths Nest has no route for (a GraphQL endpoint mounted by a driver, raw
 * adapter routes, 404s) get:
 * - `'defaults'`: the module options;
 * - `'deny'`: CORS disabled there (preflights 403, cross-origin requests rejected);
 * - `'skip'`: nest-cors does nothing (no headers, no rejection).
 *
 * @publicApi
 */
export type CorsUnknownRoutes = 'defaults' | 'deny' | 'skip';

/**
 * Options of `CorsModule.forRoot()`: module-wide {@link CorsOptions} defaults plus module-only
 * settings.
 *
 * @publicApi
 */
export interface CorsModuleOptions extends CorsOptions {
  /**
   * Answer cross-origin requests from disallowed origins with 403 before the handler runs.
   * Default `true`. With `false` the handler runs and the response carries no CORS headers.
   */
  rejectDisallowedOrigins?: boolean;
  /** What paths unknown to Nest's router get. Default `'defaults'`. */
  unknownRoutes?: CorsUnknownRoutes;
  /**
   * Log every CORS decision (and every route's effective policy at startup) at `debug` level
   * through Nest's `Logger`, context `CorsModule`. Default `false`.
   */
  debug?: boolean;
  /**
   * Milliseconds an async origin function may take, at most 2147483647 (Node runs longer timers
   * after 1 ms); a slower one disallows the origin (fail closed) and is logged. Default `1000`.
   */
  originTimeout?: number;
  /**
   * Cache origin-function decisions by origin, bounded so attacker-chosen origins cannot grow
   * memory: at most `max` entries, each kept `ttl` milliseconds. Only for functions whose answer
   * depends on the origin alone. Default: no cache.
   */
  originCache?: { max: number; ttl: number };
}

/**
 * What `@Cors()` accepts: an origin shorthand, a {@link CorsOptions} object, or `false` to
 * disable CORS for the controller or handler.
 *
 * @publicApi
 */
export type CorsDecoratorArgument = CorsOrigin | CorsOptions;
