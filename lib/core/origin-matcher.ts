// Matches request origins against a policy's allowed origins.
import type { IncomingMessage } from 'node:http';
import type { CorsOrigin } from './cors-options.js';
import { DEFAULT_ORIGIN_TIMEOUT, GuardedOriginFunction, type OriginFunctionSettings } from './origin-function.js';
import { MAX_ORIGIN_LENGTH, parseOrigin } from './origin.js';
import { parseOriginPattern } from './origin-pattern.js';

/** How a policy treats origins, decided once at build time. */
export type OriginMatcherKind = 'none' | 'any' | 'reflect-any' | 'list' | 'function';

/**
 * Answers "is this origin allowed?" for one policy. Exact origins are a set lookup; subdomain and
 * any-port patterns are map lookups per label of the request's host, so the cost does not grow
 * with the number of allowed origins. Only RegExps are tried one by one.
 */
export class OriginMatcher {
  readonly kind: OriginMatcherKind;
  private readonly exact = new Set<string>();
  /** `scheme://parent` → ports allowed under it (`''` none, `'*'` any). */
  private readonly subdomains = new Map<string, Set<string>>();
  /** `scheme://host` of origins allowed on any port. */
  private readonly anyPort = new Set<string>();
  private readonly regExps: RegExp[] = [];
  private readonly originFunction?: GuardedOriginFunction;

  constructor(origin: CorsOrigin | undefined, settings: OriginFunctionSettings = { timeout: DEFAULT_ORIGIN_TIMEOUT }) {
    if (origin === undefined || origin === false) {
      this.kind = 'none';
    } else if (origin === true) {
      this.kind = 'reflect-any';
    } else if (typeof origin === 'function') {
      this.kind = 'function';
      this.originFunction = new GuardedOriginFunction(origin, settings);
    } else {
      const entries = Array.isArray(origin) ? origin : [origin as string | RegExp];
      this.kind = entries.includes('*') ? 'any' : 'list';
      if (this.kind === 'list') for (const entry of entries) this.add(entry);
    }
  }

  /** Whether responses carry the literal `Access-Control-Allow-Origin: *`. */
  get allowsAnyOrigin(): boolean {
    return this.kind === 'any';
  }

  /** Whether the matcher has no pattern: no origin can ever be allowed. */
  get allowsNone(): boolean {
    return (
      this.kind === 'none' ||
      (this.kind === 'list' && this.exact.size + this.subdomains.size + this.anyPort.size + this.regExps.length === 0)
    );
  }

  /** The exact origins listed, for diagnostics and helpers such as CSRF trusted-origin lists. */
  get exactOrigins(): readonly string[] {
    return [...this.exact];
  }

  /**
   * Whether `origin` (the raw `Origin` header value) is allowed. Malformed or oversized values and
   * `null` (unless listed) are never allowed, and never reach a RegExp or an origin function. An
   * origin function that fails disallows the origin (see {@link GuardedOriginFunction}).
   */
  matches(origin: string, request: IncomingMessage): boolean | Promise<boolean> {
    switch (this.kind) {
      case 'any':
        return true;
      case 'none':
        return false;
      case 'reflect-any':
        return parseOrigin(origin) !== undefined;
      case 'function':
        return parseOrigin(origin) !== undefined && this.originFunction!.call(origin, request);
      case 'list':
        return origin.length <= MAX_ORIGIN_LENGTH && (this.exact.has(origin) || this.matchesPattern(origin));
    }
  }

  private matchesPattern(origin: string): boolean {
    if (this.subdomains.size === 0 && this.anyPort.size === 0 && this.regExps.length === 0) return false;
    const parsed = parseOrigin(origin);
    if (!parsed) return false;
    if (this.anyPort.has(`${parsed.scheme}://${parsed.host}`)) return true;
    if (this.subdomains.size > 0) {
      const host = parsed.host;
      for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
        const ports = this.subdomains.get(`${parsed.scheme}://${host.slice(dot + 1)}`);
        if (ports && (ports.has('*') || ports.has(parsed.port))) return true;
      }
    }
    for (const regExp of this.regExps) if (regExp.test(origin)) return true;
    return false;
  }

  private add(entry: string | RegExp): void {
    if (entry instanceof RegExp) {
      // A copy without the stateful g/y flags, so one match never shifts where the next one starts.
      this.regExps.push(new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')));
      return;
    }
    const pattern = parseOriginPattern(entry);
    if (!('kind' in pattern)) return;
    if (pattern.kind === 'exact') this.exact.add(pattern.origin);
    else if (pattern.kind === 'any-port') this.anyPort.add(`${pattern.scheme}://${pattern.host}`);
    else if (pattern.kind === 'subdomains') {
      const key = `${pattern.scheme}://${pattern.parent}`;
      const ports = this.subdomains.get(key) ?? new Set<string>();
      ports.add(pattern.port);
      this.subdomains.set(key, ports);
    }
  }
}
