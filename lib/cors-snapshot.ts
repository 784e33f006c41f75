// The policies in force and the router, read once per request.
import { routesOfPolicy, type PreflightRoutes } from './core/cors-decision.js';
import type { CorsModuleOptions, CorsUnknownRoutes } from './core/cors-options.js';
import type { CompiledPolicies, CorsRoute } from './core/policy-compiler.js';
import { targetPathOf, type RouteMatcher, type RoutedRequest } from './core/route-matcher.js';

/** Module-wide settings read on every request. */
export interface CorsRequestSettings {
  readonly rejectDisallowedOrigins: boolean;
  readonly unknownRoutes: CorsUnknownRoutes;
}

const NONE: readonly CorsRoute[] = [];

/** A preflight no handler of the URL would serve: the URL is Nest's, the method is not. */
export const NO_HANDLER_FOR_METHOD = 'no-handler-for-method';

/**
 * The policies in force, compiled from one set of options, with the router that tells which
 * handler serves a request. A request reads one snapshot from start to end, so a reconfiguration
 * never mixes two.
 */
export class CorsSnapshot {
  readonly settings: CorsRequestSettings;
  /** What requests no Nest handler serves get; empty with `unknownRoutes: 'skip'`. */
  private readonly unknown: readonly CorsRoute[];
  private readonly unknownPreflight: PreflightRoutes | undefined;

  /** The `paths` entries, with what a request and a preflight they cover get. */
  private readonly paths: readonly {
    readonly matches: (pathname: string) => boolean;
    readonly candidates: readonly CorsRoute[];
    readonly preflight: PreflightRoutes;
  }[];

  constructor(
    readonly matcher: RouteMatcher<CorsRoute>,
    readonly compiled: CompiledPolicies,
    private readonly routesByHandler: ReadonlyMap<object, ReadonlyMap<object, CorsRoute>>,
    readonly options: Readonly<CorsModuleOptions>,
    private readonly routesByGateway: ReadonlyMap<object, CorsRoute>,
  ) {
    const unknownRoutes = options.unknownRoutes ?? 'defaults';
    this.settings = { rejectDisallowedOrigins: options.rejectDisallowedOrigins !== false, unknownRoutes };
    this.unknown = unknownRoutes === 'skip' ? NONE : [compiled.unknownRoute];
    this.unknownPreflight = unknownRoutes === 'skip' ? undefined : routesOfPolicy(compiled.unknownRoute);
    this.paths = compiled.paths.map(({ matches, route }) => ({ matches, candidates: [route], preflight: routesOfPolicy(route) }));
  }

  /**
   * The policies that apply to a request for `method`: those of the handlers the adapter would
   * run (one, or several under header/media-type versioning), else those of requests no Nest
   * handler serves; empty where nest-cors leaves the request alone (`unknownRoutes: 'skip'`).
   */
  candidatesFor(method: string, request: RoutedRequest): readonly CorsRoute[] {
    return this.matcher.find(method, request) ?? this.pathEntry(request)?.candidates ?? this.unknown;
  }

  /**
   * The routes a preflight for `method` is decided with; {@link NO_HANDLER_FOR_METHOD} where Nest
   * serves the URL but not that method; `undefined` where nest-cors leaves it alone.
   */
  preflightRoutes(method: string, request: RoutedRequest): PreflightRoutes | typeof NO_HANDLER_FOR_METHOD | undefined {
    const candidates = this.matcher.find(method, request);
    if (candidates) return { candidates, methods: this.matcher.methods, routesFor: (other) => this.matcher.find(other, request) };
    if (this.matcher.methods.some((other) => this.matcher.find(other, request) !== undefined)) return NO_HANDLER_FOR_METHOD;
    return this.pathEntry(request)?.preflight ?? this.unknownPreflight;
  }

  /** The first `paths` entry covering the request's path. */
  private pathEntry(request: RoutedRequest) {
    if (this.paths.length === 0) return undefined;
    const pathname = targetPathOf(request.url);
    return this.paths.find((entry) => entry.matches(pathname));
  }

  /** The compiled route of a handler. */
  routeFor(controller: object, handler: object): CorsRoute | undefined {
    return this.routesByHandler.get(controller)?.get(handler);
  }

  /** The compiled route of a `@WebSocketGateway()` class. */
  policyForGateway(gateway: object): CorsRoute | undefined {
    return this.routesByGateway.get(gateway);
  }

  /** Every handler's compiled route, in discovery order (then every gateway's). */
  get routes(): readonly CorsRoute[] {
    return this.compiled.routes;
  }
}
