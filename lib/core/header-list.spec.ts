// The Access-Control-Request-Headers scanner: tables and agreement properties.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fc as configuredFc } from '../../test/properties/fast-check.config.js';
import {
  isToken,
  isValidHeaderList,
  MAX_EMPTY_ELEMENTS,
  MAX_HEADER_LIST_LENGTH,
  MAX_HEADER_LIST_NAMES,
  parseHeaderList,
} from './header-list.js';

const KIB = 1024;

/** The obvious split, valid on well-formed input only: the parser must agree with it there. */
function referenceSplit(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((name) => name !== '')
    .map((name) => name.toLowerCase());
}

describe('isToken', () => {
  it.each([
    { value: 'GET', expected: true },
    { value: 'PURGE', expected: true },
    { value: 'X-Request-Id', expected: true },
    { value: "!#$%&'*+-.^_`|~09azAZ", expected: true },
    { value: '*', expected: true },
    { value: '', expected: false },
    { value: 'GET ', expected: false },
    { value: ' GET', expected: false },
    { value: 'GET POST', expected: false },
    { value: 'X-A,X-B', expected: false },
    { value: 'X-A:', expected: false },
    { value: 'X-A;', expected: false },
    { value: '"X-A"', expected: false },
    { value: '(X)', expected: false },
    { value: 'a/b', expected: false },
    { value: 'a@b', expected: false },
    { value: 'a\tb', expected: false },
    { value: 'a\nb', expected: false },
    { value: 'résumé', expected: false },
    { value: 'X-ﬀ', expected: false },
  ])('$value → $expected', ({ value, expected }) => {
    expect(isToken(value)).toBe(expected);
  });
});

describe('parseHeaderList: accepted lists', () => {
  // Sources: rs/cors sortedset_test.go and jub0bs acrh_test.go (H-xx), hono (#42), Spring/ASP.NET.
  const table: { name: string; value: string; expected: string[] }[] = [
    { name: 'empty value (H-01)', value: '', expected: [] },
    { name: 'a lone comma (H-01)', value: ',', expected: [] },
    { name: 'whitespace and empty elements only (H-01)', value: '\t, , ', expected: [] },
    { name: 'only spaces', value: '   ', expected: [] },
    { name: 'one name', value: 'x-foo', expected: ['x-foo'] },
    { name: 'tab before, space and comma after (H-05)', value: '\tx-foo ,', expected: ['x-foo'] },
    { name: 'two leading spaces (H-06)', value: '  x-foo', expected: ['x-foo'] },
    { name: 'two trailing spaces (H-07)', value: 'x-foo  ', expected: ['x-foo'] },
    { name: 'three names (H-11)', value: 'x-bar,x-baz,x-foo', expected: ['x-bar', 'x-baz', 'x-foo'] },
    { name: 'spaces around every name, trailing comma (H-12)', value: ' x-bar , x-baz , x-foo ,', expected: ['x-bar', 'x-baz', 'x-foo'] },
    { name: 'tabs after names (jub0bs #20)', value: 'bar \t, baz\t, foo\t', expected: ['bar', 'baz', 'foo'] },
    { name: 'empty elements around a name (jub0bs #11)', value: ',,authorization,,', expected: ['authorization'] },
    { name: 'sixteen empty elements between names (H-18)', value: `x-bar${','.repeat(17)}x-foo`, expected: ['x-bar', 'x-foo'] },
    { name: 'upper case is lowered', value: 'Content-Type, X-Request-ID', expected: ['content-type', 'x-request-id'] },
    { name: 'hono trimming (#42)', value: ' X-A ,  x-b ', expected: ['x-a', 'x-b'] },
    {
      name: 'browser form',
      value: 'authorization,content-type,x-requested-with',
      expected: ['authorization', 'content-type', 'x-requested-with'],
    },
    { name: 'every token character', value: "!#$%&'*+-.^_`|~09azAZ", expected: ["!#$%&'*+-.^_`|~09azaz"] },
    { name: 'a star is a token', value: '*', expected: ['*'] },
    { name: 'duplicates are kept as sent', value: 'x-bar,x-baz,x-baz', expected: ['x-bar', 'x-baz', 'x-baz'] },
    {
      name: 'as many names as the cap',
      value: Array.from({ length: MAX_HEADER_LIST_NAMES }, (_, i) => `x-h${i}`).join(','),
      expected: Array.from({ length: MAX_HEADER_LIST_NAMES }, (_, i) => `x-h${i}`),
    },
    { name: 'one name as long as the cap', value: 'a'.repeat(MAX_HEADER_LIST_LENGTH), expected: ['a'.repeat(MAX_HEADER_LIST_LENGTH)] },
  ];

  it.each(table)('$name', ({ value, expected }) => {
    expect(parseHeaderList(value)).toEqual(expected);
  });

  it.each(table)('agrees with a reference split on $name', ({ value }) => {
    expect(parseHeaderList(value)).toEqual(referenceSplit(value));
  });
});

describe('parseHeaderList: refused lists', () => {
  const table: { name: string; value: string }[] = [
    { name: 'space inside a name', value: 'x foo' },
    { name: 'two names without a comma (hono #38, short)', value: 'x   x' },
    { name: 'semicolon', value: 'x-foo;' },
    { name: 'colon', value: 'x-foo:1' },
    { name: 'quoted name', value: '"x-foo"' },
    { name: 'parenthesis', value: '(x-foo)' },
    { name: 'slash', value: 'a/b' },
    { name: 'non-ASCII name', value: 'résumé' },
    { name: 'non-ASCII after a valid name', value: 'x-foo, x-bär' },
    { name: 'newline as whitespace', value: 'x-foo,\nx-bar' },
    { name: 'carriage return', value: 'x-foo\r' },
    { name: 'NUL', value: 'x-foo\u0000' },
    { name: 'vertical tab', value: '\u000bx-foo' },
    { name: 'non-breaking space', value: '\u00a0x-foo' },
    { name: 'invalid element after valid ones', value: 'x-bar, x-baz, x y' },
    { name: 'one name over the length cap', value: 'a'.repeat(MAX_HEADER_LIST_LENGTH + 1) },
    { name: 'one name over the name-count cap', value: Array.from({ length: MAX_HEADER_LIST_NAMES + 1 }, (_, i) => `x-h${i}`).join(',') },
    { name: '64 KiB of names', value: 'x-a,'.repeat(16 * KIB) },
    { name: '64 KiB of commas', value: ','.repeat(64 * KIB) },
    { name: '64 KiB of spaces', value: ' '.repeat(64 * KIB) },
    { name: '1 MiB of one allowed name repeated (H-27)', value: 'accept,'.repeat(150_000) },
    { name: 'x, 200 000 spaces, x (hono #38)', value: `x${' '.repeat(200_000)}x` },
    { name: 'accept, 1 MiB of spaces, content-type (H-28)', value: `accept,${' '.repeat(KIB * KIB)}content-type` },
    // Empty elements are elements: RFC 9110 §5.6.1 asks recipients to ignore only "a reasonable
    // number" of them, and the issue caps the element count, not just the count of names.
    { name: 'comma flood under the length cap', value: ','.repeat(1000) },
    { name: 'a name followed by a comma flood under the length cap', value: `authorization${','.repeat(1000)}` },
    { name: 'a comma flood between two names under the length cap', value: `x-bar${','.repeat(1000)}x-foo` },
    { name: 'whitespace-and-comma flood under the length cap', value: ' ,'.repeat(1000) },
  ];

  it.each(table)('$name', ({ value }) => {
    expect(parseHeaderList(value)).toBeUndefined();
  });

  it.each(table)('refuses $name in well under a millisecond', ({ value }) => {
    const runs = 50;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) parseHeaderList(value);
    expect(Number(process.hrtime.bigint() - start) / 1e6 / runs).toBeLessThan(1);
  });
});

describe('parseHeaderList: property', () => {
  const name = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,24}$/);
  const ows = fc.stringMatching(/^[ \t]{0,2}$/);
  const element = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(ows, name, ows).map(([a, n, b]) => `${a}${n}${b}`) },
    { weight: 1, arbitrary: ows },
  );

  it('agrees with the reference split on every well-formed list within the caps', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 40 }), (elements) => {
        const value = elements.join(',');
        expect(parseHeaderList(value)).toEqual(referenceSplit(value));
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('refuses every list with one non-token character in a name', () => {
    const bad = fc.constantFrom(
      ' x',
      '(',
      ')',
      '"',
      '/',
      ':',
      ';',
      '<',
      '=',
      '>',
      '?',
      '@',
      '[',
      '\\',
      ']',
      '{',
      '}',
      'é',
      '\u0000',
      '\u007f',
    );
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 10 }), fc.nat(), bad, (names, at, character) => {
        const index = at % names.length;
        const poisoned = names.map((n, i) => (i === index ? `${n.slice(0, 1)}${character}${n.slice(1)}` : n));
        expect(parseHeaderList(poisoned.join(', '))).toBeUndefined();
      }),
      { numRuns: 300, seed: 20240602 },
    );
  });
});

describe('parseHeaderList and isValidHeaderList: one definition of an empty element', () => {
  // Empty elements are the empty (or whitespace-only) items of a split on commas. Both functions
  // must draw the cap at the same place, or a preflight passes or fails depending on whether the
  // policy lists headers (parse) or reflects them (validate).
  const table: { name: string; value: string; accepted: boolean }[] = [
    { name: 'the empty value is one empty element', value: '', accepted: true },
    { name: '15 commas: 16 empty elements, the cap', value: ','.repeat(15), accepted: true },
    { name: '16 commas: 17 empty elements', value: ','.repeat(16), accepted: false },
    { name: 'a name then 16 commas: 16 empty elements', value: `a${','.repeat(16)}`, accepted: true },
    { name: 'a name then 17 commas: 17 empty elements', value: `a${','.repeat(17)}`, accepted: false },
    { name: '17 commas then a name: 17 empty elements', value: `${','.repeat(17)}a`, accepted: false },
    {
      name: 'whitespace-only elements count as empty',
      value: Array(MAX_EMPTY_ELEMENTS + 1)
        .fill(' \t')
        .join(','),
      accepted: false,
    },
    { name: 'whitespace-only elements up to the cap', value: Array(MAX_EMPTY_ELEMENTS).fill(' ').join(','), accepted: true },
    {
      name: 'names do not use up the empty-element budget',
      value: `${'x,'.repeat(MAX_HEADER_LIST_NAMES - 1)}x${','.repeat(MAX_EMPTY_ELEMENTS)}`,
      accepted: true,
    },
  ];

  it.each(table)('$name', ({ value, accepted }) => {
    expect(parseHeaderList(value) !== undefined).toBe(accepted);
    expect(isValidHeaderList(value)).toBe(accepted);
  });

  it('always agree, on lists built around every cap', () => {
    const unit = configuredFc.constantFrom(',', ',', ',', ' ', '\t', 'a', 'X-Id', '-', 'é', ':', '"', ', ');
    const short = configuredFc.string({ unit, maxLength: 60 });
    const nearCaps = configuredFc
      .tuple(
        configuredFc.integer({ min: 0, max: MAX_HEADER_LIST_NAMES + 2 }),
        configuredFc.integer({ min: 0, max: MAX_EMPTY_ELEMENTS + 2 }),
        configuredFc.boolean(),
      )
      .map(([names, empties, emptiesFirst]) => {
        const named = Array.from({ length: names }, (_, i) => `x-h${i}`);
        const blank = Array<string>(empties).fill('');
        return (emptiesFirst ? [...blank, ...named] : [...named, ...blank]).join(',');
      });
    const nearLength = configuredFc
      .integer({ min: MAX_HEADER_LIST_LENGTH - 2, max: MAX_HEADER_LIST_LENGTH + 2 })
      .map((length) => 'a'.repeat(length));
    configuredFc.assert(
      configuredFc.property(configuredFc.oneof(short, nearCaps, nearLength), (value) => {
        expect(isValidHeaderList(value)).toBe(parseHeaderList(value) !== undefined);
      }),
    );
  });
});
