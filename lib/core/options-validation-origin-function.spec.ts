// Validation of originTimeout and originCache.
import { describe, expect, it } from '@jest/globals';
import { checkOptionFields } from './options-validation.js';

const PLACE = 'CorsModule options';
const MAX_TIMER_MS = 2 ** 31 - 1;

describe('checkOptionFields: originTimeout and originCache accepted', () => {
  it.each([
    { name: 'originTimeout 1', options: { originTimeout: 1 } },
    { name: 'originTimeout at the timer limit', options: { originTimeout: MAX_TIMER_MS } },
    { name: 'originCache max and ttl', options: { originCache: { max: 1000, ttl: 60_000 } } },
    { name: 'originCache at its limits', options: { originCache: { max: 1_000_000, ttl: MAX_TIMER_MS, failureTtl: MAX_TIMER_MS } } },
    {
      name: 'originCache with failureTtl and key',
      options: { originCache: { max: 1, ttl: 1, failureTtl: 1, key: (origin: string) => origin } },
    },
    { name: 'originCache failureTtl longer than ttl', options: { originCache: { max: 10, ttl: 1000, failureTtl: 10_000 } } },
    {
      name: 'explicitly undefined optional fields',
      options: { originTimeout: undefined, originCache: { max: 10, ttl: 10, failureTtl: undefined, key: undefined } },
    },
  ])('$name', ({ options }) => {
    expect(checkOptionFields(options, PLACE, true)).toEqual([]);
  });
});

describe('checkOptionFields: originTimeout and originCache refused, one problem per rule', () => {
  const rows: { name: string; options: object; message: RegExp; fix: RegExp }[] = [
    {
      name: 'originTimeout 0',
      options: { originTimeout: 0 },
      message: /originTimeout 0 is not a whole number of milliseconds > 0/,
      fix: /originTimeout: 1000/,
    },
    { name: 'originTimeout fractional', options: { originTimeout: 1.5 }, message: /originTimeout 1\.5/, fix: /originTimeout: 1000/ },
    { name: 'originTimeout as a string', options: { originTimeout: '1000' }, message: /originTimeout "1000"/, fix: /originTimeout: 1000/ },
    {
      name: 'originTimeout over the timer limit (Node would fire it at once)',
      options: { originTimeout: MAX_TIMER_MS + 1 },
      message: /originTimeout 2147483648/,
      fix: /originTimeout: 1000/,
    },
    {
      name: 'originCache null',
      options: { originCache: null },
      message: /originCache null is not an object/,
      fix: /max: 1000, ttl: 60000/,
    },
    { name: 'originCache a number', options: { originCache: 1000 }, message: /originCache 1000 is not an object/, fix: /max: 1000/ },
    {
      name: 'originCache an array',
      options: { originCache: [1000, 60_000] },
      message: /originCache \[1000,60000\] is not an object/,
      fix: /max: 1000/,
    },
    {
      name: 'originCache without max',
      options: { originCache: { ttl: 1000 } },
      message: /originCache\.max undefined is not a whole number from 1 to 1000000/,
      fix: /max: 1000/,
    },
    { name: 'originCache max 0', options: { originCache: { max: 0, ttl: 1000 } }, message: /originCache\.max 0/, fix: /max: 1000/ },
    {
      name: 'originCache max too large to allocate',
      options: { originCache: { max: 10_000_000, ttl: 1000 } },
      message: /originCache\.max 10000000 .*allocated up front/,
      fix: /max: 1000/,
    },
    {
      name: 'originCache without ttl',
      options: { originCache: { max: 10 } },
      message: /originCache\.ttl undefined is not a whole number of milliseconds/,
      fix: /ttl: 60000/,
    },
    { name: 'originCache ttl negative', options: { originCache: { max: 10, ttl: -1 } }, message: /originCache\.ttl -1/, fix: /ttl: 60000/ },
    {
      name: 'originCache ttl over the timer limit',
      options: { originCache: { max: 10, ttl: MAX_TIMER_MS + 1 } },
      message: /originCache\.ttl 2147483648 is above 2147483647 ms/,
      fix: /ttl: 60000/,
    },
    {
      name: 'originCache failureTtl 0',
      options: { originCache: { max: 10, ttl: 10, failureTtl: 0 } },
      message: /originCache\.failureTtl 0 is not a whole number of milliseconds/,
      fix: /failureTtl: 5000/,
    },
    {
      name: 'originCache failureTtl fractional',
      options: { originCache: { max: 10, ttl: 10, failureTtl: 0.5 } },
      message: /originCache\.failureTtl 0\.5/,
      fix: /failureTtl: 5000/,
    },
    {
      name: 'originCache failureTtl over the timer limit',
      options: { originCache: { max: 10, ttl: 10, failureTtl: MAX_TIMER_MS + 1 } },
      message: /originCache\.failureTtl 2147483648/,
      fix: /failureTtl: 5000/,
    },
    {
      name: 'originCache failureTtl as a string',
      options: { originCache: { max: 10, ttl: 10, failureTtl: '5000' } },
      message: /originCache\.failureTtl "5000"/,
      fix: /failureTtl: 5000/,
    },
    {
      name: 'originCache key a string',
      options: { originCache: { max: 10, ttl: 10, key: 'x-tenant' } },
      message: /originCache\.key "x-tenant" is not a function/,
      fix: /key: \(origin, request\) =>/,
    },
    {
      name: 'originCache misspelled failureTtl',
      options: { originCache: { max: 10, ttl: 10, failureTTL: 1000 } },
      message: /unknown originCache option "failureTTL"/,
      fix: /did you mean "failureTtl"\?/,
    },
    {
      name: 'originCache unrelated option',
      options: { originCache: { max: 10, ttl: 10, stale: true } },
      message: /unknown originCache option "stale"/,
      fix: /known: max, ttl, failureTtl, key/,
    },
  ];

  it.each(rows)('$name', ({ options, message, fix }) => {
    const problems = checkOptionFields(options, PLACE, true);
    expect(problems).toHaveLength(1);
    expect(problems[0].place).toBe(PLACE);
    expect(problems[0].message).toMatch(message);
    expect(problems[0].fix).toMatch(fix);
  });

  it('reports every originCache problem together', () => {
    const problems = checkOptionFields({ originTimeout: -5, originCache: { max: 0, ttl: 0, failureTtl: 0, key: 1, tll: 5 } }, PLACE, true);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^originTimeout -5 /),
      'unknown originCache option "tll"',
      expect.stringMatching(/^originCache\.max 0 /),
      expect.stringMatching(/^originCache\.ttl 0 /),
      expect.stringMatching(/^originCache\.failureTtl 0 /),
      'originCache.key 1 is not a function',
    ]);
  });

  it('leaves originCache and originTimeout to the module: @Cors() refuses them as module-wide settings', () => {
    const problems = checkOptionFields({ originCache: { max: 10, ttl: 10 }, originTimeout: 5 }, 'CatsController', false);
    expect(problems.map((problem) => problem.message)).toEqual([
      'option "originCache" is a module-wide setting',
      'option "originTimeout" is a module-wide setting',
    ]);
  });
});
