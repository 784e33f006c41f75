// Startup validation of option values, every problem at once.
import type { CorsOptions } from './cors-options.js';
import type { CorsProblem, CorsProblemDetail } from './cors-problem.js';
import { isToken } from './header-list.js';
import { checkOriginRegExp, parseOriginPattern } from './origin-pattern.js';

/** Keys of {@link CorsOptions}, accepted both at module level and in `@Cors()`. */
export const CORS_OPTION_KEYS: readonly (keyof CorsOptions)[] = [
  'origin',
  'methods',
  'allowedHeaders',
  'exposedHeaders',
  'credentials',
  'maxAge',
  'preflightContinue',
  'optionsSuccessStatus',
  'privateNetwork',
];

/** Keys accepted only by `CorsModule.forRoot()`. */
export const MODULE_ONLY_OPTION_KEYS = [
  'rejectDisallowedOrigins',
  'unknownRoutes',
  'paths',
  'debug',
  'originTimeout',
  'originCache',
  'changeFeed',
] as const;

const UNKNOWN_ROUTES_VALUES = ['defaults', 'deny', 'skip'];
/** Longest preflight cache any browser keeps (Firefox: 24 h; Chromium: 2 h). */
const MAX_MAX_AGE = 86400;
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Splits a list option given as a comma-separated string or an array into trimmed items. */
export function listOption(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(',') : [...value];
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value instanceof RegExp) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function checkOrigin(origin: unknown): CorsProblemDetail[] {
  if (origin === undefined || typeof origin === 'boolean' || typeof origin === 'function') return [];
  const entries = Array.isArray(origin) ? origin : [origin];
  const problems: CorsProblemDetail[] = [];
  for (const entry of entries) {
    if (entry instanceof RegExp) {
      const problem = checkOriginRegExp(entry);
      if (problem) problems.push(problem);
    } else if (typeof entry === 'string') {
      const pattern = parseOriginPattern(entry);
      if (!('kind' in pattern)) problems.push(pattern);
    } else {
      problems.push({
        message: `origin ${describe(entry)} is neither a string nor a RegExp`,
        fix: Array.isArray(origin)
          ? 'list only strings and RegExps (use a function origin for anything dynamic)'
          : 'use a string, RegExp, function, boolean or an array of strings and RegExps',
      });
    }
  }
  return problems;
}

function isStringList(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function checkList(name: string, value: unknown, checkItem: (item: string) => CorsProblemDetail | undefined): CorsProblemDetail[] {
  if (value === undefined) return [];
  if (!isStringList(value)) {
    return [{ message: `${name} ${describe(value)} is not a string or an array of strings`, fix: `write e.g. ${name}: ['X-Request-Id']` }];
  }
  return listOption(value).flatMap((item) => checkItem(item) ?? []);
}

/** Methods Fetch upper-cases before sending (Fetch §2.2.1 "normalize"); browsers send others as written. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * Checks `methods`: each a method token that browsers can send, in upper case, or `'*'` alone
 * for any method.
 */
function checkMethods(value: unknown): CorsProblemDetail[] {
  if (value === undefined) return [];
  if (!isStringList(value)) {
    return [{ message: `methods ${describe(value)} is not a string or an array of strings`, fix: "write e.g. methods: ['GET', 'POST']" }];
  }
  const methods = listOption(value);
  if (methods.length === 0) {
    return [
      {
        message: 'methods is empty, so no cross-origin request could ever be allowed',
        fix: 'list the methods, or use @Cors(false) to disable CORS',
      },
    ];
  }
  const problems: CorsProblemDetail[] = [];
  if (methods.includes('*') && methods.some((method) => method !== '*')) {
    problems.push({
      message: `methods ${describe(value)} lists '*' with other methods; '*' already allows every method`,
      fix: "write methods: '*', or list the methods without '*'",
    });
  }
  const usable = (method: string) => method !== '*' && isToken(method) && !FORBIDDEN_METHODS.has(method.toUpperCase());
  const upperCased = [...new Set(methods.filter(usable).map((method) => method.toUpperCase()))];
  for (const method of methods) {
    if (method === '*') continue;
    if (!isToken(method)) {
      problems.push({
        message: `method ${JSON.stringify(method)} is not a valid method token`,
        fix: 'remove the spaces or symbols from it',
      });
    } else if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
      problems.push({ message: `method ${method} can never be sent by a browser`, fix: `remove ${method}` });
    } else if (method !== method.toUpperCase()) {
      const upper = method.toUpperCase();
      // llhttp answers 400 to any method with a lower-case letter, before CORS could run.
      const sent = NORMALIZED_METHODS.has(upper)
        ? `browsers send ${upper}`
        : `browsers send ${method} as written (Fetch upper-cases only ${[...NORMALIZED_METHODS].join(', ')})`;
      problems.push({
        message: `method ${method} has lower-case letters; ${sent} and Node refuses lower-case methods`,
        fix: `write ${JSON.stringify(upperCased)}`,
      });
    }
  }
  return problems;
}

function checkHeaderName(option: string): (name: string) => CorsProblemDetail | undefined {
  return (name) =>
    name === '*' || isToken(name)
      ? undefined
      : { message: `${option} entry ${JSON.stringify(name)} is not a valid header name`, fix: 'use header names only, e.g. X-Request-Id' };
}

function checkBoolean(name: string, value: unknown): CorsProblemDetail[] {
  return value === undefined || typeof value === 'boolean'
    ? []
    : [{ message: `${name} ${describe(value)} is not a boolean`, fix: `write ${name}: true or ${name}: false` }];
}

/** Longest delay Node's timers accept (2³¹−1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Most `originCache.max`: lru-cache allocates room for `max` entries up front, per origin function. */
const MAX_ORIGIN_CACHE_ENTRIES = 1_000_000;
const ORIGIN_CACHE_KEYS = ['max', 'ttl', 'failureTtl', 'key'];

function checkMilliseconds(name: string, value: unknown, example: string): CorsProblemDetail[] {
  if (!(Number.isInteger(value) && (value as number) > 0)) {
    return [{ message: `${name} ${describe(value)} is not a whole number of milliseconds > 0`, fix: `write e.g. ${example}` }];
  }
  if ((value as number) <= MAX_TIMER_MS) return [];
  return [
    {
      message: `${name} ${value} is above ${MAX_TIMER_MS} ms, the longest timer Node supports; Node fires longer ones after 1 ms`,
      fix: `write at most ${name}: ${MAX_TIMER_MS} (about 24.8 days), e.g. ${example}`,
    },
  ];
}

function checkOriginFunctionSettings(originTimeout: unknown, originCache: unknown): CorsProblemDetail[] {
  const details = originTimeout === undefined ? [] : checkMilliseconds('originTimeout', originTimeout, 'originTimeout: 1000');
  if (originCache === undefined) return details;
  const example = 'originCache: { max: 1000, ttl: 60000 }';
  if (typeof originCache !== 'object' || originCache === null || Array.isArray(originCache)) {
    return [...details, { message: `originCache ${describe(originCache)} is not an object`, fix: `write e.g. ${example}` }];
  }
  const { max, ttl, failureTtl, key } = originCache as Record<string, unknown>;
  for (const name of Object.keys(originCache)) {
    if (ORIGIN_CACHE_KEYS.includes(name)) continue;
    const suggestion = closestKey(name, ORIGIN_CACHE_KEYS);
    details.push({
      message: `unknown originCache option "${name}"`,
      fix: suggestion ? `did you mean "${suggestion}"?` : `remove it; known: ${ORIGIN_CACHE_KEYS.join(', ')}`,
    });
  }
  if (!(Number.isInteger(max) && (max as number) > 0 && (max as number) <= MAX_ORIGIN_CACHE_ENTRIES)) {
    details.push({
      message:
        `originCache.max ${describe(max)} is not a whole number from 1 to ${MAX_ORIGIN_CACHE_ENTRIES} (room for max entries ` +
        `is allocated up front for each origin function)`,
      fix: `write e.g. ${example}`,
    });
  }
  details.push(...checkMilliseconds('originCache.ttl', ttl, example));
  if (failureTtl !== undefined) details.push(...checkMilliseconds('originCache.failureTtl', failureTtl, 'failureTtl: 5000'));
  if (key !== undefined && typeof key !== 'function') {
    details.push({
      message: `originCache.key ${describe(key)} is not a function`,
      fix: "write e.g. key: (origin, request) => `${origin} ${request.headers['x-tenant']}`",
    });
  }
  return details;
}

function checkChangeFeed(feed: unknown): CorsProblemDetail[] {
  if (feed === undefined) return [];
  const { publish, subscribe } = (typeof feed === 'object' && feed !== null ? feed : {}) as Record<string, unknown>;
  if (typeof publish === 'function' && typeof subscribe === 'function') return [];
  return [
    {
      message: `changeFeed ${describe(feed)} is not a change feed (an object with publish and subscribe methods)`,
      fix: "write e.g. changeFeed: new RedisCorsChangeFeed({ publisher, subscriber }) with RedisCorsChangeFeed from 'nest-cors/redis'",
    },
  ];
}

/**
 * Checks one level of options (module options, or one `@Cors()` argument) field by field: unknown
 * keys, value types and syntax. Combination rules are checked on the merged policy by
 * {@link checkCombination}.
 */
export function checkOptionFields(options: object, place: string, moduleLevel: boolean): CorsProblem[] {
  const known: readonly string[] = moduleLevel ? [...CORS_OPTION_KEYS, ...MODULE_ONLY_OPTION_KEYS] : CORS_OPTION_KEYS;
  const details: CorsProblemDetail[] = [];
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const suggestion = closestKey(key, known);
    const moduleOnly = !moduleLevel && (MODULE_ONLY_OPTION_KEYS as readonly string[]).includes(key);
    details.push({
      message: moduleOnly ? `option "${key}" is a module-wide setting` : `unknown option "${key}"`,
      fix: moduleOnly
        ? 'set it in CorsModule.forRoot()'
        : suggestion
          ? `did you mean "${suggestion}"?`
          : `remove it; known options: ${known.join(', ')}`,
    });
  }
  details.push(...checkOrigin(record.origin));
  details.push(...checkMethods(record.methods));
  details.push(...checkList('allowedHeaders', record.allowedHeaders, checkHeaderName('allowedHeaders')));
  details.push(...checkList('exposedHeaders', record.exposedHeaders, checkHeaderName('exposedHeaders')));
  for (const key of ['credentials', 'preflightContinue', 'privateNetwork', 'rejectDisallowedOrigins', 'debug']) {
    details.push(...checkBoolean(key, record[key]));
  }
  const { maxAge, optionsSuccessStatus, unknownRoutes, originTimeout, originCache, paths } = record;
  if (paths !== undefined && !Array.isArray(paths)) {
    details.push({
      message: `paths ${describe(paths)} is not an array`,
      fix: "write e.g. paths: [{ path: '/graphql', origin: ['https://app.example.com'] }]",
    });
  }
  details.push(...checkOriginFunctionSettings(originTimeout, originCache));
  details.push(...checkChangeFeed(record.changeFeed));
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && (maxAge as number) >= 0)) {
    details.push({ message: `maxAge ${describe(maxAge)} is not a whole number of seconds >= 0`, fix: 'write e.g. maxAge: 600' });
  } else if (typeof maxAge === 'number' && maxAge > MAX_MAX_AGE) {
    details.push({
      message:
        `maxAge ${describe(maxAge)} is above ${MAX_MAX_AGE}: no browser caches a preflight longer than ${MAX_MAX_AGE} s ` +
        `(Firefox; Chromium caps at 7200)`,
      fix: 'write maxAge: 7200',
    });
  }
  if (
    optionsSuccessStatus !== undefined &&
    !(Number.isInteger(optionsSuccessStatus) && (optionsSuccessStatus as number) >= 200 && (optionsSuccessStatus as number) <= 299)
  ) {
    details.push({
      message: `optionsSuccessStatus ${describe(optionsSuccessStatus)} is not a 2xx status; browsers fail any other preflight status`,
      fix: 'write 204 (the default) or 200',
    });
  }
  if (unknownRoutes !== undefined && !UNKNOWN_ROUTES_VALUES.includes(unknownRoutes as string)) {
    details.push({
      message: `unknownRoutes ${describe(unknownRoutes)} is not one of ${UNKNOWN_ROUTES_VALUES.join(', ')}`,
      fix: "write unknownRoutes: 'defaults'",
    });
  }
  return details.map((detail) => ({ place, ...detail }));
}

function isAnyOrigin(origin: unknown): boolean {
  return origin === '*' || (Array.isArray(origin) && origin.includes('*'));
}

/** Checks rules that involve several fields of an effective (merged) policy. */
export function checkCombination(options: CorsOptions): CorsProblemDetail[] {
  const details: CorsProblemDetail[] = [];
  const anyOrigin = isAnyOrigin(options.origin);
  if (options.credentials === true && anyOrigin) {
    details.push({
      message: "origin '*' with credentials: true is refused by browsers",
      fix: 'list the trusted origins explicitly, or drop credentials',
    });
  }
  if (options.credentials === true && options.origin === true) {
    details.push({
      message: 'origin: true with credentials: true lets every website make authenticated requests as your users',
      fix: 'list the trusted origins explicitly (or use a function that checks them)',
    });
  }
  if (options.credentials === true && options.exposedHeaders !== undefined && listOption(options.exposedHeaders).includes('*')) {
    details.push({
      message: 'exposedHeaders \'*\' with credentials: true is the literal header name "*" to browsers',
      fix: 'list the headers to expose',
    });
  }
  if (options.privateNetwork === true && anyOrigin) {
    details.push({
      message: "privateNetwork with origin '*' lets every public website reach this private-network server",
      fix: 'list the trusted origins explicitly',
    });
  }
  return details;
}
