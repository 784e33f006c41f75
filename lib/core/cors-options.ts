// The option types of CorsModule.forRoot() and @Cors().
import type { IncomingMessage } from 'node:http';
import type { CorsChangeFeed } from './cors-change.feed.js';

/**
 * The third argument of a {@link CorsOriginFunction}.
 *
 * @publicApi
 */
export interface CorsOriginFunctionContext {
  /**
   * Aborted when the call takes longer than `originTimeout` (the origin is then already
   * disallowed): pass it on to `fetch()`, a database driver or anything else that accepts an
   * `AbortSignal`, so the abandoned work stops too. Its `reason` is a `TimeoutError` `DOMException`.
   */
  readonly signal: AbortSignal;
}

/**
 * Decides at request time whether an origin may make cross-origin requests.
 *
 * Receives the request's `Origin` value (already checked to be a well-formed serialized origin,
 * never `null`), Node's `IncomingMessage` on both adapters, and a
 * {@link CorsOriginFunctionContext} whose `signal` aborts when the call times out (functions
 * that take two parameters keep working). Return (or resolve to) `true` to allow. A function
 * that throws, rejects, answers anything but a boolean or outlasts `originTimeout` disallows the
 * origin.
 *
 * @publicApi
 */
export type CorsOriginFunction = (
  origin: string,
  request: IncomingMessage,
  context: CorsOriginFunctionContext,
) => boolean | Promise<boolean>;

/**
 * The module-wide cache of origin-function decisions (`originCache`), bounded so that
 * attacker-chosen origins cannot grow memory. Setting it declares that every origin function's
 * answer depends on the cache key alone (by default the origin): concurrent lookups of one key
 * then share one call of the function, and its answer is reused until it expires.
 *
 * @publicApi
 */
export interface CorsOriginCacheOptions {
  /**
   * Most keys kept per policy that uses an origin function, at most 1,000,000; the least recently
   * used one makes way for a new one. Room for `max` entries is allocated up front (a few dozen
   * bytes each).
   */
  max: number;
  /** Milliseconds an answer (`true` or `false`) is kept. */
  ttl: number;
  /**
   * Milliseconds a failure (a throw, a rejection, a timeout, a non-boolean answer) is kept: until
   * then the key stays disallowed without calling the function again, and each refused request
   * is still reported. Default `min(ttl, 5000)`.
   */
  failureTtl?: number;
  /**
   * The cache key of a request, for functions whose answer depends on more than the origin (a
   * tenant header, a host name): e.g. `` (origin, request) => `${origin} ${request.headers['x-tenant']}` ``.
   * Keep it short and made of the values the answer depends on. A key function that throws (or
   * returns a non-string) disallows the origin, and is reported. Default: the origin.
   */
  key?: (origin: string, request: IncomingMessage) => string;
}

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
export type CorsOrigin = boolean | string | RegExp | CorsOriginFunction | ReadonlyArray<string | RegExp>;

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
   * Policies by path pattern for requests no Nest handler serves: a GraphQL driver's endpoint, raw
   * adapter routes, static files. Each entry takes the options of `@Cors()` plus `path`, a
   * path-to-regexp 8 pattern (`/graphql`, `/assets/*file`) matched against the request path; the
   * first matching entry applies, merged over the module options. A pattern that overlaps a path
   * a Nest handler serves is a startup error.
   */
  paths?: readonly CorsPathOptions[];
  /**
   * Log every CORS decision (and every route's effective policy at startup) at `debug` level
   * through Nest's `Logger`, context `CorsModule`. Default `false`.
   */
  debug?: boolean;
  /**
   * Milliseconds an async origin function may take, at most 2147483647 (Node runs longer timers
   * after 1 ms); a slower one disallows the origin (fail closed), is logged, and sees its `signal`
   * aborted. Default `1000`.
   */
  originTimeout?: number;
  /**
   * Cache origin-function decisions, bounded so attacker-chosen origins cannot grow memory (see
   * {@link CorsOriginCacheOptions}): concurrent lookups of one key share one call, answers are
   * kept `ttl` ms and failures `failureTtl` ms. Only for functions whose answer depends on the
   * cache key alone (the origin, unless `key` says otherwise). Default: no cache, the function
   * is called on every request.
   */
  originCache?: CorsOriginCacheOptions;
  /**
   * Keep the module options of every instance of the app in step: `CorsService.update()` and
   * `setOrigins()` publish each change to this feed, and the module applies every change the
   * feed delivers from another instance, with the same validation (an invalid one is logged and
   * ignored). What travels is data: strings, RegExps, numbers, booleans; a change that holds a
   * function is refused. Set at startup only (use `forRootAsync()` to build it from injected
   * clients); the module subscribes during `app.init()` and unsubscribes on `app.close()`.
   * `nest-cors/redis` has a feed for Redis pub/sub. Default: none, changes stay in this process.
   */
  changeFeed?: CorsChangeFeed;
}

/**
 * A policy for requests to a path no Nest handler serves (module option `paths`).
 *
 * @publicApi
 */
export interface CorsPathOptions extends CorsOptions {
  /** A path-to-regexp 8 pattern (`/graphql`, `/assets/*file`), matched case-insensitively, trailing slash optional. */
  path: string;
}

/**
 * What `@Cors()` accepts: an origin shorthand, a {@link CorsOptions} object, or `false` to
 * disable CORS for the controller or handler.
 *
 * @publicApi
 */
export type CorsDecoratorArgument = CorsOrigin | CorsOptions;
