// Startup check: paths entries must not overlap a route a Nest handler serves.
import { parse, type Token } from 'path-to-regexp';
import type { CorsProblem } from './cors-problem.js';
import type { CorsPathRoute } from './policy-compiler.js';
import type { RouteMatcher } from './route-matcher.js';

/** A route a Nest handler serves: its path as registered and the handler's name. */
export interface ServedRoute {
  readonly path: string;
  readonly name: string;
}

/** Concrete paths a path-to-regexp pattern matches: each parameter and wildcard filled, each optional group with and without. */
function patternSamples(pattern: string): string[] {
  const expand = (tokens: readonly Token[]): string[] => {
    let samples = [''];
    for (const token of tokens) {
      if (token.type === 'group') {
        const inner = expand(token.tokens);
        samples = samples.flatMap((sample) => [sample, ...inner.map((filled) => sample + filled)]);
      } else {
        const text = token.type === 'text' ? token.value : 'x';
        samples = samples.map((sample) => sample + text);
      }
    }
    return samples;
  };
  return expand(parse(pattern).tokens);
}

/** A concrete path a route path matches, in either adapter's syntax (parameters, `?`, RegExps and wildcards filled). */
function routeSample(path: string): string {
  return path
    .replace(/\{([^}]*)\}/g, '$1')
    .replace(/:[A-Za-z_$][\w$]*(\([^)]*\))?\??/g, '1')
    .replace(/\*[A-Za-z_$]*[\w$]*/g, 'x');
}

/**
 * The `paths` entries that overlap a path a Nest handler serves, each a startup problem: such a
 * path gets the handler's own policy, so the entry would silently not apply there. Checked both
 * ways on sample paths: each entry's samples routed by the adapter's router, and each route's
 * sample matched against the entry.
 *
 * @param servedRoutes the paths Nest registered, read only when there are entries to check
 */
export function pathOverlaps<T>(
  paths: readonly CorsPathRoute[],
  matcher: RouteMatcher<T>,
  servedRoutes: () => readonly ServedRoute[],
  nameOf: (entry: T) => string,
): CorsProblem[] {
  const problems: CorsProblem[] = [];
  const served = paths.length > 0 ? servedRoutes() : [];
  for (const entry of paths) {
    let overlap: string | undefined;
    for (const sample of patternSamples(entry.path)) {
      for (const method of matcher.methods) {
        const found = matcher.find(method, { url: sample, headers: {}, hostname: undefined });
        if (found) overlap ??= `${method} ${sample} is served by ${nameOf(found[0])}`;
      }
    }
    for (const route of served) if (entry.matches(routeSample(route.path))) overlap ??= `${route.path} is served by ${route.name}`;
    if (overlap !== undefined) {
      problems.push({
        place: entry.route.name,
        message: `path ${JSON.stringify(entry.path)} overlaps a route of the app: ${overlap}`,
        fix:
          "use @Cors() on that controller or handler; keep paths for what no Nest handler serves (a GraphQL driver's endpoint, " +
          'static files)',
      });
    }
  }
  return problems;
}
