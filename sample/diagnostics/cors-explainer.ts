import { Injectable } from '@nestjs/common';
import { CorsService, type CorsOptions, type CorsOrigin } from '../../lib/index.js';
import type { JournalEntry } from './request-journal.js';

/**
 * Says which nest-cors policy applied to a journaled request and whether it lets the origin in,
 * using the library's CorsService. Unlike the debug log, which states each kind of decision once,
 * this works for every request.
 */
/** Why a request was let in or not: `allowed` is null where CORS does not apply. */
export interface Explanation {
  allowed: boolean | null;
  verdict: string;
  /** The handler whose policy applied and the parts of it that matter for this request. */
  policy: string | null;
}

@Injectable()
export class CorsExplainer {
  constructor(private readonly cors: CorsService) {}

  async explain(entry: JournalEntry): Promise<Explanation> {
    const { origin } = entry;
    if (origin === null) return { allowed: null, verdict: 'No Origin header: not a CORS request.', policy: null };
    if (isSameOrigin(origin, entry.host)) {
      return { allowed: null, verdict: 'Origin is the API itself: same-origin, never rejected.', policy: null };
    }

    const method = (entry.preflight ? entry.accessControlRequestMethod : entry.method) ?? entry.method;
    const path = entry.url.split('?')[0];
    const host = entry.host ?? undefined;
    const found = this.cors.policyFor(method, path, host);
    if (!found) return { allowed: null, verdict: 'nest-cors leaves this path alone.', policy: null };

    const policy = found.handlers
      .map((handler, index) => `${handler}: ${describeOptions(found.options[index], entry.preflight)}`)
      .join(' | ');
    if (!(await this.cors.isAllowed(origin, method, path, host))) {
      return { allowed: false, verdict: `${origin} may not ${method} here.`, policy };
    }
    const refused = entry.preflight ? refusedHeaders(entry.accessControlRequestHeaders, found.options) : [];
    if (refused.length > 0) {
      return { allowed: false, verdict: `Header not in allowedHeaders: ${refused.join(', ')}.`, policy };
    }
    return { allowed: true, verdict: `${origin} may ${method} here.`, policy };
  }
}

function isSameOrigin(origin: string, host: string | null): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Preflights are about methods and request headers; actual responses about exposed headers. */
function describeOptions(options: Readonly<CorsOptions> | false, preflight: boolean): string {
  if (options === false) return 'CORS disabled (@Cors(false))';
  const parts = [`origin ${describeOrigin(options.origin)}`];
  if (options.credentials) parts.push('credentials');
  if (preflight && options.allowedHeaders !== undefined) parts.push(`allowedHeaders ${list(options.allowedHeaders)}`);
  if (preflight && options.maxAge !== undefined) parts.push(`maxAge ${options.maxAge}s`);
  if (!preflight && options.exposedHeaders !== undefined) parts.push(`exposedHeaders ${list(options.exposedHeaders)}`);
  return parts.join(', ');
}

function describeOrigin(origin: CorsOrigin | undefined): string {
  if (origin === undefined || origin === false) return 'none';
  if (origin === true) return 'any (reflected)';
  if (typeof origin === 'function') return `function ${origin.name || '(anonymous)'}()`;
  if (typeof origin === 'string' || origin instanceof RegExp) return String(origin);
  return `[${origin.map(String).join(', ')}]`;
}

function list(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join(', ');
}

function refusedHeaders(requested: string | null, options: readonly (Readonly<CorsOptions> | false)[]): string[] {
  const allowedLists = options.flatMap((option) =>
    option === false || option.allowedHeaders === undefined ? [] : [option.allowedHeaders],
  );
  if (requested === null || allowedLists.length < options.length) return [];
  const allowed = allowedLists.flatMap((value) => (typeof value === 'string' ? value.split(',') : [...value]));
  if (allowed.some((name) => name.trim() === '*')) return [];
  const names = new Set(allowed.map((name) => name.trim().toLowerCase()));
  return requested
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && !names.has(name));
}
