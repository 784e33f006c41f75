import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { seed } from '../properties/fast-check.config.js';
import {
  ADAPTER_NAMES,
  differences,
  HANDLER_METHODS,
  type AdapterName,
  type AppSpec,
  type ControllerSpec,
  type HandlerSpec,
  type Probe,
} from './harness.js';

/**
 * The differential routing suite: see harness.ts. Fixtures cover each adapter's route syntax and
 * the normalisations its router applies; fast-check generates controllers (static, parametric,
 * wildcard and optional segments, several paths per handler, controller path parameters,
 * shuffled registration order) and request targets (encodings, `//`, trailing `/`, case, `;`,
 * query strings, absolute form).
 */

const PROBE_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'] as const;

function probes(targets: readonly string[], methods: readonly Probe['method'][] = PROBE_METHODS): Probe[] {
  return targets.flatMap((target) => methods.map((method) => ({ method, target })));
}

/** Request targets every fixture is probed with, on top of its own. */
const NORMALISATIONS = (path: string): string[] => [
  path,
  `${path}/`,
  `/${path}`,
  path.toUpperCase(),
  `${path};x=1`,
  `${path}?q=1`,
  `http://localhost${path}`,
  path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
];

interface Fixture {
  name: string;
  adapters: readonly AdapterName[];
  spec: AppSpec;
  targets: string[];
  methods?: readonly Probe['method'][];
}

const users: ControllerSpec = {
  path: 'users',
  handlers: [
    { method: 'PUT', path: ':id' },
    { method: 'PUT', path: 'me' },
    { method: 'GET', path: 'me' },
    { method: 'GET', path: ':id' },
    { method: 'DELETE', path: ':id' },
  ],
};

const FIXTURES: Fixture[] = [
  {
    name: 'a parameter declared before a static path (Express: first registered wins; Fastify: static wins)',
    adapters: ADAPTER_NAMES,
    spec: { controllers: [users] },
    targets: [...NORMALISATIONS('/users/me'), '/users/42', '/users/%6De', '/%75sers/me', '//users/me', '/users//'],
  },
  {
    name: 'a wildcard declared before a static path',
    adapters: ['express'],
    spec: {
      controllers: [
        {
          path: 'files',
          handlers: [
            { method: 'GET', path: '*path' },
            { method: 'GET', path: 'readme' },
            { method: 'PUT', path: '{*rest}' },
          ],
        },
      ],
    },
    targets: [...NORMALISATIONS('/files/readme'), '/files/a/b', '/files', '/files/'],
  },
  {
    name: 'HEAD routes of their own beside GET routes (Fastify adds a HEAD route after each GET without one)',
    adapters: ADAPTER_NAMES,
    spec: {
      controllers: [
        {
          path: 'docs',
          handlers: [
            { method: 'HEAD', path: 'b' },
            { method: 'GET', path: 'a' },
            { method: 'GET', path: 'b' },
            { method: 'HEAD', path: ':p' },
            { method: 'PUT', path: 'a' },
          ],
        },
      ],
    },
    targets: ['/docs/a', '/docs/b', '/docs/c', '/docs/B', '/docs/a/'],
  },
  {
    name: 'methods registered for the same paths in the same order, each handler with its own policy',
    adapters: ADAPTER_NAMES,
    spec: {
      controllers: [
        {
          path: 'same',
          handlers: [
            { method: 'GET', path: ':id' },
            { method: 'PUT', path: ':id' },
            { method: 'DELETE', path: ':id' },
            { method: 'GET', path: 'me' },
            { method: 'PUT', path: 'me' },
            { method: 'DELETE', path: 'me' },
          ],
        },
      ],
    },
    targets: ['/same/me', '/same/42', '/same/ME', '/same/me/', '/same'],
  },
  {
    name: "Fastify's own syntax: *, optional and RegExp parameters, an escaped colon",
    adapters: ['fastify'],
    spec: {
      controllers: [
        {
          path: 'files',
          handlers: [
            { method: 'GET', path: '*' },
            { method: 'GET', path: 'readme' },
            { method: 'DELETE', path: 'x/*' },
          ],
        },
        {
          path: 'opt',
          handlers: [
            { method: 'GET', path: ':id?' },
            { method: 'PUT', path: 'fixed' },
          ],
        },
        {
          path: 'num',
          handlers: [
            { method: 'GET', path: ':id(^\\d+$)' },
            { method: 'GET', path: ':name' },
          ],
        },
        { path: 'colon', handlers: [{ method: 'GET', path: 'a::b' }] },
      ],
    },
    targets: [
      '/files/readme',
      '/files/a/b',
      '/files/',
      '/files/x/y',
      '/opt',
      '/opt/7',
      '/opt/fixed',
      '/num/42',
      '/num/abc',
      '/colon/a:b',
      '/colon/a::b',
    ],
  },
  {
    name: "Express's own syntax: optional groups, named wildcards, parameters inside a segment",
    adapters: ['express'],
    spec: {
      controllers: [
        {
          path: 'opt',
          handlers: [
            { method: 'GET', path: 'a{/:b}' },
            { method: 'PUT', path: 'a/fixed' },
          ],
        },
        {
          path: 'ext',
          handlers: [
            { method: 'GET', path: ':name.json' },
            { method: 'GET', path: ':name' },
          ],
        },
        {
          path: 'legacy',
          handlers: [
            { method: 'GET', path: '*' },
            { method: 'POST', path: 'x' },
          ],
        },
      ],
    },
    targets: ['/opt/a', '/opt/a/7', '/opt/a/fixed', '/ext/a.json', '/ext/a', '/legacy/x', '/legacy/y/z'],
  },
  {
    name: 'percent-decoding before routing (a non-ASCII static path, encoded letters)',
    adapters: ADAPTER_NAMES,
    spec: {
      controllers: [
        {
          path: '',
          handlers: [
            { method: 'POST', path: 'café' },
            { method: 'GET', path: 'cats/:id' },
          ],
        },
      ],
    },
    targets: ['/caf%C3%A9', '/CAF%C3%A9', '/%63ats/1', '/cats/%31', '/cats/1', 'http://localhost/cats/1'],
  },
  {
    name: '@All() beside a method route on one path, in both orders',
    adapters: ['express'],
    spec: {
      controllers: [
        {
          path: 'all-first',
          handlers: [
            { method: 'ALL', path: 'x' },
            { method: 'GET', path: 'x' },
          ],
        },
        {
          path: 'get-first',
          handlers: [
            { method: 'GET', path: 'x' },
            { method: 'ALL', path: 'x' },
          ],
        },
      ],
    },
    targets: ['/all-first/x', '/get-first/x'],
  },
  {
    name: '@All() beside a method route on another path',
    adapters: ADAPTER_NAMES,
    spec: {
      controllers: [
        {
          path: 'mixed',
          handlers: [
            { method: 'ALL', path: ':any' },
            { method: 'PUT', path: 'one' },
            { method: 'GET', path: 'one' },
          ],
        },
      ],
    },
    targets: ['/mixed/one', '/mixed/two'],
  },
  {
    name: 'several paths per handler and a controller path parameter',
    adapters: ADAPTER_NAMES,
    spec: {
      controllers: [
        {
          path: 'org/:org',
          handlers: [
            { method: 'GET', path: ['members', 'people'] },
            { method: 'POST', path: 'members' },
            { method: 'GET', path: ':any' },
          ],
        },
      ],
    },
    targets: ['/org/acme/members', '/org/acme/people', '/org/acme/other', '/org//members'],
  },
  ...(['caseSensitive', 'ignoreTrailingSlash', 'ignoreDuplicateSlashes', 'useSemicolonDelimiter'] as const).flatMap((option) =>
    [false, true].map((topLevel): Fixture => ({
      name: `Fastify ${option}${topLevel ? ' as a top-level option beside routerOptions' : ''}`,
      adapters: ['fastify'],
      spec: {
        controllers: [
          users,
          {
            path: 'Mixed',
            handlers: [
              { method: 'GET', path: 'Case' },
              { method: 'PUT', path: ':id' },
            ],
          },
        ],
        settings: { fastify: { [option]: option !== 'caseSensitive' ? true : false }, fastifyTopLevel: topLevel },
      },
      targets: [
        '/users/me',
        '/users/me/',
        '//users/me',
        '/users//me',
        '/USERS/ME',
        '/users/me;a=b',
        '/mixed/case',
        '/Mixed/Case',
        '/mixed/case/',
        '/Mixed/x;y',
      ],
    })),
  ),
  {
    name: 'Fastify maxParamLength',
    adapters: ['fastify'],
    spec: { controllers: [users], settings: { fastify: { maxParamLength: 5 } } },
    targets: ['/users/12345', '/users/123456', '/users/me'],
  },
  ...([{ caseSensitive: true }, { strict: true }] as const).map((express): Fixture => ({
    name: `Express ${Object.keys(express)[0]} routing`,
    adapters: ['express'],
    spec: {
      controllers: [
        users,
        {
          path: 'Mixed',
          handlers: [
            { method: 'GET', path: 'Case' },
            { method: 'PUT', path: 'slash/' },
            { method: 'GET', path: ':id' },
          ],
        },
      ],
      settings: { express },
    },
    targets: ['/users/me', '/users/me/', '/USERS/ME', '/mixed/case', '/Mixed/Case', '/Mixed/slash', '/Mixed/slash/'],
  })),
];

describe.each(ADAPTER_NAMES)('differential routing on %s: fixtures', (adapter) => {
  const fixtures = FIXTURES.filter((fixture) => fixture.adapters.includes(adapter));
  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
    const result = await differences(fixture.spec, adapter, probes(fixture.targets, fixture.methods));
    if (result === 'no-boot') throw new Error('the fixture app does not boot without nest-cors');
    expect(result.found).toEqual([]);
    expect(result.served).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated controllers and requests.

const DIFF_RUNS = Number(process.env.FC_DIFF_RUNS ?? 12);

const staticSegment = fc.constantFrom('a', 'b', 'me', 'Files', 'x-y', 'v1');

/** Route paths in the adapter's own syntax: a parameter or wildcard named uniquely per path. */
function routePath(adapter: AdapterName): fc.Arbitrary<string> {
  const middle = fc.oneof({ weight: 3, arbitrary: staticSegment }, { weight: 2, arbitrary: fc.constant(':p') });
  const last =
    adapter === 'express'
      ? fc.oneof(
          staticSegment,
          fc.constant(':p'),
          fc.constant('*rest'),
          fc.constant('{*rest}'),
          fc.constant('x{/:opt}'),
          fc.constant(':p.json'),
        )
      : fc.oneof(staticSegment, fc.constant(':p'), fc.constant('*'), fc.constant(':opt?'), fc.constant(':num(^\\d+$)'));
  return fc.tuple(fc.array(middle, { maxLength: 2 }), last).map(([segments, end]) => {
    let counter = 0;
    return [...segments, end].map((segment) => (segment === ':p' ? `:p${counter++}` : segment)).join('/');
  });
}

function handler(adapter: AdapterName): fc.Arbitrary<HandlerSpec> {
  return fc.record({
    method: fc.constantFrom(...HANDLER_METHODS.filter((method) => adapter === 'express' || method !== 'ALL')),
    path: fc.oneof(
      { weight: 4, arbitrary: routePath(adapter) },
      { weight: 1, arbitrary: fc.uniqueArray(routePath(adapter), { minLength: 2, maxLength: 2 }) },
    ),
  });
}

/**
 * The shapes a route path registers with find-my-way, which refuses two routes of one method and
 * shape (parameter names aside; an optional parameter registers the path with and without it).
 */
function fastifyShapes(path: string): string[] {
  const shape = path.replace(/:[a-z0-9]+(?!\w*\()/gi, ':');
  return shape.endsWith(':?') ? [shape.slice(0, -3), shape.slice(0, -1)] : [shape];
}

/** Whether Fastify would refuse the app for a duplicate route: such apps test nothing. */
function hasFastifyDuplicates(spec: AppSpec): boolean {
  const seen = new Set<string>();
  for (const controller of spec.controllers) {
    for (const h of controller.handlers) {
      for (const path of typeof h.path === 'string' ? [h.path] : h.path) {
        for (const shape of fastifyShapes(`/${controller.path}/${path}`.replace(/\/+/g, '/'))) {
          const key = `${h.method} ${shape}`;
          if (seen.has(key)) return true;
          seen.add(key);
          // Fastify adds a HEAD route after a GET one, unless a HEAD route came first.
          if (h.method === 'GET') seen.add(`HEAD ${shape}`);
        }
      }
    }
  }
  return false;
}

function appSpec(adapter: AdapterName): fc.Arbitrary<AppSpec> {
  const controller = fc.record({
    path: fc.constantFrom('', 'api', 'Files', 'org/:org'),
    handlers: fc.array(handler(adapter), { minLength: 1, maxLength: 4 }),
  });
  const spec = fc.array(controller, { minLength: 1, maxLength: 3 }).map((controllers) => ({ controllers }));
  return adapter === 'fastify' ? spec.filter((candidate) => !hasFastifyDuplicates(candidate)) : spec;
}

/**
 * A request for one of the app's route paths, mostly with the method of its handler: a concrete
 * target, with one of the normalisations a client may add.
 */
function probeFor(spec: AppSpec): fc.Arbitrary<Probe> {
  const routes = spec.controllers.flatMap((controller) =>
    controller.handlers.flatMap((h) =>
      (typeof h.path === 'string' ? [h.path] : [...h.path]).map((path) => ({ method: h.method, path: `${controller.path}/${path}` })),
    ),
  );
  const value = fc.constantFrom('me', 'a', '42', '%61', 'x.json', 'q/r');
  const method = (own: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(own === 'ALL' ? 'PATCH' : own) },
      { weight: 1, arbitrary: fc.constantFrom(...PROBE_METHODS) },
    );
  return fc
    .tuple(
      fc.constantFrom(...routes),
      fc.array(value, { minLength: 8, maxLength: 8 }),
      fc.constantFrom('', '', '', '/', ';k=v', '?q=1', '//', 'UPPER', '%', 'abs'),
    )
    .chain(([route, values, variation]) =>
      method(route.method).map((chosen) => ({ method: chosen as Probe['method'], target: concreteTarget(route.path, values, variation) })),
    );
}

function concreteTarget(path: string, values: readonly string[], variation: string): string {
  let index = 0;
  const concrete =
    '/' +
    path
      .replace(/\{\/:opt\}/, () => (values[index++] === 'a' ? '' : `/${values[index]}`))
      .replace(/\{\*rest\}|\*rest|\*$/g, () => values[index++])
      .replace(/:[a-z0-9]+(\([^)]*\))?\??/g, () => values[index++]);
  switch (variation) {
    case '//':
      return concrete.replace('/', '//');
    case 'UPPER':
      return concrete.toUpperCase();
    case '%':
      return concrete.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    case 'abs':
      return `http://localhost${concrete}`;
    default:
      return `${concrete}${variation}`;
  }
}

describe.each(ADAPTER_NAMES)('differential routing on %s: generated controllers', (adapter) => {
  it('applies the policy of the handler the adapter runs, for every generated app and request', async () => {
    const tally = { runs: 0, booted: 0, served: 0 };
    await fc.assert(
      fc.asyncProperty(
        appSpec(adapter).chain((spec) => fc.tuple(fc.constant(spec), fc.array(probeFor(spec), { minLength: 4, maxLength: 8 }))),
        async ([spec, requests]) => {
          const result = await differences(spec, adapter, requests);
          tally.runs++;
          if (result === 'no-boot') {
            if (process.env.DIFF_DEBUG) console.log(JSON.stringify(spec));
            return;
          }
          tally.booted++;
          tally.served += result.served;
          expect(result.found).toEqual([]);
        },
      ),
      { seed, numRuns: DIFF_RUNS, endOnFailure: true },
    );
    // The generators must mostly produce apps that boot and requests that reach handlers.
    expect(tally.booted).toBeGreaterThanOrEqual(tally.runs / 2);
    expect(tally.served).toBeGreaterThanOrEqual(tally.booted);
  });
});
