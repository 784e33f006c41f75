import { describe, expect, it } from '@jest/globals';
import { pathToRegexp } from 'path-to-regexp';
import { routesForMethod, type CorsRoute, type PathRoutes } from './cors-decision.js';
import { CorsPolicy } from './cors-policy.js';
import { RouteTable, type RouteDefinition } from './route-table.js';

const policy = new CorsPolicy({ origin: 'https://a.example' });
const routes = new Map<string, CorsRoute>();

/** The route named `name` (one per name, so results compare by name). */
function named(name: string): CorsRoute {
  let route = routes.get(name);
  if (!route) routes.set(name, (route = { policy, name }));
  return route;
}

/** `[method, path, handler name, host patterns?]`, host patterns compiled the way the registry does. */
type Def = readonly [method: string, path: string, name: string, hosts?: readonly string[]];

function definitions(defs: readonly Def[]): RouteDefinition[] {
  return defs.map(([method, path, name, hosts]) => ({
    method,
    path,
    route: named(name),
    hosts: hosts?.map((host) => pathToRegexp(host).regexp),
  }));
}

/** A lookup result as `{ METHOD: [handler names] }`, with `ALL` for the @All() routes. */
type Shape = Record<string, string[]>;

function shape(result: PathRoutes | undefined): Shape | undefined {
  if (!result) return undefined;
  const out: Shape = {};
  for (const [method, candidates] of result.methods) out[method] = candidates.map((route) => route.name);
  if (result.anyMethod.length > 0) out.ALL = result.anyMethod.map((route) => route.name);
  return out;
}

const get = (name: string): Shape => ({ GET: [name], HEAD: [name] });

interface Lookup {
  pathname: string;
  hostname?: string;
  expected: Shape | undefined;
}

const TABLES: { table: string; caseSensitive?: boolean; defs: Def[]; lookups: Lookup[] }[] = [
  {
    table: 'static beats param, per method (/users/me vs /users/:id)',
    defs: [
      ['GET', '/users', 'Users.list'],
      ['GET', '/users/me', 'Users.me'],
      ['GET', '/users/:id', 'Users.get'],
      ['DELETE', '/users/:id', 'Users.remove'],
      ['PUT', '/users/me', 'Users.updateMe'],
    ],
    lookups: [
      { pathname: '/users/me', expected: { GET: ['Users.me'], HEAD: ['Users.me'], PUT: ['Users.updateMe'], DELETE: ['Users.remove'] } },
      { pathname: '/users/42', expected: { GET: ['Users.get'], HEAD: ['Users.get'], DELETE: ['Users.remove'] } },
      { pathname: '/users', expected: get('Users.list') },
      { pathname: '/users/me/', expected: { GET: ['Users.me'], HEAD: ['Users.me'], PUT: ['Users.updateMe'], DELETE: ['Users.remove'] } },
      { pathname: '/users/', expected: get('Users.list') },
      { pathname: '/users/42/posts', expected: undefined },
      { pathname: '/usersx', expected: undefined },
      { pathname: '/', expected: undefined },
      { pathname: '/graphql', expected: undefined },
    ],
  },
  {
    table: 'static at an earlier segment beats a param there',
    defs: [
      ['GET', '/:section/me', 'Sections.me'],
      ['GET', '/users/:id', 'Users.get'],
    ],
    lookups: [
      { pathname: '/users/me', expected: get('Users.get') },
      { pathname: '/teams/me', expected: get('Sections.me') },
    ],
  },
  {
    table: 'case-insensitive matching (Express default)',
    caseSensitive: false,
    defs: [
      ['GET', '/users/me', 'Users.me'],
      ['GET', '/users/:id', 'Users.get'],
      ['GET', '/Files/Report', 'Files.report'],
      ['GET', '/docs/:file.json', 'Docs.json'],
    ],
    lookups: [
      { pathname: '/USERS/ME', expected: get('Users.me') },
      { pathname: '/Users/Alice', expected: get('Users.get') },
      { pathname: '/files/report', expected: get('Files.report') },
      { pathname: '/FILES/REPORT', expected: get('Files.report') },
      { pathname: '/DOCS/a.JSON', expected: get('Docs.json') },
    ],
  },
  {
    table: 'case-sensitive matching (Fastify default)',
    caseSensitive: true,
    defs: [
      ['GET', '/users/me', 'Users.me'],
      ['GET', '/users/:id', 'Users.get'],
      ['GET', '/Files/Report', 'Files.report'],
      ['GET', '/docs/:file.json', 'Docs.json'],
    ],
    lookups: [
      { pathname: '/users/me', expected: get('Users.me') },
      { pathname: '/users/ME', expected: get('Users.get') },
      { pathname: '/USERS/me', expected: undefined },
      { pathname: '/Files/Report', expected: get('Files.report') },
      { pathname: '/files/report', expected: undefined },
      { pathname: '/docs/a.json', expected: get('Docs.json') },
      { pathname: '/docs/a.JSON', expected: undefined },
    ],
  },
  {
    table: 'named wildcard *path',
    defs: [
      ['GET', '/files/*path', 'Files.any'],
      ['GET', '/files/readme', 'Files.readme'],
    ],
    lookups: [
      { pathname: '/files/a', expected: get('Files.any') },
      { pathname: '/files/a/b/c', expected: get('Files.any') },
      { pathname: '/files/readme', expected: get('Files.readme') },
      { pathname: '/files/readme/more', expected: get('Files.any') },
      { pathname: '/files', expected: undefined },
      { pathname: '/files/', expected: undefined },
      { pathname: '/other/a', expected: undefined },
    ],
  },
  {
    table: 'root catch-all {*path} (Nest 11+ form of "*")',
    defs: [
      ['GET', '/{*path}', 'Spa.index'],
      ['GET', '/api/health', 'Health.check'],
    ],
    lookups: [
      { pathname: '/', expected: get('Spa.index') },
      { pathname: '/anything', expected: get('Spa.index') },
      { pathname: '/deep/er/path', expected: get('Spa.index') },
      { pathname: '/api', expected: get('Spa.index') },
      { pathname: '/api/health', expected: get('Health.check') },
    ],
  },
  {
    table: 'optional wildcard /files{/*path}',
    defs: [['GET', '/files{/*path}', 'Files.tree']],
    lookups: [
      { pathname: '/files', expected: get('Files.tree') },
      { pathname: '/files/a/b', expected: get('Files.tree') },
      { pathname: '/filesx', expected: undefined },
    ],
  },
  {
    table: 'wildcard before the last segment',
    defs: [['GET', '/files/*path/meta', 'Files.meta']],
    lookups: [
      { pathname: '/files/a/meta', expected: get('Files.meta') },
      { pathname: '/files/a/b/meta', expected: get('Files.meta') },
      { pathname: '/files/meta', expected: undefined },
      { pathname: '/files/a/b', expected: undefined },
    ],
  },
  {
    table: 'optional groups',
    defs: [
      ['GET', '/users{/:id}', 'Users.find'],
      ['GET', '/a{/b}/c', 'Abc.get'],
      ['PUT', '/posts{/:id}{/edit}', 'Posts.edit'],
    ],
    lookups: [
      { pathname: '/users', expected: get('Users.find') },
      { pathname: '/users/5', expected: get('Users.find') },
      { pathname: '/users/5/6', expected: undefined },
      { pathname: '/a/c', expected: get('Abc.get') },
      { pathname: '/a/b/c', expected: get('Abc.get') },
      { pathname: '/a/x/c', expected: undefined },
      { pathname: '/posts', expected: { PUT: ['Posts.edit'] } },
      { pathname: '/posts/1/edit', expected: { PUT: ['Posts.edit'] } },
      { pathname: '/posts/edit', expected: { PUT: ['Posts.edit'] } },
    ],
  },
  {
    table: 'params inside a segment',
    defs: [
      ['GET', '/files/:file.json', 'Files.json'],
      ['GET', '/range/:from-:to', 'Range.get'],
      ['GET', '/v:major.:minor/info', 'Version.info'],
    ],
    lookups: [
      { pathname: '/files/report.json', expected: get('Files.json') },
      { pathname: '/files/a.b.json', expected: get('Files.json') },
      { pathname: '/files/report.xml', expected: undefined },
      { pathname: '/files/.json', expected: undefined },
      { pathname: '/files/report.json/x', expected: undefined },
      { pathname: '/range/1-5', expected: get('Range.get') },
      { pathname: '/range/15', expected: undefined },
      { pathname: '/v1.2/info', expected: get('Version.info') },
      { pathname: '/v1/info', expected: undefined },
    ],
  },
  {
    table: 'host-scoped controllers',
    defs: [
      ['GET', '/status', 'Api.status', ['api.example.com']],
      ['GET', '/status', 'Admin.status', ['admin.example.com']],
      ['GET', '/t', 'Tenant.get', [':tenant.example.com']],
      ['GET', '/mixed', 'Api.mixed', ['api.example.com']],
      ['POST', '/mixed', 'Public.mixed'],
      ['GET', '/public', 'Public.get'],
    ],
    lookups: [
      { pathname: '/status', hostname: 'api.example.com', expected: get('Api.status') },
      { pathname: '/status', hostname: 'admin.example.com', expected: get('Admin.status') },
      { pathname: '/status', hostname: 'other.example.com', expected: undefined },
      { pathname: '/status', hostname: undefined, expected: undefined },
      { pathname: '/t', hostname: 'acme.example.com', expected: get('Tenant.get') },
      { pathname: '/t', hostname: 'example.com', expected: undefined },
      { pathname: '/mixed', hostname: 'api.example.com', expected: { GET: ['Api.mixed'], HEAD: ['Api.mixed'], POST: ['Public.mixed'] } },
      { pathname: '/mixed', hostname: 'other.example.com', expected: { POST: ['Public.mixed'] } },
      { pathname: '/public', hostname: 'anything.example', expected: get('Public.get') },
      { pathname: '/public', hostname: undefined, expected: get('Public.get') },
    ],
  },
  {
    table: 'HEAD served by GET routes',
    defs: [
      ['GET', '/h', 'H.get'],
      ['GET', '/h2', 'H2.get'],
      ['HEAD', '/h2', 'H2.head'],
      ['POST', '/p', 'P.post'],
    ],
    lookups: [
      { pathname: '/h', expected: { GET: ['H.get'], HEAD: ['H.get'] } },
      { pathname: '/h2', expected: { GET: ['H2.get'], HEAD: ['H2.head'] } },
      { pathname: '/p', expected: { POST: ['P.post'] } },
    ],
  },
  {
    table: '@All() routes',
    defs: [
      ['ALL', '/any', 'Any.all'],
      ['GET', '/mix', 'Mix.get'],
      ['ALL', '/mix', 'Mix.all'],
      ['GET', '/files/readme', 'Files.readme'],
      ['ALL', '/files/*path', 'Files.proxy'],
    ],
    lookups: [
      { pathname: '/any', expected: { ALL: ['Any.all'] } },
      // Express serves GET with the handler declared first; only other methods reach @All().
      { pathname: '/mix', expected: { GET: ['Mix.get'], HEAD: ['Mix.get'], ALL: ['Mix.all'] } },
      // The most specific path that has a method serves it: the static GET, not the wildcard @All().
      { pathname: '/files/readme', expected: { GET: ['Files.readme'], HEAD: ['Files.readme'], ALL: ['Files.proxy'] } },
      { pathname: '/files/other', expected: { ALL: ['Files.proxy'] } },
    ],
  },
  {
    table: 'header or media-type versioning: several handlers for one method',
    defs: [
      ['GET', '/cats', 'CatsV1.list'],
      ['GET', '/cats', 'CatsV2.list'],
      ['POST', '/cats', 'CatsV2.create'],
    ],
    lookups: [{ pathname: '/cats', expected: { GET: ['CatsV1.list', 'CatsV2.list'], HEAD: ['CatsV1.list', 'CatsV2.list'], POST: ['CatsV2.create'] } }],
  },
  {
    table: 'global prefix, URI versioning, controller path arrays (nest N6)',
    defs: [
      ['GET', '/api/v1/x/cats', 'Cats.list'],
      ['GET', '/api/v1/x/felines', 'Cats.list'],
      ['PUT', '/api/v1/x/cats/:id', 'Cats.update'],
      ['PUT', '/api/v1/x/felines/:id', 'Cats.update'],
      ['GET', '/api/v2/x/cats/v', 'Cats.v2'],
      ['GET', '/health', 'Health.check'],
    ],
    lookups: [
      { pathname: '/api/v1/x/cats', expected: get('Cats.list') },
      { pathname: '/api/v1/x/felines/7', expected: { PUT: ['Cats.update'] } },
      { pathname: '/api/v2/x/cats/v', expected: get('Cats.v2') },
      { pathname: '/api/v1/x/cats/v', expected: { PUT: ['Cats.update'] } },
      { pathname: '/api/v3/x/cats', expected: undefined },
      { pathname: '/health', expected: get('Health.check') },
      { pathname: '/api/health', expected: undefined },
    ],
  },
  {
    table: 'root route',
    defs: [['GET', '/', 'App.root']],
    lookups: [
      { pathname: '/', expected: get('App.root') },
      { pathname: '/x', expected: undefined },
    ],
  },
  { table: 'no routes at all', defs: [], lookups: [{ pathname: '/', expected: undefined }, { pathname: '/anything', expected: undefined }] },
];

describe.each(TABLES)('RouteTable: $table', ({ defs, caseSensitive = false, lookups }) => {
  const table = new RouteTable(definitions(defs), { caseSensitive });

  const rows = lookups.map((lookup) => ({ ...lookup, name: `${lookup.pathname}${lookup.hostname === undefined ? '' : ` on ${lookup.hostname}`}` }));

  it.each(rows)('$name', ({ pathname, hostname, expected }) => {
    expect(shape(table.lookup(pathname, hostname))).toEqual(expected);
  });
});

describe('routesForMethod', () => {
  const table = new RouteTable(
    definitions([
      ['GET', '/r', 'R.get'],
      ['DELETE', '/r', 'R.remove'],
      ['ALL', '/all', 'All.any'],
      ['GET', '/all', 'All.get'],
    ]),
    { caseSensitive: false },
  );

  it.each([
    { pathname: '/r', method: 'GET', expected: ['R.get'] },
    { pathname: '/r', method: 'HEAD', expected: ['R.get'] },
    { pathname: '/r', method: 'DELETE', expected: ['R.remove'] },
    { pathname: '/r', method: 'PUT', expected: [] },
    { pathname: '/r', method: 'get', expected: [] },
    { pathname: '/all', method: 'PURGE', expected: ['All.any'] },
    { pathname: '/all', method: 'POST', expected: ['All.any'] },
    // Express tries routes in registration order: the @All() declared before the @Get() serves GET.
    { pathname: '/all', method: 'GET', expected: ['All.any'] },
  ])('$method $pathname → $expected', ({ pathname, method, expected }) => {
    const found = table.lookup(pathname, undefined);
    expect(found).toBeDefined();
    expect(routesForMethod(found!, method).map((route) => route.name)).toEqual(expected);
  });
});
