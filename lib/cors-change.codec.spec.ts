// Encoding run-time changes as JSON.
import { describe, expect, it } from '@jest/globals';
import { decodeCorsChange, encodeCorsChange, type CorsChange } from './cors-change.codec.js';
import { CorsConfigurationError } from './cors-configuration.error.js';

const roundTrip = (options: CorsChange['options']) => decodeCorsChange(encodeCorsChange({ source: 'a', clock: 1, options }));

describe('encodeCorsChange / decodeCorsChange', () => {
  it('carries strings, numbers, booleans and nested objects as they are', () => {
    const options = {
      origin: ['https://a.example', 'https://*.b.example'],
      methods: 'GET,PUT',
      maxAge: 600,
      credentials: true,
      originCache: { max: 10, ttl: 1000 },
    };
    expect(roundTrip(options)).toEqual({ source: 'a', clock: 1, options });
  });

  it('carries RegExps as their source and flags, alone or in a list', () => {
    const change = roundTrip({ origin: [/^https:\/\/pr-\d+\.example\.com$/iu, 'https://a.example'] }) as CorsChange;
    const [pattern, text] = change.options.origin as [RegExp, string];
    expect(pattern).toBeInstanceOf(RegExp);
    expect([pattern.source, pattern.flags]).toEqual(['^https:\\/\\/pr-\\d+\\.example\\.com$', 'iu']);
    expect(pattern.test('https://PR-12.example.com')).toBe(true);
    expect(text).toBe('https://a.example');
    expect((roundTrip({ origin: /^https:\/\/x\.example$/ }) as CorsChange).options.origin).toEqual(/^https:\/\/x\.example$/);
  });

  it('carries an option set to undefined as unset', () => {
    const change = roundTrip({ maxAge: undefined, credentials: false }) as CorsChange;
    expect(Object.hasOwn(change.options, 'maxAge')).toBe(true);
    expect(change.options).toEqual({ maxAge: undefined, credentials: false });
  });

  it('refuses functions, naming each, with a CorsConfigurationError', () => {
    const encode = () =>
      encodeCorsChange({
        source: 'a',
        clock: 1,
        options: { origin: () => true, originCache: { max: 1, ttl: 1, key: (origin) => origin } },
      });
    expect(encode).toThrow(CorsConfigurationError);
    expect(encode).toThrow('origin is a function, which cannot be sent to the other instances');
    expect(encode).toThrow('originCache.key is a function');
  });

  it.each<[string, unknown, string]>([
    ['a non-string', 42, 'the message is number, not a string'],
    ['text that is not JSON', 'origin=https://a.example', 'JSON'],
    ['JSON of another kind', '{"origin":["https://a.example"]}', 'not a change of format nestCorsChange 1'],
    ['a later format', '{"nestCorsChange":2,"source":"a","clock":1,"set":{},"unset":[]}', 'not a change of format'],
    ['a JSON array', '[1]', 'not a change of format'],
    ['no source', '{"nestCorsChange":1,"clock":1,"set":{},"unset":[]}', 'source'],
    ['a clock of 0', '{"nestCorsChange":1,"source":"a","clock":0,"set":{},"unset":[]}', 'clock'],
    ['a fractional clock', '{"nestCorsChange":1,"source":"a","clock":1.5,"set":{},"unset":[]}', 'clock'],
    ['set as a list', '{"nestCorsChange":1,"source":"a","clock":1,"set":[],"unset":[]}', 'set is not an object'],
    ['unset not a list', '{"nestCorsChange":1,"source":"a","clock":1,"set":{},"unset":"maxAge"}', 'unset'],
    ['an option both set and unset', '{"nestCorsChange":1,"source":"a","clock":1,"set":{"maxAge":1},"unset":["maxAge"]}', 'unset'],
    [
      'a RegExp without flags',
      '{"nestCorsChange":1,"source":"a","clock":1,"set":{"origin":{"$regexp":"^a$"}},"unset":[]}',
      'origin is not a RegExp',
    ],
    [
      'a RegExp with extra keys',
      '{"nestCorsChange":1,"source":"a","clock":1,"set":{"origin":[{"$regexp":"^a$","flags":"","x":1}]},"unset":[]}',
      'origin[0] is not a RegExp',
    ],
    [
      'an invalid RegExp',
      '{"nestCorsChange":1,"source":"a","clock":1,"set":{"origin":{"$regexp":"^(a$","flags":""}},"unset":[]}',
      'Invalid regular expression',
    ],
    [
      'invalid RegExp flags',
      '{"nestCorsChange":1,"source":"a","clock":1,"set":{"origin":{"$regexp":"^a$","flags":"q"}},"unset":[]}',
      'Invalid flags',
    ],
  ])('refuses %s', (_name, message, problem) => {
    const decoded = decodeCorsChange(message);
    expect(decoded).toEqual({ problem: expect.stringContaining(problem) });
  });

  it('refuses a deeply nested message without throwing', () => {
    const deep = `{"nestCorsChange":1,"source":"a","clock":1,"set":{"origin":${'['.repeat(100_000)}${']'.repeat(100_000)}},"unset":[]}`;
    expect(decodeCorsChange(deep)).toHaveProperty('problem');
  });
});
