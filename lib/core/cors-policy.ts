// One compiled policy: sets and header strings built once.
import type { IncomingMessage } from 'node:http';
import type { CorsOptions } from './cors-options.js';
import { listOption } from './options-validation.js';
import type { OriginFunctionSettings } from './origin-function.js';
import { OriginMatcher } from './origin-matcher.js';

/** Methods allowed when a policy names none. */
export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

/** How a policy answers `Access-Control-Request-Headers`. */
export type AllowedHeaders =
  | { readonly kind: 'reflect' }
  | { readonly kind: 'any' }
  | {
      readonly kind: 'list';
      /** Lower-case names, for lookups. */
      readonly names: ReadonlySet<string>;
      /** Names as configured. */
      readonly written: readonly string[];
      /** {@link written} joined, as sent in `Access-Control-Allow-Headers`. */
      readonly header: string;
    };

/**
 * One effective CORS policy, compiled once from merged options: everything the request path needs
 * is precomputed (sets, header strings), so evaluating a request allocates next to nothing.
 * Construct it only from options that passed validation.
 */
export class CorsPolicy {
  /** `false` when CORS is disabled for the scope (`@Cors(false)`). */
  readonly enabled: boolean;
  readonly origins: OriginMatcher;
  readonly credentials: boolean;
  readonly methods: ReadonlySet<string>;
  /** Whether every method is allowed (`methods: '*'`). */
  readonly anyMethod: boolean;
  /**
   * Allowed methods in configured order, as announced in `Access-Control-Allow-Methods` where no
   * route tells which methods a path has (the defaults for `'*'`).
   */
  readonly methodList: readonly string[];
  readonly allowedHeaders: AllowedHeaders;
  /** The `Access-Control-Expose-Headers` value, if any. */
  readonly exposeHeaders: string | undefined;
  readonly maxAge: number | undefined;
  readonly preflightContinue: boolean;
  readonly optionsSuccessStatus: number;
  readonly privateNetwork: boolean;
  /** Whether every origin gets `Access-Control-Allow-Origin: *`. */
  readonly allowsAnyOrigin: boolean;

  /**
   * @param options the merged options, or `false` for a disabled scope
   * @param originFunctions how an origin function is run (time limit, cache, failure report)
   * @param compiledOrigins matchers already compiled for the same `origin` value (an app's
   *   handlers mostly inherit the module's list, which is then compiled once)
   */
  constructor(
    readonly options: Readonly<CorsOptions> | false,
    originFunctions?: OriginFunctionSettings,
    compiledOrigins?: Map<unknown, OriginMatcher>,
  ) {
    const effective = options === false ? {} : options;
    this.enabled = options !== false;
    const origin = options === false ? false : effective.origin;
    const shareable = typeof origin === 'object' || typeof origin === 'string';
    this.origins = (shareable && compiledOrigins?.get(origin)) || new OriginMatcher(origin, originFunctions);
    if (shareable) compiledOrigins?.set(origin, this.origins);
    this.credentials = effective.credentials === true;
    const methods = effective.methods === undefined ? undefined : [...new Set(listOption(effective.methods))];
    this.anyMethod = methods?.includes('*') === true;
    this.methodList = methods === undefined || this.anyMethod ? DEFAULT_METHODS : methods;
    this.methods = new Set(this.methodList);
    this.allowedHeaders = compileAllowedHeaders(effective.allowedHeaders);
    const exposed = effective.exposedHeaders === undefined ? [] : listOption(effective.exposedHeaders);
    this.exposeHeaders = exposed.length > 0 ? exposed.join(', ') : undefined;
    this.maxAge = effective.maxAge;
    this.preflightContinue = effective.preflightContinue === true;
    this.optionsSuccessStatus = effective.optionsSuccessStatus ?? 204;
    this.privateNetwork = effective.privateNetwork === true;
    this.allowsAnyOrigin = this.enabled && this.origins.allowsAnyOrigin && !this.credentials;
  }

  /** Whether the method is allowed; HEAD is allowed wherever GET is. */
  allowsMethod(method: string): boolean {
    return this.anyMethod || this.methods.has(method) || (method === 'HEAD' && this.methods.has('GET'));
  }

  /** Whether the origin is allowed (see {@link OriginMatcher.matches}); never for a disabled scope. */
  allowsOrigin(origin: string, request: IncomingMessage): boolean | Promise<boolean> {
    return this.enabled && this.origins.matches(origin, request);
  }

  /** The first requested header name (lower case) the policy does not allow, if any. */
  firstDisallowedHeader(names: readonly string[]): string | undefined {
    if (this.allowedHeaders.kind !== 'list') return undefined;
    for (const name of names) if (!this.allowedHeaders.names.has(name)) return name;
    return undefined;
  }
}

function compileAllowedHeaders(value: CorsOptions['allowedHeaders']): AllowedHeaders {
  if (value === undefined) return { kind: 'reflect' };
  const names = listOption(value);
  if (names.includes('*')) return { kind: 'any' };
  return { kind: 'list', names: new Set(names.map((name) => name.toLowerCase())), written: names, header: names.join(', ') };
}
