// Startup validation: one row per rule.
import { describe, expect, it } from '@jest/globals';
import type { CorsOptions } from './cors-options.js';
import { checkCombination, checkOptionFields, CORS_OPTION_KEYS, listOption, MODULE_ONLY_OPTION_KEYS } from './options-validation.js';

// "*." origin patterns are checked against the Public Suffix List, which is loaded on demand.

const PLACE = 'CorsModule options';
const ORIGIN = 'https://app.example.com';

describe('listOption', () => {
  it.each([
    { name: 'comma-separated string', value: 'GET,POST', expected: ['GET', 'POST'] },
    { name: 'spaces around items', value: ' GET , POST ', expected: ['GET', 'POST'] },
    { name: 'empty items dropped', value: 'GET,,POST,', expected: ['GET', 'POST'] },
    { name: 'single item', value: 'X-Request-Id', expected: ['X-Request-Id'] },
    { name: 'array kept in order', value: ['X-B', 'X-A'], expected: ['X-B', 'X-A'] },
    { name: 'array items trimmed', value: [' X-A ', ''], expected: ['X-A'] },
    { name: 'case kept', value: ['get', 'Post'], expected: ['get', 'Post'] },
    { name: 'empty string', value: '', expected: [] },
    { name: 'empty array', value: [], expected: [] },
  ])('$name', ({ value, expected }) => {
    expect(listOption(value)).toEqual(expected);
  });
});

describe('checkOptionFields: valid options', () => {
  const table: { name: string; options: object; moduleLevel: boolean }[] = [
    { name: 'empty options', options: {}, moduleLevel: true },
    { name: 'exact origin', options: { origin: ORIGIN }, moduleLevel: false },
    { name: "'*'", options: { origin: '*' }, moduleLevel: false },
    { name: "'null'", options: { origin: 'null' }, moduleLevel: false },
    { name: 'true', options: { origin: true }, moduleLevel: false },
    { name: 'false', options: { origin: false }, moduleLevel: false },
    { name: 'function', options: { origin: () => true }, moduleLevel: false },
    { name: 'anchored RegExp', options: { origin: /^https:\/\/(?:a|b)\.example\.com$/ }, moduleLevel: false },
    {
      name: 'array of every string form',
      options: {
        origin: [
          ORIGIN,
          'https://*.example.com',
          'http://localhost:*',
          'http://*.example.com:*',
          'null',
          'http://[::1]:3000',
          /^https:\/\/x\.example$/,
        ],
      },
      moduleLevel: true,
    },
    { name: 'custom methods in upper case', options: { methods: ['GET', 'PURGE', 'PATCH'] }, moduleLevel: false },
    { name: "methods '*' (any method)", options: { methods: '*' }, moduleLevel: false },
    { name: "methods ['*']", options: { methods: ['*'] }, moduleLevel: false },
    { name: "methods '*' with spaces", options: { methods: ' * ' }, moduleLevel: false },
    { name: 'maxAge at the Chromium cap', options: { maxAge: 7200 }, moduleLevel: false },
    { name: 'originTimeout at the longest timer', options: { originTimeout: 2 ** 31 - 1 }, moduleLevel: true },
    { name: 'origins with trailing dots', options: { origin: ['https://a.com.', 'https://*.example.com.'] }, moduleLevel: false },
    {
      name: '*. on a name the Public Suffix List does not list',
      options: { origin: ['https://*.internal', 'http://*.localhost:*', 'https://*.corp.example.internal'] },
      moduleLevel: false,
    },
    { name: 'methods as a comma-separated string', options: { methods: 'GET,HEAD,PUT,PATCH,POST,DELETE' }, moduleLevel: false },
    { name: 'allowedHeaders list', options: { allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'] }, moduleLevel: false },
    { name: "allowedHeaders '*'", options: { allowedHeaders: '*' }, moduleLevel: false },
    { name: 'exposedHeaders string', options: { exposedHeaders: 'X-Total, X-Page' }, moduleLevel: false },
    { name: "exposedHeaders '*' without credentials", options: { exposedHeaders: ['*'] }, moduleLevel: false },
    { name: 'maxAge 0', options: { maxAge: 0 }, moduleLevel: false },
    { name: 'maxAge one day', options: { maxAge: 86400 }, moduleLevel: false },
    { name: 'optionsSuccessStatus 200', options: { optionsSuccessStatus: 200 }, moduleLevel: false },
    { name: 'optionsSuccessStatus 299', options: { optionsSuccessStatus: 299 }, moduleLevel: false },
    { name: 'booleans', options: { credentials: true, preflightContinue: false, privateNetwork: true }, moduleLevel: false },
    {
      name: 'module-only settings at module level',
      options: { rejectDisallowedOrigins: false, unknownRoutes: 'deny', debug: true },
      moduleLevel: true,
    },
    { name: 'fields explicitly undefined', options: { origin: undefined, maxAge: undefined, methods: undefined }, moduleLevel: false },
  ];

  it.each(table)('$name', ({ options, moduleLevel }) => {
    expect(checkOptionFields(options, PLACE, moduleLevel)).toEqual([]);
  });
});

interface ProblemRow {
  name: string;
  options: object;
  moduleLevel?: boolean;
  /** What the message must say (it names the problem). */
  message: RegExp;
  /** What the fix must say. */
  fix: RegExp;
}

/**
 * One row per rule of the "Startup validation" section that concerns a single level
 * (the combination rules are below). jub0bs config_test.go (C-xx) and Spring/ASP.NET vectors
 * are ported where they fit.
 */
const FIELD_RULES: ProblemRow[] = [
  // origin strings that can never match
  {
    name: 'origin with trailing slash',
    options: { origin: 'https://app.example.com/' },
    message: /"https:\/\/app\.example\.com\/".*trailing slash/,
    fix: /"https:\/\/app\.example\.com"/,
  },
  {
    name: 'origin with path (C-03)',
    options: { origin: 'http://example.com:6060/path' },
    message: /path/,
    fix: /"http:\/\/example\.com:6060"/,
  },
  { name: 'origin with query', options: { origin: 'https://app.example.com?x=1' }, message: /query/, fix: /"https:\/\/app\.example\.com"/ },
  {
    name: 'origin with fragment',
    options: { origin: 'https://app.example.com#x' },
    message: /"https:\/\/app\.example\.com#x"/,
    fix: /"https:\/\/app\.example\.com"/,
  },
  {
    name: 'origin with upper-case scheme',
    options: { origin: 'HTTPS://app.example.com' },
    message: /upper-case/,
    fix: /"https:\/\/app\.example\.com"/,
  },
  {
    name: 'origin with upper-case host (ASP.NET A28, Spring S09)',
    options: { origin: 'https://DOMAIN2.com' },
    message: /upper-case/,
    fix: /"https:\/\/domain2\.com"/,
  },
  {
    name: 'origin with explicit default port 443',
    options: { origin: 'https://app.example.com:443' },
    message: /default port 443/,
    fix: /"https:\/\/app\.example\.com"/,
  },
  {
    name: 'origin with explicit default port 80 (ASP.NET A29)',
    options: { origin: 'http://www.example.com:80' },
    message: /default port 80/,
    fix: /"http:\/\/www\.example\.com"/,
  },
  { name: 'origin without scheme', options: { origin: 'app.example.com' }, message: /no scheme/, fix: /"https:\/\/app\.example\.com"/ },
  { name: 'empty origin (fastify #27)', options: { origin: '' }, message: /empty/, fix: /remove it/ },
  { name: 'empty origin in a list (env var trailing comma)', options: { origin: [ORIGIN, ''] }, message: /empty/, fix: /trailing comma/ },
  {
    name: 'origin with surrounding whitespace (env var split on ",")',
    options: { origin: [ORIGIN, ' https://b.example.com'] },
    message: /whitespace/,
    fix: /"https:\/\/b\.example\.com"/,
  },
  { name: 'file: origin', options: { origin: 'file:///index.html' }, message: /file:/, fix: /'null'/ },
  { name: 'malformed origin', options: { origin: 'https://exa mple.com' }, message: /not a valid/, fix: /https:\/\/app\.example\.com/ },
  { name: 'misplaced wildcard', options: { origin: 'https://app.*.example.com' }, message: /wildcard/, fix: /\*\./ },
  // an unanchored RegExp
  {
    name: 'RegExp without anchors (express #8)',
    options: { origin: [/foo\.com$/, ORIGIN] },
    message: /\/foo\\\.com\$\/ is not anchored/,
    fix: /\/\^foo\\\.com\$\//,
  },
  { name: 'RegExp without end anchor', options: { origin: /^https:\/\/app\.example\.com/ }, message: /not anchored/, fix: /anchor it/ },
  {
    name: 'RegExp anchoring only its outer alternatives',
    options: { origin: /^https:\/\/a\.com|https:\/\/b\.com$/ },
    message: /alternatives/,
    fix: /\(\?:/,
  },
  // *. on a public suffix or bare TLD
  {
    name: "'*.' on a bare TLD (C-17)",
    options: { origin: 'https://*.com' },
    message: /public suffix "\.com"/,
    fix: /https:\/\/\*\.example\.com/,
  },
  {
    name: "'*.' on a multi-label public suffix",
    options: { origin: 'https://*.co.uk' },
    message: /public suffix "\.co\.uk"/,
    fix: /https:\/\/\*\.example\.co\.uk/,
  },
  { name: "'*.' on a private public suffix", options: { origin: ['https://*.github.io'] }, message: /public suffix/, fix: /example/ },
  {
    name: "'*.' on a domain holding public suffixes",
    options: { origin: ['https://*.amazonaws.com'] },
    message: /public suffixes such as/,
    fix: /example/,
  },
  // origins a browser never sends: the URL parser serializes them otherwise
  {
    name: 'IPv4 with a missing part',
    options: { origin: 'http://127.1' },
    message: /"http:\/\/127\.1" is not written as browsers send it/,
    fix: /^write "http:\/\/127\.0\.0\.1"$/,
  },
  {
    name: 'uncompressed IPv6',
    options: { origin: ['http://[0:0:0:0:0:0:0:1]:3000'] },
    message: /not written as browsers send it/,
    fix: /^write "http:\/\/\[::1\]:3000"$/,
  },
  { name: 'invalid punycode', options: { origin: 'http://xn--f' }, message: /host browsers cannot parse/, fix: /as the browser sends it/ },
  {
    name: 'whitespace and upper case: the fix fixes both',
    options: { origin: [' https://B.example'] },
    message: /whitespace/,
    fix: /^write "https:\/\/b\.example"$/,
  },
  { name: 'RegExp ending in an escaped dollar', options: { origin: /^https:\/\/a\.com\$/ }, message: /not anchored/, fix: /\\\$\$\/$/ },
  // CONNECT/TRACE/TRACK or invalid method tokens
  { name: 'CONNECT (C-05)', options: { methods: ['GET', 'CONNECT'] }, message: /CONNECT/, fix: /remove CONNECT/ },
  { name: 'TRACE', options: { methods: 'GET,TRACE' }, message: /TRACE/, fix: /remove TRACE/ },
  { name: 'TRACK', options: { methods: ['TRACK'] }, message: /TRACK/, fix: /remove TRACK/ },
  { name: 'trace in lower case', options: { methods: ['trace'] }, message: /trace/, fix: /remove trace/ },
  { name: 'method with a space', options: { methods: ['GET POST'] }, message: /"GET POST" is not a valid method/, fix: /remove/ },
  { name: 'non-ASCII method (C-19)', options: { methods: ['résumé'] }, message: /"résumé" is not a valid method/, fix: /remove/ },
  { name: 'method with a separator', options: { methods: ['GET;'] }, message: /not a valid method/, fix: /remove/ },
  {
    name: 'methods not strings',
    options: { methods: [1, 2] },
    message: /methods .* is not a string or an array of strings/,
    fix: /methods:/,
  },
  // lower-case methods: Node answers 400 to them; browsers upper-case only the six Fetch names
  {
    name: 'a lower-case custom method',
    options: { methods: ['GET', 'patch'] },
    message:
      /^method patch has lower-case letters; browsers send patch as written \(Fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST, PUT\) and Node refuses lower-case methods$/,
    fix: /^write \["GET","PATCH"\]$/,
  },
  {
    name: 'a mixed-case method in a string',
    options: { methods: 'GET,Post' },
    message: /^method Post has lower-case letters; browsers send POST and Node refuses lower-case methods$/,
    fix: /^write \["GET","POST"\]$/,
  },
  // '*' means any method, and is the whole list
  { name: "'*' with other methods", options: { methods: ['*', 'GET'] }, message: /'\*' already allows every method/, fix: /methods: '\*'/ },
  {
    name: "'*' with other methods in a string",
    options: { methods: 'GET, *' },
    message: /'\*' already allows every method/,
    fix: /without '\*'/,
  },
  // invalid header names
  {
    name: 'allowedHeaders name with a space',
    options: { allowedHeaders: ['X Request'] },
    message: /allowedHeaders entry "X Request" is not a valid header name/,
    fix: /header names/,
  },
  {
    name: 'allowedHeaders non-ASCII name (C-10)',
    options: { allowedHeaders: ['résumé'] },
    message: /allowedHeaders entry "résumé"/,
    fix: /header names/,
  },
  {
    name: 'allowedHeaders name with a colon',
    options: { allowedHeaders: 'X-A:' },
    message: /allowedHeaders entry "X-A:"/,
    fix: /header names/,
  },
  {
    name: 'exposedHeaders invalid name',
    options: { exposedHeaders: ['X-Total Count'] },
    message: /exposedHeaders entry "X-Total Count"/,
    fix: /header names/,
  },
  {
    name: 'allowedHeaders not strings',
    options: { allowedHeaders: { name: 'x' } },
    message: /allowedHeaders .* is not a string or an array of strings/,
    fix: /allowedHeaders:/,
  },
  {
    name: 'exposedHeaders not strings',
    options: { exposedHeaders: 5 },
    message: /exposedHeaders 5 is not a string/,
    fix: /exposedHeaders:/,
  },
  // maxAge not an integer >= 0
  {
    name: 'maxAge negative (C-11, ASP.NET A19)',
    options: { maxAge: -1 },
    message: /maxAge -1 is not a whole number of seconds >= 0/,
    fix: /maxAge: 600/,
  },
  { name: 'maxAge fractional (ASP.NET A35)', options: { maxAge: 1.5 }, message: /maxAge 1\.5/, fix: /maxAge: 600/ },
  { name: 'maxAge as a string', options: { maxAge: '600' }, message: /maxAge "600"/, fix: /maxAge: 600/ },
  { name: 'maxAge NaN', options: { maxAge: Number.NaN }, message: /maxAge/, fix: /maxAge: 600/ },
  { name: 'maxAge Infinity', options: { maxAge: Number.POSITIVE_INFINITY }, message: /maxAge/, fix: /maxAge: 600/ },
  // maxAge above what any browser keeps (and 1e21 would be sent as "1e+21")
  {
    name: 'maxAge one second over a day',
    options: { maxAge: 86401 },
    message: /^maxAge 86401 is above 86400: no browser caches a preflight longer than 86400 s \(Firefox; Chromium caps at 7200\)$/,
    fix: /^write maxAge: 7200$/,
  },
  {
    name: 'maxAge 1e21',
    options: { maxAge: 1e21 },
    message: /no browser caches a preflight longer than 86400 s/,
    fix: /^write maxAge: 7200$/,
  },
  // originTimeout beyond what a Node timer can wait
  {
    name: 'originTimeout of 2^31 ms',
    options: { originTimeout: 2 ** 31 },
    message: /originTimeout 2147483648 is above 2147483647 ms.*after 1 ms/,
    fix: /originTimeout: 2147483647/,
  },
  {
    name: 'originTimeout of a year',
    options: { originTimeout: 365 * 24 * 3600 * 1000 },
    message: /is above 2147483647 ms/,
    fix: /originTimeout: 1000/,
  },
  {
    name: 'originTimeout fractional',
    options: { originTimeout: 1.5 },
    message: /originTimeout 1\.5 is not a whole number/,
    fix: /originTimeout: 1000/,
  },
  // optionsSuccessStatus not 2xx
  {
    name: 'optionsSuccessStatus 199',
    options: { optionsSuccessStatus: 199 },
    message: /optionsSuccessStatus 199 is not a 2xx status/,
    fix: /204/,
  },
  { name: 'optionsSuccessStatus 300', options: { optionsSuccessStatus: 300 }, message: /optionsSuccessStatus 300/, fix: /204/ },
  { name: 'optionsSuccessStatus 404', options: { optionsSuccessStatus: 404 }, message: /optionsSuccessStatus 404/, fix: /204/ },
  { name: 'optionsSuccessStatus as a string', options: { optionsSuccessStatus: '204' }, message: /optionsSuccessStatus "204"/, fix: /204/ },
  { name: 'optionsSuccessStatus fractional', options: { optionsSuccessStatus: 200.5 }, message: /optionsSuccessStatus 200\.5/, fix: /204/ },
  // unknown option keys
  { name: 'misspelled key', options: { origins: [ORIGIN] }, message: /unknown option "origins"/, fix: /did you mean "origin"\?/ },
  { name: 'misspelled key, case', options: { maxage: 5 }, message: /unknown option "maxage"/, fix: /did you mean "maxAge"\?/ },
  {
    name: 'misspelled allowedHeaders',
    options: { allowHeaders: ['X-A'] },
    message: /unknown option "allowHeaders"/,
    fix: /did you mean "allowedHeaders"\?/,
  },
  {
    name: 'misspelled exposedHeaders (Nest exposeHeaders)',
    options: { exposeHeaders: ['X-A'] },
    message: /unknown option "exposeHeaders"/,
    fix: /did you mean "exposedHeaders"\?/,
  },
  {
    name: 'unrelated key',
    options: { banana: true },
    message: /unknown option "banana"/,
    fix: /remove it; known options: origin, methods/,
  },
  {
    name: 'module-only key in @Cors()',
    options: { debug: true },
    moduleLevel: false,
    message: /"debug" is a module-wide setting/,
    fix: /CorsModule\.forRoot\(\)/,
  },
  {
    name: 'module-only rejectDisallowedOrigins in @Cors()',
    options: { rejectDisallowedOrigins: false },
    moduleLevel: false,
    message: /"rejectDisallowedOrigins" is a module-wide setting/,
    fix: /CorsModule\.forRoot\(\)/,
  },
  // value types
  {
    name: 'origin of another type',
    options: { origin: 42 },
    message: /origin 42 is neither a string nor a RegExp/,
    fix: /string, RegExp, function/,
  },
  {
    name: 'function inside an origin array',
    options: { origin: [ORIGIN, () => true] },
    message: /neither a string nor a RegExp/,
    fix: /function origin/,
  },
  {
    name: 'credentials as a string',
    options: { credentials: 'true' },
    message: /credentials "true" is not a boolean/,
    fix: /credentials: true/,
  },
  {
    name: 'preflightContinue as a number',
    options: { preflightContinue: 1 },
    message: /preflightContinue 1 is not a boolean/,
    fix: /preflightContinue: true/,
  },
  {
    name: 'privateNetwork as a string',
    options: { privateNetwork: 'yes' },
    message: /privateNetwork "yes" is not a boolean/,
    fix: /privateNetwork: true/,
  },
  { name: 'debug as a string', options: { debug: 'true' }, message: /debug "true" is not a boolean/, fix: /debug: true/ },
  {
    name: 'unknownRoutes value',
    options: { unknownRoutes: 'allow' },
    message: /unknownRoutes "allow" is not one of defaults, deny, skip/,
    fix: /unknownRoutes: 'defaults'/,
  },
];

describe('checkOptionFields: one row per rule', () => {
  it.each(FIELD_RULES)('$name', ({ options, moduleLevel = true, message, fix }) => {
    const problems = checkOptionFields(options, PLACE, moduleLevel);
    expect(problems).toHaveLength(1);
    expect(problems[0].place).toBe(PLACE);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].fix).toMatch(fix);
  });
});

describe('checkOptionFields: reporting', () => {
  it('reports every problem of a level together, each with its place (C-19)', () => {
    const problems = checkOptionFields(
      {
        origin: ['http://example.com', 'https://example.com/'],
        methods: ['CONNECT', 'résumé'],
        allowedHeaders: ['résumé'],
        maxAge: -2,
        optionsSuccessStatus: 302,
        orign: 'x',
      },
      'CatsController.update',
      false,
    );
    expect(problems.map((problem) => problem.place)).toEqual(Array(7).fill('CatsController.update'));
    const text = problems.map((problem) => problem.message).join('\n');
    for (const expected of [
      'orign',
      '"https://example.com/"',
      'CONNECT',
      '"résumé" is not a valid method',
      'allowedHeaders entry "résumé"',
      'maxAge -2',
      'optionsSuccessStatus 302',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('knows every option key, and the module-only ones only at module level', () => {
    const all = Object.fromEntries([...CORS_OPTION_KEYS, ...MODULE_ONLY_OPTION_KEYS].map((key) => [key, undefined]));
    expect(checkOptionFields(all, PLACE, true)).toEqual([]);
    expect(checkOptionFields(all, 'Ctrl', false).map((problem) => problem.message)).toEqual(
      MODULE_ONLY_OPTION_KEYS.map((key) => `option "${key}" is a module-wide setting`),
    );
  });
});

describe('checkCombination: one row per rule', () => {
  // Sources: the issue; jub0bs C-15/C-18; Spring S07/S22/S25/S37; ASP.NET A01; express #14; koa #46.
  const table: { name: string; options: CorsOptions; message: RegExp; fix: RegExp }[] = [
    {
      name: "'*' with credentials (C-15, A01, S07)",
      options: { origin: '*', credentials: true },
      message: /origin '\*' with credentials/,
      fix: /list the trusted origins/,
    },
    {
      name: "'*' in an array with credentials (S22)",
      options: { origin: [ORIGIN, '*'], credentials: true },
      message: /origin '\*' with credentials/,
      fix: /list the trusted origins/,
    },
    {
      name: 'true with credentials',
      options: { origin: true, credentials: true },
      message: /origin: true with credentials/,
      fix: /list the trusted origins/,
    },
    {
      name: "exposedHeaders '*' with credentials (C-18)",
      options: { origin: ORIGIN, credentials: true, exposedHeaders: ['*'] },
      message: /exposedHeaders '\*' with credentials/,
      fix: /list the headers/,
    },
    {
      name: "exposedHeaders '*' as a string with credentials",
      options: { origin: ORIGIN, credentials: true, exposedHeaders: 'X-A, *' },
      message: /exposedHeaders '\*'/,
      fix: /list the headers/,
    },
    {
      name: "privateNetwork with '*' (S25)",
      options: { origin: '*', privateNetwork: true },
      message: /privateNetwork with origin '\*'/,
      fix: /list the trusted origins/,
    },
    {
      name: "privateNetwork with '*' in an array",
      options: { origin: ['*'], privateNetwork: true },
      message: /privateNetwork/,
      fix: /list the trusted origins/,
    },
  ];

  it.each(table)('$name', ({ options, message, fix }) => {
    const problems = checkCombination(options);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].fix).toMatch(fix);
  });

  it.each([
    { name: "'*' without credentials", options: { origin: '*', exposedHeaders: '*' } as CorsOptions },
    { name: 'true without credentials', options: { origin: true, privateNetwork: true } as CorsOptions },
    {
      name: 'exact origins with credentials',
      options: { origin: [ORIGIN, 'https://*.example.com'], credentials: true, privateNetwork: true } as CorsOptions,
    },
    { name: 'function with credentials', options: { origin: () => true, credentials: true } as CorsOptions },
    { name: "'*' with credentials false", options: { origin: '*', credentials: false } as CorsOptions },
    { name: 'credentials without any origin', options: { credentials: true } as CorsOptions },
    {
      name: 'exposedHeaders list with credentials',
      options: { origin: ORIGIN, credentials: true, exposedHeaders: ['X-Total'] } as CorsOptions,
    },
  ])('accepts $name', ({ options }) => {
    expect(checkCombination(options)).toEqual([]);
  });

  it('reports every combination problem together', () => {
    const problems = checkCombination({ origin: ['*'], credentials: true, exposedHeaders: '*', privateNetwork: true });
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/origin '\*' with credentials/),
      expect.stringMatching(/exposedHeaders '\*'/),
      expect.stringMatching(/privateNetwork/),
    ]);
  });
});

describe('checkOptionFields: lower-case methods', () => {
  it('reports each lower-case method, each fix naming the whole list in upper case', () => {
    const problems = checkOptionFields({ methods: ['get', 'put'] }, PLACE, false);
    expect(problems.map(({ message, fix }) => ({ message, fix }))).toEqual([
      { message: 'method get has lower-case letters; browsers send GET and Node refuses lower-case methods', fix: 'write ["GET","PUT"]' },
      { message: 'method put has lower-case letters; browsers send PUT and Node refuses lower-case methods', fix: 'write ["GET","PUT"]' },
    ]);
  });

  it.each([
    { methods: ['get', 'put'] as string | string[] },
    { methods: 'get, Put,PATCH' },
    { methods: ['delete', 'trace', 'GET', 'get'] },
    { methods: ['purge', 'x y', 'Options'] },
  ])('suggests a list that passes validation for $methods', ({ methods }) => {
    const fixes = checkOptionFields({ methods }, PLACE, false)
      .map((problem) => /^write (\[.*\])$/.exec(problem.fix)?.[1])
      .filter((fix) => fix !== undefined);
    expect(fixes.length).toBeGreaterThan(0);
    for (const fix of fixes) expect(checkOptionFields({ methods: JSON.parse(fix) as string[] }, PLACE, false)).toEqual([]);
  });
});

describe('checkOptionFields: an empty methods list', () => {
  it.each([[[]], ['']])('refuses methods %j, which could allow nothing', (methods) => {
    const problems = checkOptionFields({ methods }, 'Place', false);
    expect(problems).toEqual([expect.objectContaining({ place: 'Place', message: expect.stringMatching(/methods is empty/) })]);
    expect(problems[0].fix).toMatch(/list the methods/);
  });
});
