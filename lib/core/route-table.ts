import { parse, pathToRegexp, type Token } from 'path-to-regexp';
import { createPathRoutes, type CorsRoute, type PathRoutes } from './cors-decision.js';

/** One route as registered with the HTTP adapter. */
export interface RouteDefinition {
  /** Upper-case method, or `ALL` for a route serving every method. */
  readonly method: string;
  /** Full path in path-to-regexp 8 syntax (`/api/v1/cats/:id`, `/files/*path`, `/a{/:b}`). */
  readonly path: string;
  /** Host patterns of a host-scoped controller; the route serves only matching hosts. */
  readonly hosts?: readonly RegExp[];
  readonly route: CorsRoute;
}

/** How request paths are compared with route paths. */
export interface RouteTableOptions {
  /** Compare static path segments case-sensitively (Fastify's default; Express ignores case). */
  readonly caseSensitive: boolean;
}

interface Terminal {
  readonly definitions: RouteDefinition[];
  /** Precomputed answer when no definition is host-scoped. */
  routes?: PathRoutes;
}

interface TrieNode {
  readonly statics: Map<string, TrieNode>;
  readonly patterns: { readonly segment: RegExp; readonly node: TrieNode }[];
  param?: TrieNode;
  /** Routes ending in a wildcard parameter: it takes one or more remaining segments. */
  wildcard?: Terminal;
  terminal?: Terminal;
}

type Segment =
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'param' }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'pattern'; readonly segment: RegExp };

function newNode(): TrieNode {
  return { statics: new Map(), patterns: [] };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every flat token list a path stands for, optional groups expanded both ways. */
function expandGroups(tokens: readonly Token[]): Token[][] {
  let variants: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type === 'group') {
      const inner = expandGroups(token.tokens);
      variants = variants.flatMap((variant) => [variant, ...inner.map((expansion) => [...variant, ...expansion])]);
    } else {
      variants = variants.map((variant) => [...variant, token]);
    }
  }
  return variants;
}

/** Splits flat tokens into path segments, or `undefined` when the trie cannot hold the shape. */
function toSegments(tokens: readonly Token[], caseSensitive: boolean): Segment[] | undefined {
  const segments: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type !== 'text') {
      segments[segments.length - 1].push(token);
      continue;
    }
    const parts = token.value.split('/');
    parts.forEach((part, index) => {
      if (index > 0) segments.push([]);
      if (part !== '') segments[segments.length - 1].push({ type: 'text', value: part });
    });
  }
  const result: Segment[] = [];
  const nonEmpty = segments.filter((segment) => segment.length > 0);
  for (const [index, segment] of nonEmpty.entries()) {
    const [only] = segment;
    if (segment.length === 1 && only.type === 'text') {
      result.push({ kind: 'static', text: caseSensitive ? only.value : only.value.toLowerCase() });
    } else if (segment.length === 1 && only.type === 'param') {
      result.push({ kind: 'param' });
    } else if (segment.length === 1 && only.type === 'wildcard' && index === nonEmpty.length - 1) {
      result.push({ kind: 'wildcard' });
    } else if (segment.every((token) => token.type === 'text' || token.type === 'param')) {
      const source = segment.map((token) => (token.type === 'text' ? escapeRegExp(token.value) : '[^/]+?')).join('');
      result.push({ kind: 'pattern', segment: new RegExp(`^${source}$`, caseSensitive ? '' : 'i') });
    } else {
      return undefined;
    }
  }
  return result;
}

function splitPath(pathname: string, caseSensitive: boolean): string[] {
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment !== '') segments.push(caseSensitive ? segment : segment.toLowerCase());
  }
  return segments;
}

function matchesHost(definition: RouteDefinition, hostname: string | undefined): boolean {
  return !definition.hosts || (hostname !== undefined && definition.hosts.some((host) => host.test(hostname)));
}

/**
 * Groups one path's definitions by method into the shape decisions read. Where a method has its
 * own route and an `@All()` route too, the one declared first serves it (Express's rule; Fastify
 * refuses such duplicates). HEAD is served wherever GET is.
 */
function toPathRoutes(definitions: readonly RouteDefinition[]): PathRoutes | undefined {
  const anyMethod = definitions.filter((definition) => definition.method === 'ALL').map((definition) => definition.route);
  const firstAll = definitions.findIndex((definition) => definition.method === 'ALL');
  const methods = new Map<string, readonly CorsRoute[]>();
  definitions.forEach((definition, index) => {
    if (definition.method === 'ALL' || methods.has(definition.method)) return;
    const own = definitions.filter((other) => other.method === definition.method).map((other) => other.route);
    methods.set(definition.method, firstAll !== -1 && firstAll < index ? anyMethod : own);
  });
  if (methods.size === 0 && anyMethod.length === 0) return undefined;
  const get = methods.get('GET');
  if (get && !methods.has('HEAD')) methods.set('HEAD', get);
  return createPathRoutes(methods, anyMethod);
}

/**
 * Merges the routes of several matching paths, most specific first: each method comes from the
 * first path that serves it, and a path with an `@All()` route serves every method left.
 */
function mergePathRoutes(matches: readonly PathRoutes[]): PathRoutes | undefined {
  if (matches.length <= 1) return matches[0];
  const methods = new Map<string, readonly CorsRoute[]>();
  for (const match of matches) {
    for (const [method, routes] of match.methods) if (!methods.has(method)) methods.set(method, routes);
    if (match.anyMethod.length > 0) return createPathRoutes(methods, match.anyMethod);
  }
  return createPathRoutes(methods, []);
}

/**
 * Finds the routes of a request path, built once from every route the app registered. Lookup walks
 * a segment trie (static segments before patterns, parameters and wildcards), so its cost depends
 * on the path's depth, not on the number of routes. Paths the trie cannot hold (a wildcard before
 * the last segment) are tried with path-to-regexp, one by one.
 */
export class RouteTable {
  private readonly root = newNode();
  private readonly regExpRoutes: { readonly regExp: RegExp; readonly terminal: Terminal }[] = [];
  private readonly caseSensitive: boolean;
  /** Whether any route is host-scoped, i.e. whether lookups need the request's host name. */
  readonly hasHostScopedRoutes: boolean;

  constructor(definitions: Iterable<RouteDefinition>, options: RouteTableOptions) {
    this.caseSensitive = options.caseSensitive;
    const terminals: Terminal[] = [];
    let hostScoped = false;
    for (const definition of definitions) {
      hostScoped ||= definition.hosts !== undefined;
      for (const tokens of expandGroups(parse(definition.path).tokens)) {
        const segments = toSegments(tokens, this.caseSensitive);
        const terminal = segments ? this.insert(segments) : this.regExpTerminal(definition.path);
        if (terminal.definitions.length === 0) terminals.push(terminal);
        if (!terminal.definitions.includes(definition)) terminal.definitions.push(definition);
      }
    }
    this.hasHostScopedRoutes = hostScoped;
    for (const terminal of terminals) {
      if (terminal.definitions.every((definition) => !definition.hosts)) terminal.routes = toPathRoutes(terminal.definitions);
    }
  }

  /**
   * The routes serving `pathname` on `hostname`, or `undefined` when Nest has none there. Where
   * several route paths match (`/users/me` and `/users/:id`), each method comes from the most
   * specific path that has it.
   */
  lookup(pathname: string, hostname: string | undefined): PathRoutes | undefined {
    const terminals: Terminal[] = [];
    this.collect(this.root, splitPath(pathname, this.caseSensitive), 0, terminals);
    for (const { regExp, terminal } of this.regExpRoutes) if (regExp.test(pathname)) terminals.push(terminal);
    if (terminals.length === 1 && terminals[0].routes) return terminals[0].routes;
    const matches: PathRoutes[] = [];
    for (const terminal of terminals) {
      const routes = terminal.routes ?? toPathRoutes(terminal.definitions.filter((definition) => matchesHost(definition, hostname)));
      if (routes) matches.push(routes);
    }
    return mergePathRoutes(matches);
  }

  private collect(node: TrieNode, segments: readonly string[], index: number, matches: Terminal[]): void {
    if (index === segments.length) {
      if (node.terminal) matches.push(node.terminal);
      return;
    }
    const segment = segments[index];
    const exact = node.statics.get(segment);
    if (exact) this.collect(exact, segments, index + 1, matches);
    for (const { segment: pattern, node: next } of node.patterns) {
      if (pattern.test(segment)) this.collect(next, segments, index + 1, matches);
    }
    if (node.param) this.collect(node.param, segments, index + 1, matches);
    if (node.wildcard) matches.push(node.wildcard);
  }

  private insert(segments: readonly Segment[]): Terminal {
    let node = this.root;
    for (const segment of segments) {
      switch (segment.kind) {
        case 'static': {
          let next = node.statics.get(segment.text);
          if (!next) node.statics.set(segment.text, (next = newNode()));
          node = next;
          break;
        }
        case 'param':
          node = node.param ??= newNode();
          break;
        case 'pattern': {
          const source = segment.segment.source;
          let entry = node.patterns.find((pattern) => pattern.segment.source === source);
          if (!entry) node.patterns.push((entry = { segment: segment.segment, node: newNode() }));
          node = entry.node;
          break;
        }
        case 'wildcard':
          return (node.wildcard ??= { definitions: [] });
      }
    }
    return (node.terminal ??= { definitions: [] });
  }

  private regExpTerminal(path: string): Terminal {
    const terminal: Terminal = { definitions: [] };
    this.regExpRoutes.push({ regExp: pathToRegexp(path, { sensitive: this.caseSensitive, trailing: true }).regexp, terminal });
    return terminal;
  }
}
