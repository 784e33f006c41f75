// Compiles module options and @Cors() levels into one policy per handler.
import { match } from 'path-to-regexp';
import type { CorsDecoratorArgument, CorsModuleOptions, CorsOptions, CorsPathOptions } from './cors-options.js';
import { CorsPolicy } from './cors-policy.js';
import type { CorsProblem } from './cors-problem.js';
import { DEFAULT_ORIGIN_TIMEOUT } from './origin-function.js';
import type { OriginMatcher } from './origin-matcher.js';
import { mergeCorsLevels, normalizeCorsArgument, pickCorsOptions } from './options-merge.js';
import { checkCombination, checkOptionFields } from './options-validation.js';

/** Where problems with the module options are reported. */
const MODULE_PLACE = 'CorsModule options';

/** A compiled policy and the name of its owner (`CatsController.update`), for logs and reports. */
export interface CorsRoute {
  readonly policy: CorsPolicy;
  readonly name: string;
}

/** The `@Cors()` levels of one handler. */
export interface HandlerLevels {
  /** `Controller.method`. */
  readonly name: string;
  /** The class that declares the handler (a controller or a gateway); its level is compiled once. */
  readonly scope: object;
  readonly scopeName: string;
  readonly scopeArgument: CorsDecoratorArgument | undefined;
  /** `undefined` for a handler without `@Cors()`, or a scope that has no handlers of its own. */
  readonly handlerArgument: CorsDecoratorArgument | undefined;
}

/** The policy of a `paths` entry and the request paths it covers. */
export interface CorsPathRoute {
  readonly route: CorsRoute;
  /** The pattern as configured. */
  readonly path: string;
  /** Whether a request path (query excluded) is one the pattern covers. */
  readonly matches: (pathname: string) => boolean;
}

/** Everything compiled from one set of module options. */
export interface CompiledPolicies {
  /** The policy of each handler, in the order of the levels given. */
  readonly routes: readonly CorsRoute[];
  /** The `paths` entries, in order: the first matching one applies. */
  readonly paths: readonly CorsPathRoute[];
  /** The module options' own policy. */
  readonly moduleRoute: CorsRoute;
  /** What requests no Nest handler serves get (`unknownRoutes`). */
  readonly unknownRoute: CorsRoute;
}

/** Reports an origin function's failure, `place` naming the policy it belongs to. */
export type OriginFailureReport = (place: string, reason: string) => void;

/**
 * Validates module options and every handler's `@Cors()` levels, merges them field by field and
 * compiles one policy per handler. Validation reports every problem at once; policies are built
 * only from valid options, so the request path never meets a bad value.
 *
 * @returns the compiled policies, or every problem found
 */
export function compilePolicies(
  moduleOptions: CorsModuleOptions,
  handlers: readonly HandlerLevels[],
  onOriginFailure: OriginFailureReport = () => undefined,
): CompiledPolicies | { readonly problems: readonly CorsProblem[] } {
  const problems: CorsProblem[] = [...checkOptionFields(moduleOptions, MODULE_PLACE, true)];
  const moduleCors = pickCorsOptions(moduleOptions);
  problems.push(...checkCombination(moduleCors).map((detail) => ({ place: MODULE_PLACE, ...detail })));

  const compiledOrigins = new Map<unknown, OriginMatcher>();
  const compile = (options: CorsOptions | false, place: string) =>
    new CorsPolicy(
      options,
      {
        timeout: moduleOptions.originTimeout ?? DEFAULT_ORIGIN_TIMEOUT,
        cache: moduleOptions.originCache,
        onFailure: (reason) => onOriginFailure(place, reason),
      },
      compiledOrigins,
    );
  const moduleRoute: CorsRoute = { policy: compile(moduleCors, MODULE_PLACE), name: MODULE_PLACE };
  const scopes = new Map<object, CorsRoute>();
  const routes = handlers.map((levels) => {
    let scopeRoute = scopes.get(levels.scope);
    if (!scopeRoute) scopes.set(levels.scope, (scopeRoute = compileScope(levels, moduleCors, moduleRoute.policy, compile, problems)));
    return compileHandler(levels, scopeRoute, moduleCors, compile, problems);
  });
  const paths = Array.isArray(moduleOptions.paths)
    ? moduleOptions.paths.map((entry, index) => compilePath(entry, index, moduleCors, compile, problems))
    : [];
  if (problems.length > 0) return { problems: dedupe(problems) };
  const unknownRoute =
    moduleOptions.unknownRoutes === 'deny' ? { policy: new CorsPolicy(false), name: "unknown route (unknownRoutes: 'deny')" } : moduleRoute;
  return { routes, paths: paths.filter((path): path is CorsPathRoute => path !== undefined), moduleRoute, unknownRoute };
}

/** A `paths` entry: a pattern plus `@Cors()` options, merged over the module options like a controller's. */
function compilePath(
  entry: CorsPathOptions,
  index: number,
  moduleCors: CorsOptions,
  compile: Compile,
  problems: CorsProblem[],
): CorsPathRoute | undefined {
  const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
  const path: unknown = isObject ? entry.path : undefined;
  const place = `CorsModule paths[${index}]${typeof path === 'string' ? ` (${path})` : ''}`;
  const example = "write e.g. { path: '/graphql', origin: ['https://app.example.com'] }";
  if (!isObject) {
    problems.push({ place, message: 'is not an object of @Cors() options with a path', fix: example });
    return undefined;
  }
  const { path: _path, ...options } = entry;
  problems.push(...checkOptionFields(options, place, false));
  let matches: ((pathname: string) => boolean) | undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    problems.push({ place, message: `path ${JSON.stringify(path)} is not a path pattern starting with "/"`, fix: example });
  } else {
    try {
      const matcher = match(path, { sensitive: false, trailing: true, end: true, decode: false });
      matches = (pathname) => matcher(pathname) !== false;
    } catch (error) {
      problems.push({
        place,
        message: `path ${JSON.stringify(path)} is not a path-to-regexp 8 pattern: ${(error as Error).message}`,
        fix: "write it as Express 5 routes are written, e.g. '/assets/*file' for a wildcard",
      });
    }
  }
  const merged = mergeCorsLevels(moduleCors, [options]);
  if (merged !== false) problems.push(...newCombinationProblems(merged, moduleCors, place));
  if (!matches) return undefined;
  return { route: { policy: compile(merged, place), name: place }, path: path as string, matches };
}

type Compile = (options: CorsOptions | false, place: string) => CorsPolicy;

function compileScope(
  levels: HandlerLevels,
  moduleCors: CorsOptions,
  modulePolicy: CorsPolicy,
  compile: Compile,
  problems: CorsProblem[],
): CorsRoute {
  const name = levels.scopeName;
  if (levels.scopeArgument === undefined) return { policy: modulePolicy, name };
  const level = normalizeCorsArgument(levels.scopeArgument);
  if (level) problems.push(...checkOptionFields(level, name, false));
  const merged = mergeCorsLevels(moduleCors, [level]);
  if (merged !== false && level) problems.push(...newCombinationProblems(merged, moduleCors, name));
  return { policy: compile(merged, name), name };
}

function compileHandler(
  levels: HandlerLevels,
  scopeRoute: CorsRoute,
  moduleCors: CorsOptions,
  compile: Compile,
  problems: CorsProblem[],
): CorsRoute {
  const { name } = levels;
  if (levels.handlerArgument === undefined) return { policy: scopeRoute.policy, name };
  const level = normalizeCorsArgument(levels.handlerArgument);
  const scopeLevel = levels.scopeArgument === undefined ? undefined : normalizeCorsArgument(levels.scopeArgument);
  if (level) problems.push(...checkOptionFields(level, name, false));
  if (scopeLevel === false && level && level.origin === undefined) {
    problems.push({
      place: name,
      message: '@Cors() without origin under a @Cors(false) controller has no effect',
      fix: 'add origin to enable CORS for this handler, or remove the decorator',
    });
  }
  const merged = mergeCorsLevels(moduleCors, [scopeLevel, level]);
  if (merged !== false && level) {
    const parent = scopeRoute.policy.options === false ? moduleCors : scopeRoute.policy.options;
    problems.push(...newCombinationProblems(merged, parent, name));
  }
  return { policy: compile(merged, name), name };
}

/** Combination problems of `merged` that its parent level does not already have. */
function newCombinationProblems(merged: CorsOptions, parent: CorsOptions, place: string): CorsProblem[] {
  const inherited = new Set(checkCombination(parent).map((detail) => detail.message));
  return checkCombination(merged)
    .filter((detail) => !inherited.has(detail.message))
    .map((detail) => ({ place, ...detail }));
}

function dedupe(problems: readonly CorsProblem[]): CorsProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.place}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
