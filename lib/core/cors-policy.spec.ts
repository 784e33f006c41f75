// What compiling options into a policy precomputes.
import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { CorsOptions } from './cors-options.js';
import { CorsPolicy, DEFAULT_METHODS, type AllowedHeaders } from './cors-policy.js';

const request = { headers: {} } as IncomingMessage;
const ORIGIN = 'https://app.example.com';

describe('CorsPolicy compiled fields', () => {
  const table: {
    name: string;
    options: CorsOptions | false;
    expected: Partial<
      Pick<
        CorsPolicy,
        | 'enabled'
        | 'credentials'
        | 'methodList'
        | 'exposeHeaders'
        | 'maxAge'
        | 'preflightContinue'
        | 'optionsSuccessStatus'
        | 'privateNetwork'
        | 'allowsAnyOrigin'
      >
    > & {
      allowedHeaders?: AllowedHeaders;
    };
  }[] = [
    {
      name: 'defaults',
      options: {},
      expected: {
        enabled: true,
        credentials: false,
        methodList: DEFAULT_METHODS,
        allowedHeaders: { kind: 'reflect' },
        exposeHeaders: undefined,
        maxAge: undefined,
        preflightContinue: false,
        optionsSuccessStatus: 204,
        privateNetwork: false,
        allowsAnyOrigin: false,
      },
    },
    {
      name: 'default methods are the issue list',
      options: {},
      expected: { methodList: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] },
    },
    { name: 'disabled scope', options: false, expected: { enabled: false, allowsAnyOrigin: false } },
    { name: 'methods as a string', options: { methods: 'GET, POST' }, expected: { methodList: ['GET', 'POST'] } },
    {
      name: 'methods keep their case and order (express #4)',
      options: { methods: ['FOO', 'bar'] },
      expected: { methodList: ['FOO', 'bar'] },
    },
    { name: 'duplicate methods listed once', options: { methods: ['GET', 'GET', 'POST'] }, expected: { methodList: ['GET', 'POST'] } },
    {
      name: 'allowedHeaders list: compared lower-case, emitted as configured',
      options: { allowedHeaders: ['X-Request-Id', 'Content-Type'] },
      expected: {
        allowedHeaders: {
          kind: 'list',
          names: new Set(['x-request-id', 'content-type']),
          written: ['X-Request-Id', 'Content-Type'],
          header: 'X-Request-Id, Content-Type',
        },
      },
    },
    {
      name: 'allowedHeaders as a string (express #4)',
      options: { allowedHeaders: 'FIZZ,buzz' },
      expected: { allowedHeaders: { kind: 'list', names: new Set(['fizz', 'buzz']), written: ['FIZZ', 'buzz'], header: 'FIZZ, buzz' } },
    },
    { name: "allowedHeaders '*'", options: { allowedHeaders: '*' }, expected: { allowedHeaders: { kind: 'any' } } },
    {
      name: "allowedHeaders with '*' among names",
      options: { allowedHeaders: ['Authorization', '*'] },
      expected: { allowedHeaders: { kind: 'any' } },
    },
    {
      name: 'empty allowedHeaders list (express #6)',
      options: { allowedHeaders: [] },
      expected: { allowedHeaders: { kind: 'list', names: new Set(), written: [], header: '' } },
    },
    {
      name: 'exposedHeaders joined (RS-18, S12)',
      options: { exposedHeaders: ['header1', 'header2'] },
      expected: { exposeHeaders: 'header1, header2' },
    },
    { name: 'exposedHeaders as a string', options: { exposedHeaders: 'X-Total' }, expected: { exposeHeaders: 'X-Total' } },
    { name: 'empty exposedHeaders', options: { exposedHeaders: [] }, expected: { exposeHeaders: undefined } },
    { name: 'maxAge 0 is kept (express #5)', options: { maxAge: 0 }, expected: { maxAge: 0 } },
    { name: 'maxAge', options: { maxAge: 600 }, expected: { maxAge: 600 } },
    { name: 'credentials', options: { origin: ORIGIN, credentials: true }, expected: { credentials: true } },
    { name: 'optionsSuccessStatus', options: { optionsSuccessStatus: 200 }, expected: { optionsSuccessStatus: 200 } },
    { name: 'preflightContinue', options: { preflightContinue: true }, expected: { preflightContinue: true } },
    { name: 'privateNetwork', options: { privateNetwork: true }, expected: { privateNetwork: true } },
    { name: "'*' without credentials answers '*'", options: { origin: '*' }, expected: { allowsAnyOrigin: true } },
    { name: "'*' in an array answers '*'", options: { origin: [ORIGIN, '*'] }, expected: { allowsAnyOrigin: true } },
    { name: "'*' never answers '*' with credentials", options: { origin: '*', credentials: true }, expected: { allowsAnyOrigin: false } },
    { name: 'true reflects', options: { origin: true }, expected: { allowsAnyOrigin: false } },
  ];

  it.each(table)('$name', ({ options, expected }) => {
    const policy = new CorsPolicy(options);
    const { allowedHeaders, ...rest } = expected;
    expect(policy).toMatchObject(rest);
    if (allowedHeaders) expect(policy.allowedHeaders).toEqual(allowedHeaders);
  });
});

describe('CorsPolicy.allowsMethod', () => {
  const table: { name: string; methods: CorsOptions['methods']; method: string; expected: boolean }[] = [
    { name: 'default GET', methods: undefined, method: 'GET', expected: true },
    { name: 'default DELETE', methods: undefined, method: 'DELETE', expected: true },
    { name: 'default OPTIONS is not listed', methods: undefined, method: 'OPTIONS', expected: false },
    { name: 'default PURGE is not listed', methods: undefined, method: 'PURGE', expected: false },
    { name: 'HEAD wherever GET is', methods: ['GET'], method: 'HEAD', expected: true },
    { name: 'no HEAD without GET', methods: ['POST'], method: 'HEAD', expected: false },
    { name: 'listed custom method', methods: ['PURGE'], method: 'PURGE', expected: true },
    { name: 'case-sensitive: patch is not PATCH (jub0bs D2)', methods: ['PATCH'], method: 'patch', expected: false },
    { name: 'case-sensitive: PATCH is not patch', methods: ['patch'], method: 'PATCH', expected: false },
    { name: 'case-sensitive: get is not GET', methods: ['GET'], method: 'get', expected: false },
    { name: 'string form', methods: 'PUT,DELETE', method: 'DELETE', expected: true },
    { name: 'not listed (RS-13)', methods: ['PUT', 'DELETE'], method: 'PATCH', expected: false },
    { name: 'empty list', methods: [], method: 'GET', expected: false },
  ];

  it.each(table)('$name: $method with $methods → $expected', ({ methods, method, expected }) => {
    expect(new CorsPolicy({ methods }).allowsMethod(method)).toBe(expected);
  });
});

describe('CorsPolicy.firstDisallowedHeader', () => {
  const table: { name: string; allowedHeaders: CorsOptions['allowedHeaders']; requested: string[]; expected: string | undefined }[] = [
    { name: 'reflect allows anything', allowedHeaders: undefined, requested: ['x-anything', 'authorization'], expected: undefined },
    { name: "'*' allows authorization", allowedHeaders: '*', requested: ['authorization', 'x-foo'], expected: undefined },
    {
      name: 'listed names, any case (RS-14)',
      allowedHeaders: ['X-Header-1', 'x-header-2', 'X-HEADER-3'],
      requested: ['x-header-1', 'x-header-2'],
      expected: undefined,
    },
    {
      name: 'one name outside the list (RS-17)',
      allowedHeaders: ['X-Header-1', 'x-header-2'],
      requested: ['x-header-1', 'x-header-3'],
      expected: 'x-header-3',
    },
    { name: 'a prefix of a listed name is not listed (H-17)', allowedHeaders: ['X-Foo'], requested: ['x-fo'], expected: 'x-fo' },
    { name: 'authorization must be listed', allowedHeaders: ['Content-Type'], requested: ['authorization'], expected: 'authorization' },
    { name: 'nothing requested', allowedHeaders: ['Content-Type'], requested: [], expected: undefined },
    { name: 'empty list refuses any header', allowedHeaders: [], requested: ['x-foo'], expected: 'x-foo' },
  ];

  it.each(table)('$name', ({ allowedHeaders, requested, expected }) => {
    expect(new CorsPolicy({ allowedHeaders }).firstDisallowedHeader(requested)).toBe(expected);
  });
});

describe('CorsPolicy.allowsOrigin', () => {
  it.each([
    { name: 'listed origin', options: { origin: ORIGIN } as CorsOptions | false, origin: ORIGIN, expected: true },
    { name: 'other origin', options: { origin: ORIGIN } as CorsOptions | false, origin: 'https://evil.example', expected: false },
    { name: 'no origin option (module without origin)', options: {} as CorsOptions | false, origin: ORIGIN, expected: false },
    { name: 'disabled scope', options: false as CorsOptions | false, origin: ORIGIN, expected: false },
    { name: "'*'", options: { origin: '*' } as CorsOptions | false, origin: 'https://evil.example', expected: true },
  ])('$name', ({ options, origin, expected }) => {
    expect(new CorsPolicy(options).allowsOrigin(origin, request)).toBe(expected);
  });

  it('keeps the options it was built from', () => {
    const options = { origin: ORIGIN, maxAge: 5 };
    expect(new CorsPolicy(options).options).toBe(options);
  });
});
