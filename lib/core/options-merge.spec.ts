// Field-by-field merging of module, controller and handler options.
import { describe, expect, it } from '@jest/globals';
import type { CorsDecoratorArgument, CorsModuleOptions, CorsOptions } from './cors-options.js';
import { mergeCorsLevels, normalizeCorsArgument, pickCorsOptions, type CorsLevel } from './options-merge.js';

const originFunction = (): boolean => true;
const regExp = /^https:\/\/a\.example$/;

describe('normalizeCorsArgument', () => {
  const table: { name: string; argument: CorsDecoratorArgument | undefined; expected: CorsOptions | false }[] = [
    { name: '@Cors() with no argument', argument: undefined, expected: {} },
    { name: '@Cors(false)', argument: false, expected: false },
    { name: '@Cors(true)', argument: true, expected: { origin: true } },
    { name: 'origin string', argument: 'https://partner.example', expected: { origin: 'https://partner.example' } },
    { name: "'*'", argument: '*', expected: { origin: '*' } },
    { name: 'RegExp', argument: regExp, expected: { origin: regExp } },
    { name: 'function', argument: originFunction, expected: { origin: originFunction } },
    { name: 'array of strings and RegExps', argument: ['https://a.example', regExp], expected: { origin: ['https://a.example', regExp] } },
    { name: 'empty array', argument: [], expected: { origin: [] } },
    { name: 'options object', argument: { origin: '*', maxAge: 600 }, expected: { origin: '*', maxAge: 600 } },
    { name: 'empty options object', argument: {}, expected: {} },
  ];

  it.each(table)('$name', ({ argument, expected }) => {
    expect(normalizeCorsArgument(argument)).toEqual(expected);
  });

  it('keeps RegExp and function identity', () => {
    expect((normalizeCorsArgument(regExp) as CorsOptions).origin).toBe(regExp);
    expect((normalizeCorsArgument(originFunction) as CorsOptions).origin).toBe(originFunction);
  });
});

describe('pickCorsOptions', () => {
  it('drops module-only settings and undefined fields', () => {
    const options: CorsModuleOptions = {
      origin: 'https://a.example',
      credentials: undefined,
      maxAge: 0,
      rejectDisallowedOrigins: false,
      unknownRoutes: 'deny',
      debug: true,
    };
    expect(pickCorsOptions(options)).toEqual({ origin: 'https://a.example', maxAge: 0 });
  });
});

const MODULE: CorsModuleOptions = {
  origin: ['https://app.example'],
  methods: ['GET', 'POST'],
  allowedHeaders: ['Content-Type'],
  exposedHeaders: ['X-Total'],
  credentials: true,
  maxAge: 600,
  rejectDisallowedOrigins: false,
  debug: true,
};

describe('mergeCorsLevels', () => {
  // Levels are [controller, handler]; each row says what the handler's effective options are.
  // Sources: the Merge section, Spring classLevel/maxAgeWithDefaultOrigin (S35/S36), nest N8.
  const table: { name: string; module: CorsOptions; levels: CorsLevel[]; expected: CorsOptions | false }[] = [
    {
      name: 'no @Cors anywhere: the module options, module-only settings dropped',
      module: MODULE,
      levels: [undefined, undefined],
      expected: {
        origin: ['https://app.example'],
        methods: ['GET', 'POST'],
        allowedHeaders: ['Content-Type'],
        exposedHeaders: ['X-Total'],
        credentials: true,
        maxAge: 600,
      },
    },
    { name: 'no module options, no @Cors: nothing', module: {}, levels: [undefined, undefined], expected: {} },
    {
      name: 'controller overrides one field, the rest is inherited',
      module: MODULE,
      levels: [{ maxAge: 10 }, undefined],
      expected: { ...pickExpected(MODULE), maxAge: 10 },
    },
    {
      name: 'handler beats controller beats module',
      module: { origin: 'https://module.example', maxAge: 1, credentials: false },
      levels: [{ origin: 'https://ctrl.example', maxAge: 10 }, { maxAge: 100 }],
      expected: { origin: 'https://ctrl.example', maxAge: 100, credentials: false },
    },
    {
      name: 'handler origin with controller credentials (nest N8)',
      module: {},
      levels: [{ origin: 'https://ctrl.example', credentials: true }, { origin: 'https://method.example' }],
      expected: { origin: 'https://method.example', credentials: true },
    },
    {
      name: 'Spring S36: class maxAge 10, bare method annotation inherits it',
      module: {},
      levels: [{ origin: 'https://a.example', maxAge: 10 }, {}],
      expected: { origin: 'https://a.example', maxAge: 10 },
    },
    {
      name: 'Spring S36: class maxAge 10, method maxAge 100',
      module: {},
      levels: [{ origin: 'https://a.example', maxAge: 10 }, { maxAge: 100 }],
      expected: { origin: 'https://a.example', maxAge: 100 },
    },
    {
      name: 'a field set to undefined is inherited, not cleared',
      module: { origin: 'https://module.example', maxAge: 600 },
      levels: [{ maxAge: undefined }, { origin: undefined }],
      expected: { origin: 'https://module.example', maxAge: 600 },
    },
    {
      name: 'arrays replace, never concatenate (origin)',
      module: { origin: ['https://a.example', 'https://b.example'] },
      levels: [{ origin: ['https://c.example'] }, undefined],
      expected: { origin: ['https://c.example'] },
    },
    {
      name: 'arrays replace, never concatenate (methods, headers)',
      module: { methods: ['GET', 'POST'], allowedHeaders: ['A', 'B'], exposedHeaders: ['X'] },
      levels: [{ methods: ['PUT'] }, { allowedHeaders: ['C'], exposedHeaders: [] }],
      expected: { methods: ['PUT'], allowedHeaders: ['C'], exposedHeaders: [] },
    },
    {
      name: 'an empty array replaces too',
      module: { origin: ['https://a.example'] },
      levels: [undefined, { origin: [] }],
      expected: { origin: [] },
    },
    {
      name: 'false values are values: credentials false overrides true',
      module: { origin: 'https://a.example', credentials: true },
      levels: [undefined, { credentials: false }],
      expected: { origin: 'https://a.example', credentials: false },
    },
    {
      name: 'maxAge 0 overrides',
      module: { maxAge: 600 },
      levels: [{ maxAge: 0 }, undefined],
      expected: { maxAge: 0 },
    },
    {
      name: 'origin false at a level is an origin value, not @Cors(false)',
      module: { origin: '*', maxAge: 5 },
      levels: [{ origin: false }, undefined],
      expected: { origin: false, maxAge: 5 },
    },
    { name: '@Cors(false) on the controller disables every handler', module: MODULE, levels: [false, undefined], expected: false },
    { name: '@Cors(false) on the handler', module: MODULE, levels: [{ origin: '*', credentials: false }, false], expected: false },
    { name: '@Cors(false) on both', module: MODULE, levels: [false, false], expected: false },
    {
      name: 'handler options without origin under @Cors(false) stay disabled',
      module: MODULE,
      levels: [false, { maxAge: 5 }],
      expected: false,
    },
    { name: 'bare handler @Cors() under @Cors(false) stays disabled', module: MODULE, levels: [false, {}], expected: false },
    {
      name: 'handler origin under @Cors(false) merges with the module options only',
      module: MODULE,
      levels: [false, { origin: 'https://partner.example' }],
      expected: { ...pickExpected(MODULE), origin: 'https://partner.example' },
    },
    {
      name: 'handler origin and fields under @Cors(false): handler fields beat module fields',
      module: { origin: 'https://module.example', maxAge: 600, credentials: true },
      levels: [false, { origin: '*', credentials: false }],
      expected: { origin: '*', maxAge: 600, credentials: false },
    },
    {
      name: 'handler origin false under @Cors(false) does not enable it either way',
      module: { origin: 'https://module.example' },
      levels: [false, { origin: false }],
      expected: { origin: false },
    },
    {
      name: 'handler origin true under @Cors(false)',
      module: { maxAge: 1 },
      levels: [false, { origin: true }],
      expected: { origin: true, maxAge: 1 },
    },
  ];

  it.each(table)('$name', ({ module, levels, expected }) => {
    expect(mergeCorsLevels(module, levels)).toEqual(expected);
  });

  it('does not mutate frozen inputs (express #18)', () => {
    const module = Object.freeze({ origin: Object.freeze(['https://a.example']) as readonly string[], maxAge: 1 });
    const controller = Object.freeze({ maxAge: 2 });
    const handler = Object.freeze({ credentials: true });
    const merged = mergeCorsLevels(module, [controller, handler]);
    expect(merged).toEqual({ origin: ['https://a.example'], maxAge: 2, credentials: true });
    expect(module).toEqual({ origin: ['https://a.example'], maxAge: 1 });
    expect(controller).toEqual({ maxAge: 2 });
  });

  it('returns a fresh object, never one of the inputs', () => {
    const module = { origin: 'https://a.example' };
    const handler = { maxAge: 5 };
    const merged = mergeCorsLevels(module, [undefined, handler]);
    expect(merged).not.toBe(module);
    expect(merged).not.toBe(handler);
  });
});

function pickExpected(options: CorsModuleOptions): CorsOptions {
  const { rejectDisallowedOrigins: _r, unknownRoutes: _u, debug: _d, ...rest } = options;
  return rest;
}
