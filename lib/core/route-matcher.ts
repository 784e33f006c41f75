// The router port, and the first-registered-wins matcher order-sensitive adapters use.
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The port between the policy core and an HTTP adapter's router: for a request, which registered
 * route the adapter itself would run. Each adapter has its own implementation, built on the
 * router library that adapter uses, so route syntax, precedence, decoding and normalisation are
 * the adapter's own.
 */

/** The parts of a request that routing looks at. */
export interface RoutedRequest {
  /** The request target as received (`req.url`): origin-form or absolute-form, query included. */
  readonly url: string;
  /** The request headers (router constraints read `Host`). */
  readonly headers: IncomingHttpHeaders;
  /** The host name as the adapter reports it to Nest's host filters (no port). */
  readonly hostname: string | undefined;
}

/**
 * Finds the routes that would serve a request.
 *
 * @typeParam T what a route of a Nest handler carries (its compiled policy)
 */
export interface RouteMatcher<T> {
  /**
   * The entries of the Nest handlers that may serve `method` for the request: one, or several
   * where Nest picks among them at request time (header, media-type or custom versioning), in
   * precedence order. `undefined` when no Nest handler would run: no route, or a route Nest does
   * not know (a GraphQL driver's, a raw adapter route).
   */
  find(method: string, request: RoutedRequest): readonly T[] | undefined;
  /** Every method some route is registered for, besides those an all-methods route takes. */
  readonly methods: readonly string[];
}

/** The path of a request target, origin-form or absolute-form (`http://host/path`), without its query. */
export function targetPathOf(url: string): string {
  let start = 0;
  if (url.charCodeAt(0) !== 47) {
    const authority = url.indexOf('://');
    start = authority === -1 ? 0 : url.indexOf('/', authority + 3);
    if (start === -1) return '/';
  }
  const query = url.indexOf('?', start);
  return url.slice(start, query === -1 ? url.length : query);
}

/** A route as an order-sensitive router (Express) holds it. */
export interface OrderedRoute<T> {
  /** Upper-case methods the route serves, or `'ALL'`. */
  readonly methods: ReadonlySet<string> | 'ALL';
  /** The path as registered, for indexing by its leading static segments. */
  readonly path: string;
  /**
   * Whether the route's path matches a request path. May throw (a malformed escape in a
   * parameter), which stops routing: no later route runs.
   */
  readonly matches: (pathname: string) => boolean;
  /** Host patterns of a host-scoped controller; a request for another host passes on. */
  readonly hosts?: readonly RegExp[];
  /** Whether the route may pass the request on at request time (a version filter). */
  readonly conditional: boolean;
  /** `undefined` for a route Nest does not know. */
  readonly entry: T | undefined;
}

/** How an order-sensitive router reads request paths. */
export interface OrderedRouterOptions {
  /** Whether static path text compares case-sensitively. */
  readonly caseSensitive: boolean;
  /** The path routes are matched against, from the request target; `undefined` when none. */
  readonly pathnameOf: (request: RoutedRequest) => string | undefined;
}

interface PrefixNode {
  readonly children: Map<string, PrefixNode>;
  /** Routes whose static prefix ends at this node, by registration index. */
  readonly routes: number[];
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Where a path's static beginning ends: a parameter, wildcard, group or escape. Searched with a
 * RegExp rather than character by character: route tables are built at startup, by code the
 * engine has not optimised yet, where a loop over every character of 1,000 paths took 8 ms.
 */
const DYNAMIC_PART = /[:*{}()[\]?+!\\]/;

/**
 * Case folding as a RegExp with the `i` flag and without `u` compares characters (ECMAScript
 * Canonicalize): upper-casing, except where that gives several characters or maps a non-ASCII
 * character to ASCII. Keys folded this way are equal exactly when such a RegExp says so.
 */
function foldCase(text: string): string {
  if (!NON_ASCII.test(text)) return text.toUpperCase();
  let folded = '';
  for (const unit of text.split('')) {
    const upper = unit.toUpperCase();
    folded += upper.length !== 1 || (unit.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) ? unit : upper;
  }
  return folded;
}

/**
 * The full path segments a path's static beginning fixes: `/api/cats/:id` → `api`, `cats`.
 * Stops at the first parameter, wildcard, group or escape; a segment cut short by one is left out.
 */
function staticSegments(path: string): string[] {
  const dynamic = path.search(DYNAMIC_PART);
  const end = dynamic === -1 ? path.length : dynamic;
  const prefix = end === path.length ? path : path.slice(0, path.lastIndexOf('/', end) + 1);
  const segments = prefix.split('/');
  segments.shift();
  if (end < path.length || segments[segments.length - 1] === '') segments.pop();
  return segments;
}

/** What routing found for one request, kept for the finds of its other methods. */
interface RequestRouting {
  readonly request: RoutedRequest;
  readonly url: string;
  readonly pathname: string | undefined;
  readonly candidates: readonly number[];
  /** Per candidate: 0 not tried yet, 1 its path matches, 2 it does not, 3 matching threw. */
  readonly matched: Uint8Array;
}

const NOT_TRIED = 0;
const MATCHES = 1;
const NO_MATCH = 2;
const THREW = 3;

/**
 * First registered wins, as on Express: routes are tried in registration order and the first
 * whose path, method and host match serves the request. An index of the routes by the static
 * segments their paths begin with narrows the routes tried to those that can match, so the cost
 * does not grow with the number of routes elsewhere in the app.
 */
export class OrderedRouteMatcher<T> implements RouteMatcher<T> {
  readonly methods: readonly string[];
  private readonly root: PrefixNode = { children: new Map(), routes: [] };
  private readonly singles: (readonly T[] | undefined)[];
  /** The last request routed: a preflight asks for every method of one request in turn. */
  private last: RequestRouting | undefined;

  constructor(
    private readonly routes: readonly OrderedRoute<T>[],
    private readonly options: OrderedRouterOptions,
  ) {
    const methods = new Set<string>();
    routes.forEach((route, index) => {
      if (route.methods !== 'ALL') for (const method of route.methods) methods.add(method);
      let node = this.root;
      for (const segment of staticSegments(route.path)) {
        const key = this.key(segment);
        let next = node.children.get(key);
        if (!next) node.children.set(key, (next = { children: new Map(), routes: [] }));
        node = next;
      }
      node.routes.push(index);
    });
    if (methods.has('GET')) methods.add('HEAD');
    this.methods = [...methods];
    this.singles = routes.map((route) => (route.entry === undefined ? undefined : [route.entry]));
  }

  find(method: string, request: RoutedRequest): readonly T[] | undefined {
    const routing = this.routingOf(request);
    const { pathname, candidates, matched } = routing;
    if (pathname === undefined) return undefined;
    let union: T[] | undefined;
    for (let position = 0; position < candidates.length; position++) {
      const index = candidates[position];
      const route = this.routes[index];
      if (!servesMethod(route.methods, method)) continue;
      if (matched[position] === NOT_TRIED) {
        try {
          matched[position] = route.matches(pathname) ? MATCHES : NO_MATCH;
        } catch {
          matched[position] = THREW;
        }
      }
      if (matched[position] === NO_MATCH) continue;
      if (matched[position] === THREW) return union;
      if (route.hosts && !route.hosts.some((host) => request.hostname !== undefined && host.test(request.hostname))) continue;
      if (route.entry === undefined) return union;
      if (!route.conditional) return union ? [...union, route.entry] : this.singles[index];
      (union ??= []).push(route.entry);
    }
    return union;
  }

  private routingOf(request: RoutedRequest): RequestRouting {
    const last = this.last;
    if (last && last.request === request && last.url === request.url) return last;
    const pathname = this.options.pathnameOf(request);
    const candidates = pathname === undefined ? [] : this.candidates(pathname);
    return (this.last = { request, url: request.url, pathname, candidates, matched: new Uint8Array(candidates.length) });
  }

  private key(segment: string): string {
    return this.options.caseSensitive ? segment : foldCase(segment);
  }

  /** Indexes of the routes whose static prefix the path has, in registration order. */
  private candidates(pathname: string): number[] {
    const lists: number[][] = [];
    let node: PrefixNode | undefined = this.root;
    let start = 1;
    while (node) {
      if (node.routes.length > 0) lists.push(node.routes);
      if (start > pathname.length) break;
      let end = pathname.indexOf('/', start);
      if (end === -1) end = pathname.length;
      node = node.children.get(this.key(pathname.slice(start, end)));
      start = end + 1;
    }
    return lists.length === 1 ? lists[0] : lists.flat().sort((a, b) => a - b);
  }
}

/** Whether a route registered for `methods` serves `method`: HEAD is served by GET routes. */
function servesMethod(methods: ReadonlySet<string> | 'ALL', method: string): boolean {
  if (methods === 'ALL' || methods.has(method)) return true;
  return method === 'HEAD' && methods.has('GET');
}
