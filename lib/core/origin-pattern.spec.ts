import { describe, expect, it } from '@jest/globals';
import type { CorsProblemDetail } from './cors-problem.js';
import { checkOriginRegExp, parseOriginPattern, type OriginPattern } from './origin-pattern.js';

describe('parseOriginPattern: accepted patterns', () => {
  const table: { name: string; pattern: string; expected: OriginPattern }[] = [
    { name: 'any origin', pattern: '*', expected: { kind: 'any' } },
    { name: 'the null origin', pattern: 'null', expected: { kind: 'exact', origin: 'null' } },
    { name: 'exact https', pattern: 'https://app.example.com', expected: { kind: 'exact', origin: 'https://app.example.com' } },
    { name: 'exact http with port', pattern: 'http://localhost:3000', expected: { kind: 'exact', origin: 'http://localhost:3000' } },
    { name: 'exact non-default port', pattern: 'https://example.com:8443', expected: { kind: 'exact', origin: 'https://example.com:8443' } },
    { name: 'https on port 80 is not a default port', pattern: 'https://example.com:80', expected: { kind: 'exact', origin: 'https://example.com:80' } },
    { name: 'exact IPv4', pattern: 'https://127.0.0.1:90', expected: { kind: 'exact', origin: 'https://127.0.0.1:90' } },
    { name: 'exact IPv6', pattern: 'https://[::1]:90', expected: { kind: 'exact', origin: 'https://[::1]:90' } },
    { name: 'exact non-http scheme', pattern: 'connector://foo', expected: { kind: 'exact', origin: 'connector://foo' } },
    { name: 'exact one-letter scheme', pattern: 'a://example.com', expected: { kind: 'exact', origin: 'a://example.com' } },
    { name: 'exact host with underscore', pattern: 'http://ex_am-ple.com:3999', expected: { kind: 'exact', origin: 'http://ex_am-ple.com:3999' } },
    {
      name: 'subdomains',
      pattern: 'https://*.example.com',
      expected: { kind: 'subdomains', scheme: 'https', parent: 'example.com', port: '' },
    },
    {
      name: 'subdomains with a port',
      pattern: 'http://*.example.com:3999',
      expected: { kind: 'subdomains', scheme: 'http', parent: 'example.com', port: '3999' },
    },
    {
      name: 'subdomains on any port',
      pattern: 'http://*.example.com:*',
      expected: { kind: 'subdomains', scheme: 'http', parent: 'example.com', port: '*' },
    },
    {
      name: 'subdomains of a registrable domain under a multi-label suffix',
      pattern: 'https://*.example.co.uk',
      expected: { kind: 'subdomains', scheme: 'https', parent: 'example.co.uk', port: '' },
    },
    {
      name: 'subdomains of localhost',
      pattern: 'http://*.localhost:*',
      expected: { kind: 'subdomains', scheme: 'http', parent: 'localhost', port: '*' },
    },
    { name: 'any port', pattern: 'https://example.com:*', expected: { kind: 'any-port', scheme: 'https', host: 'example.com' } },
    { name: 'any port on localhost', pattern: 'http://localhost:*', expected: { kind: 'any-port', scheme: 'http', host: 'localhost' } },
  ];

  it.each(table)('$name: $pattern', ({ pattern, expected }) => {
    expect(parseOriginPattern(pattern)).toEqual(expected);
  });
});

describe('parseOriginPattern: patterns that can never match', () => {
  // Each row: the problem the message must name, and what the fix must tell the user to write.
  const table: { name: string; pattern: string; message: RegExp; fix: RegExp }[] = [
    { name: 'empty', pattern: '', message: /empty/, fix: /remove it/ },
    { name: 'blank', pattern: '   ', message: /empty/, fix: /remove it/ },
    { name: 'surrounding whitespace', pattern: ' https://example.com ', message: /whitespace/, fix: /"https:\/\/example\.com"/ },
    { name: 'missing scheme', pattern: 'example.com', message: /no scheme/, fix: /"https:\/\/example\.com"/ },
    { name: 'missing scheme, protocol-relative', pattern: '//example.com', message: /no scheme/, fix: /"https:\/\/example\.com"/ },
    { name: 'missing scheme, with port', pattern: 'localhost:3000', message: /no scheme/, fix: /"https:\/\/localhost:3000"/ },
    { name: 'trailing slash', pattern: 'https://example.com/', message: /trailing slash/, fix: /"https:\/\/example\.com"/ },
    { name: 'path', pattern: 'https://example.com/app', message: /path/, fix: /"https:\/\/example\.com"/ },
    { name: 'path after a port', pattern: 'http://example.com:6060/path', message: /path/, fix: /"http:\/\/example\.com:6060"/ },
    { name: 'query', pattern: 'https://example.com?x=1', message: /query/, fix: /"https:\/\/example\.com"/ },
    { name: 'empty query', pattern: 'https://example.com:6060?', message: /query/, fix: /"https:\/\/example\.com:6060"/ },
    { name: 'fragment', pattern: 'https://example.com#nav', message: /path, query/, fix: /"https:\/\/example\.com"/ },
    { name: 'upper-case scheme', pattern: 'HTTPS://example.com', message: /upper-case/, fix: /"https:\/\/example\.com"/ },
    { name: 'upper-case host', pattern: 'https://App.Example.com', message: /upper-case/, fix: /"https:\/\/app\.example\.com"/ },
    { name: 'upper-case host with port', pattern: 'http://exAmplE.coM:3999', message: /upper-case/, fix: /"http:\/\/example\.com:3999"/ },
    { name: 'explicit default port 443', pattern: 'https://example.com:443', message: /default port 443/, fix: /"https:\/\/example\.com"/ },
    { name: 'explicit default port 80', pattern: 'http://example.com:80', message: /default port 80/, fix: /"http:\/\/example\.com"/ },
    { name: 'default port on a subdomain pattern', pattern: 'https://*.example.com:443', message: /default port/, fix: /"https:\/\/\*\.example\.com"/ },
    { name: 'user info', pattern: 'https://user:password@example.com:6060', message: /user information/, fix: /"https:\/\/example\.com:6060"/ },
    { name: 'file scheme', pattern: 'file:///foo', message: /file:/, fix: /'null'/ },
    { name: 'file scheme with host', pattern: 'file://example.com', message: /file:/, fix: /'null'/ },
    { name: 'empty port', pattern: 'https://foo:', message: /not a valid/, fix: /https:\/\// },
    { name: 'port 0', pattern: 'https://foo:0', message: /not a valid/, fix: /https:\/\// },
    { name: 'negative port', pattern: 'https://foo:-1', message: /not a valid/, fix: /https:\/\// },
    { name: 'port with leading zero', pattern: 'https://foo:06060', message: /not a valid/, fix: /https:\/\// },
    { name: 'port out of range', pattern: 'https://foo:65536', message: /not a valid/, fix: /https:\/\// },
    { name: 'port with garbage', pattern: 'https://foo:12345foo', message: /not a valid/, fix: /https:\/\// },
    { name: 'alphabetic port', pattern: 'https://foo:abc', message: /not a valid/, fix: /https:\/\// },
    { name: 'invalid host character', pattern: 'https://^foo', message: /not a valid/, fix: /https:\/\// },
    { name: 'non-ASCII host', pattern: 'https://résumé.com', message: /not a valid/, fix: /https:\/\// },
    { name: 'double dot', pattern: 'http://example..com:3999', message: /not a valid/, fix: /https:\/\// },
    { name: 'unclosed IPv6', pattern: 'http://[::1:90', message: /not a valid/, fix: /https:\/\// },
    { name: 'scheme starting with a digit', pattern: '42-chrome-extension://foo', message: /not a valid/, fix: /https:\/\// },
    // A comma-separated environment variable used without split(','): the fix must not suggest
    // another value that cannot match (such as "https://a.com, https:").
    { name: 'two origins in one string', pattern: 'https://a.com, https://b.com', message: /comma|several|more than one/i, fix: /split|separate|array/i },
    { name: 'two origins in one string, no space', pattern: 'https://a.com,https://b.com', message: /comma|several|more than one/i, fix: /split|separate|array/i },
    { name: 'wildcard not a whole leading label', pattern: 'http://*example.com:3999', message: /wildcard/, fix: /\*\./ },
    { name: 'double wildcard label', pattern: 'http://**.example.com:3999', message: /wildcard/, fix: /\*\./ },
    { name: 'wildcard in the middle', pattern: 'http://fooo.*.example.com:3999', message: /wildcard/, fix: /\*\./ },
    { name: 'wildcard TLD', pattern: 'https://app.example.*', message: /wildcard/, fix: /\*\./ },
    { name: 'bare wildcard host', pattern: 'https://*', message: /wildcard/, fix: /\*\./ },
    { name: 'glob prefix (rs/cors #197)', pattern: 'h*', message: /no scheme/, fix: /https:\/\// },
    { name: 'port and any-port', pattern: 'https://example.com:8080:*', message: /port and ":\*"/, fix: /keep one/ },
    { name: 'subdomains of an IPv4 address', pattern: 'http://*.127.0.0.1:3999', message: /IP address/, fix: /address/ },
    { name: 'subdomains of an IPv6 address', pattern: 'http://*.[::1]:3999', message: /not a valid|IP address/, fix: /./ },
    { name: 'subdomains of a bare TLD', pattern: 'https://*.com', message: /public suffix "\.com"/, fix: /example\.com/ },
    { name: 'subdomains of a bare TLD on any port', pattern: 'https://*.com:*', message: /public suffix/, fix: /example/ },
    { name: 'subdomains of a multi-label public suffix', pattern: 'https://*.co.uk', message: /public suffix "\.co\.uk"/, fix: /example\.co\.uk/ },
    { name: 'subdomains of a private public suffix', pattern: 'https://*.github.io', message: /public suffix/, fix: /example/ },
    { name: 'subdomains of an unknown TLD', pattern: 'https://*.internal', message: /public suffix/, fix: /example/ },
  ];

  it.each(table)('$name: $pattern', ({ pattern, message, fix }) => {
    const result = parseOriginPattern(pattern);
    expect(result).not.toHaveProperty('kind');
    const detail = result as CorsProblemDetail;
    expect(detail.message).toMatch(message);
    expect(detail.fix).toMatch(fix);
    expect(detail.message).toContain(JSON.stringify(pattern));
    expect(detail.fix.length).toBeGreaterThan(0);
  });
});

describe('checkOriginRegExp', () => {
  const accepted: { name: string; regExp: RegExp }[] = [
    { name: 'anchored', regExp: /^https:\/\/app\.example\.com$/ },
    { name: 'anchored with a group of alternatives', regExp: /^https:\/\/(?:a|b)\.example\.com$/ },
    { name: 'anchored, alternatives grouped around the whole', regExp: /^(?:https:\/\/a\.com|https:\/\/b\.com)$/ },
    { name: 'a pipe inside a character class', regExp: /^https:\/\/[a|b]\.example\.com$/ },
    { name: 'an escaped pipe', regExp: /^https:\/\/a\|b\.example\.com$/ },
    { name: 'global flag', regExp: /^https:\/\/app\.example\.com$/g },
    { name: 'subdomain RegExp', regExp: /^https:\/\/[a-z0-9-]+\.example\.com$/ },
    // Every alternative carries both anchors, so nothing unanchored can match.
    { name: 'each alternative anchored', regExp: /^https:\/\/a\.com$|^https:\/\/b\.com$/ },
  ];

  it.each(accepted)('accepts $name: $regExp', ({ regExp }) => {
    expect(checkOriginRegExp(regExp)).toBeUndefined();
  });

  const refused: { name: string; regExp: RegExp; message: RegExp; fix: RegExp }[] = [
    { name: 'no anchors (express #8)', regExp: /foo\.com/, message: /not anchored/, fix: /anchor it: \/\^foo\\\.com\$\// },
    { name: 'no end anchor', regExp: /^https:\/\/app\.example\.com/, message: /not anchored/, fix: /\$\/$/ },
    { name: 'no start anchor (fastify #24)', regExp: /(?:example|other)\.com\/?$/giu, message: /not anchored/, fix: /anchor it: \/\^/ },
    { name: 'escaped dollar is not an anchor', regExp: /^https:\/\/app\.example\.com\$/, message: /not anchored/, fix: /anchor/ },
    { name: 'top-level alternation', regExp: /^https:\/\/a\.com|https:\/\/b\.com$/, message: /alternatives/, fix: /\/\^\(\?:https:\\\/\\\/a\\\.com\|https:\\\/\\\/b\\\.com\)\$\// },
    { name: 'top-level alternation after a group', regExp: /^(a)|b$/, message: /alternatives/, fix: /group/ },
  ];

  it.each(refused)('refuses $name: $regExp', ({ regExp, message, fix }) => {
    const problem = checkOriginRegExp(regExp);
    expect(problem).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(problem!.message).toContain(String(regExp));
    expect(problem!.fix).toMatch(fix);
  });
});
