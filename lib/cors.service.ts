// CorsService: inspect and change the policies at run time.
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { CorsModuleOptions, CorsOptions, CorsOrigin } from './core/cors-options.js';
import { decideActual } from './core/cors-decision.js';
import type { CorsRoute } from './core/policy-compiler.js';
import type { RoutedRequest } from './core/route-matcher.js';
import { CorsPolicyRegistry } from './cors-policy.registry.js';
import type { CorsSnapshot } from './cors-snapshot.js';

/** The policy that applies to a method and path, as {@link CorsService.policyFor} reports it. */
export interface CorsPolicyDescription {
  /** The handlers that may serve the request (`Controller.handler`), or `CorsModule options`. */
  readonly handlers: readonly string[];
  /** Their effective options (`false` where CORS is disabled), in the same order. */
  readonly options: readonly (Readonly<CorsOptions> | false)[];
}

/**
 * Inspect and change the CORS policies at run time: ask what applies to a request, and swap the
 * module options (say, a multi-tenant allow-list) without a restart. A swap compiles and validates
 * everything first and then replaces it in one step: a request sees the old or the new policies,
 * never a mix. With the `changeFeed` module option, changes reach every instance of the app.
 *
 * @publicApi
 */
@Injectable()
export class CorsService {
  constructor(private readonly registry: CorsPolicyRegistry) {}

  /** The module options in force. */
  get options(): Readonly<CorsModuleOptions> {
    return this.snapshot().options;
  }

  /**
   * Replaces the given module options, keeping the others. Handlers' `@Cors()` levels are merged
   * over the new options as at startup. Resolves once the new policies are in force. Changes apply
   * one after the other, each over the options the previous one left.
   *
   * With a `changeFeed`, the change is then published to the other instances, which apply it
   * with the same validation. It is applied and published, or neither: an invalid change, one
   * that holds a function (which cannot travel), or one the feed fails to send is rejected and
   * the policies in force stay.
   *
   * @throws CorsConfigurationError (a rejection) when the result is invalid or holds a function
   *   to publish; the policies in force stay.
   */
  update(options: Partial<CorsModuleOptions>): Promise<void> {
    // An unchanged changeFeed (`update({ ...cors.options, maxAge: 60 })`) is no change.
    const { changeFeed, ...change } = options;
    return this.registry.changes.update(changeFeed === this.snapshot().options.changeFeed ? change : options);
  }

  /** Replaces the module-wide allowed origins; see {@link update}. */
  setOrigins(origin: CorsOrigin): Promise<void> {
    return this.update({ origin });
  }

  /**
   * The policy an actual request for `method` on `path` gets, or `undefined` where nest-cors
   * leaves it alone (`unknownRoutes: 'skip'`). `path` is the request target as a client sends it
   * (global prefix and version included, a query allowed), routed as the adapter routes it. A
   * method with no handler gets the policy of paths no handler serves, so the 404 stays readable
   * (its preflight is refused where the path has other handlers).
   */
  policyFor(method: string, path: string, host?: string): CorsPolicyDescription | undefined {
    const routes = this.routes(this.snapshot(), method, path, host);
    if (routes.length === 0) return undefined;
    return { handlers: routes.map((route) => route.name), options: routes.map((route) => route.policy.options) };
  }

  /**
   * Whether an actual request from `origin` for `method` on `path` would be allowed. An origin
   * function receives a stand-in request carrying only `Origin`, `Host`, method and URL.
   */
  async isAllowed(origin: string, method: string, path: string, host?: string): Promise<boolean> {
    const routes = this.routes(this.snapshot(), method, path, host);
    const request = { method, url: path, headers: { origin, host } } as unknown as IncomingMessage;
    return (await decideActual(routes, method, origin, request)).allowed;
  }

  private routes(snapshot: CorsSnapshot, method: string, path: string, host: string | undefined): readonly CorsRoute[] {
    const request: RoutedRequest = {
      url: path,
      headers: host === undefined ? {} : { host },
      hostname: host?.replace(/:\d*$/, '').toLowerCase(),
    };
    return snapshot.candidatesFor(method, request);
  }

  private snapshot(): CorsSnapshot {
    const snapshot = this.registry.current;
    if (!snapshot) throw new Error('CorsService is ready once the application has been initialised (app.init())');
    return snapshot;
  }
}
