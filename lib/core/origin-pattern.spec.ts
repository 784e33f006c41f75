// Allowed-origin patterns: accepted forms, refusals and their fixes.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fc } from '../../test/properties/fast-check.config.js';
import type { CorsProblemDetail } from './cors-problem.js';
import { OriginMatcher } from './origin-matcher.js';
import { checkOriginRegExp, parseOriginPattern, type OriginPattern } from './origin-pattern.js';

/** The origin a `write "…"` fix names, if the fix is of that form. */
function writtenOrigin(fix: string): string | undefined {
  const match = /^write ("(?:[^"\\]|\\.)*")$/.exec(fix);
  return match ? (JSON.parse(match[1]) as string) : undefined;
}

describe('parseOriginPattern: accepted patterns', () => {
  const table: { name: string; pattern: string; expected: OriginPattern }[] = [
    { name: 'any origin', pattern: '*', expected: { kind: 'any' } },
    { name: 'the null origin', pattern: 'null', expected: { kind: 'exact', origin: 'null' } },
    { name: 'exact https', pattern: 'https://app.example.com', expected: { kind: 'exact', origin: 'https://app.example.com' } },
    { name: 'exact http with port', pattern: 'http://localhost:3000', expected: { kind: 'exact', origin: 'http://localhost:3000' } },
    {
      name: 'exact non-default port',
      pattern: 'https://example.com:8443',
      expected: { kind: 'exact', origin: 'https://example.com:8443' },
    },
    {
      name: 'https on port 80 is not a default port',
      pattern: 'https://example.com:80',
      expected: { kind: 'exact', origin: 'https://example.com:80' },
    },
    { name: 'exact IPv4', pattern: 'https://127.0.0.1:90', expected: { kind: 'exact', origin: 'https://127.0.0.1:90' } },
    { name: 'exact IPv6', pattern: 'https://[::1]:90', expected: { kind: 'exact', origin: 'https://[::1]:90' } },
    { name: 'exact non-http scheme', pattern: 'connector://foo', expected: { kind: 'exact', origin: 'connector://foo' } },
    { name: 'exact one-letter scheme', pattern: 'a://example.com', expected: { kind: 'exact', origin: 'a://example.com' } },
    {
      name: 'exact host with underscore',
      pattern: 'http://ex_am-ple.com:3999',
      expected: { kind: 'exact', origin: 'http://ex_am-ple.com:3999' },
    },
    {
      name: 'exact punycode host',
      pattern: 'https://xn--bcher-kva.example',
      expected: { kind: 'exact', origin: 'https://xn--bcher-kva.example' },
    },
    {
      name: 'exact compressed IPv6',
      pattern: 'http://[2001:db8::1]:8080',
      expected: { kind: 'exact', origin: 'http://[2001:db8::1]:8080' },
    },
    {
      name: 'exact IPv4-mapped IPv6, as browsers serialize it',
      pattern: 'http://[::ffff:7f7f:7f7f]:90',
      expected: { kind: 'exact', origin: 'http://[::ffff:7f7f:7f7f]:90' },
    },
    { name: 'exact wss', pattern: 'wss://socket.example.com', expected: { kind: 'exact', origin: 'wss://socket.example.com' } },
    // A fully qualified name is another origin than the same name without the dot.
    { name: 'exact with a trailing dot', pattern: 'https://a.com.', expected: { kind: 'exact', origin: 'https://a.com.' } },
    {
      name: 'exact with a trailing dot and a port',
      pattern: 'http://localhost.:3000',
      expected: { kind: 'exact', origin: 'http://localhost.:3000' },
    },
    {
      name: 'subdomains of a fully qualified name',
      pattern: 'https://*.example.com.',
      expected: { kind: 'subdomains', scheme: 'https', parent: 'example.com.', port: '' },
    },
    {
      name: 'any port on a fully qualified name',
      pattern: 'http://localhost.:*',
      expected: { kind: 'any-port', scheme: 'http', host: 'localhost.' },
    },
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

describe('parseOriginPattern: host names as the URL parser serializes them', () => {
  it('accepts an http(s) origin of a host name exactly when new URL() serializes it as written (property)', () => {
    const label = fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,6}$/) },
      { weight: 1, arbitrary: fc.constantFrom('xn--bcher-kva', 'xn--zz', 'xn--', '0x1f', '0X1F', '08', '127', '0', 'A', 'b_c') },
    );
    const origin = fc
      .tuple(fc.constantFrom('http://', 'https://', 'ws://'), fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '', '.'))
      .map(([scheme, labels, dot]) => `${scheme}${labels.join('.')}${dot}`);
    let accepted = 0;
    fc.assert(
      fc.property(origin, (candidate) => {
        const serialized = URL.canParse(candidate) ? new URL(candidate).origin : undefined;
        const result = parseOriginPattern(candidate);
        if ('kind' in result) accepted++;
        expect('kind' in result ? result : undefined).toEqual(serialized === candidate ? { kind: 'exact', origin: candidate } : undefined);
      }),
    );
    expect(accepted).toBeGreaterThan(20);
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
    {
      name: 'default port on a subdomain pattern',
      pattern: 'https://*.example.com:443',
      message: /default port/,
      fix: /"https:\/\/\*\.example\.com"/,
    },
    {
      name: 'user info',
      pattern: 'https://user:password@example.com:6060',
      message: /user information/,
      fix: /"https:\/\/example\.com:6060"/,
    },
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
    {
      name: 'two origins in one string',
      pattern: 'https://a.com, https://b.com',
      message: /comma|several|more than one/i,
      fix: /split|separate|array/i,
    },
    {
      name: 'two origins in one string, no space',
      pattern: 'https://a.com,https://b.com',
      message: /comma|several|more than one/i,
      fix: /split|separate|array/i,
    },
    { name: 'wildcard not a whole leading label', pattern: 'http://*example.com:3999', message: /wildcard/, fix: /\*\./ },
    { name: 'double wildcard label', pattern: 'http://**.example.com:3999', message: /wildcard/, fix: /\*\./ },
    { name: 'wildcard in the middle', pattern: 'http://fooo.*.example.com:3999', message: /wildcard/, fix: /\*\./ },
    { name: 'wildcard TLD', pattern: 'https://app.example.*', message: /wildcard/, fix: /\*\./ },
    { name: 'bare wildcard host', pattern: 'https://*', message: /wildcard/, fix: /\*\./ },
    {
      name: 'wildcard on the root (a lone trailing dot)',
      pattern: 'https://*.',
      message: /wildcard on no domain/,
      fix: /\*\.example\.com/,
    },
    { name: 'wildcard on the root, any port', pattern: 'http://*.:*', message: /wildcard on no domain/, fix: /\*\./ },
    { name: 'wildcard on the root, with a port', pattern: 'http://*.:8080', message: /wildcard on no domain/, fix: /\*\./ },
    { name: 'glob prefix (rs/cors #197)', pattern: 'h*', message: /no scheme/, fix: /https:\/\// },
    { name: 'port and any-port', pattern: 'https://example.com:8080:*', message: /port and ":\*"/, fix: /keep one/ },
    { name: 'subdomains of an IPv4 address', pattern: 'http://*.127.0.0.1:3999', message: /IP address/, fix: /address/ },
    { name: 'subdomains of an IPv6 address', pattern: 'http://*.[::1]:3999', message: /not a valid|IP address/, fix: /./ },
    { name: 'subdomains of a bare TLD', pattern: 'https://*.com', message: /public suffix "\.com"/, fix: /example\.com/ },
    { name: 'subdomains of a bare TLD on any port', pattern: 'https://*.com:*', message: /public suffix/, fix: /example/ },
    {
      name: 'subdomains of a multi-label public suffix',
      pattern: 'https://*.co.uk',
      message: /public suffix "\.co\.uk"/,
      fix: /example\.co\.uk/,
    },
    { name: 'subdomains of a private public suffix', pattern: 'https://*.github.io', message: /public suffix/, fix: /example/ },
    {
      name: 'subdomains of a domain holding public suffixes',
      pattern: 'https://*.amazonaws.com',
      message: /public suffixes such as "[a-z0-9.*-]+\.amazonaws\.com"/,
      fix: /"https:\/\/\*\.example\.[a-z0-9.-]+\.amazonaws\.com"/,
    },
    // Forms browsers never send: the URL parser serializes them differently (URL Standard §3.5).
    {
      name: 'IPv4 with a missing part',
      pattern: 'http://127.1',
      message: /not written as browsers send it \(they serialize it as "http:\/\/127\.0\.0\.1"\)/,
      fix: /^write "http:\/\/127\.0\.0\.1"$/,
    },
    {
      name: 'IPv4 in hexadecimal',
      pattern: 'http://0x7f.0.0.1',
      message: /not written as browsers send it/,
      fix: /^write "http:\/\/127\.0\.0\.1"$/,
    },
    {
      name: 'IPv4 in octal',
      pattern: 'http://0177.0.0.1:8080',
      message: /not written as browsers send it/,
      fix: /^write "http:\/\/127\.0\.0\.1:8080"$/,
    },
    {
      name: 'IPv4 as one number',
      pattern: 'http://2130706433',
      message: /not written as browsers send it/,
      fix: /^write "http:\/\/127\.0\.0\.1"$/,
    },
    {
      name: 'IPv4 with a trailing dot',
      pattern: 'https://127.0.0.1.:90',
      message: /not written as browsers send it/,
      fix: /^write "https:\/\/127\.0\.0\.1:90"$/,
    },
    {
      name: 'uncompressed IPv6',
      pattern: 'http://[0:0:0:0:0:0:0:1]',
      message: /not written as browsers send it/,
      fix: /^write "http:\/\/\[::1\]"$/,
    },
    {
      name: 'IPv6 with leading zeros',
      pattern: 'http://[2001:4860:4860:0000:0000:0000:0000:8888]:90',
      message: /not written/,
      fix: /^write "http:\/\/\[2001:4860:4860::8888\]:90"$/,
    },
    { name: 'invalid punycode', pattern: 'http://xn--f', message: /host browsers cannot parse/, fix: /^write it as the browser sends it/ },
    {
      name: 'a name ending in a number',
      pattern: 'http://foo.bar.255:6060',
      message: /host browsers cannot parse/,
      fix: /^write it as the browser sends it/,
    },
    {
      name: 'IPv4 on any port',
      pattern: 'http://127.1:*',
      message: /not written as browsers send it/,
      fix: /^write "http:\/\/127\.0\.0\.1:\*"$/,
    },
    { name: 'subdomains of invalid punycode', pattern: 'https://*.xn--f', message: /host browsers cannot parse/, fix: /^write it as/ },
    { name: 'subdomains of a hexadecimal IPv4', pattern: 'http://*.0x7f.0.0.1', message: /IP address/, fix: /address/ },
    { name: 'two trailing dots', pattern: 'https://a.com..', message: /not a valid/, fix: /^write it as/ },
    {
      name: 'subdomains of a name with two trailing dots',
      pattern: 'https://*.example.com..',
      message: /not a valid/,
      fix: /^write it as/,
    },
    {
      name: 'subdomains of a bare TLD, fully qualified',
      pattern: 'https://*.com.',
      message: /public suffix "\.com"/,
      fix: /^name your own domain, e\.g\. "https:\/\/\*\.example\.com\."$/,
    },
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

describe('parseOriginPattern: every fix is itself valid', () => {
  // Each fix normalizes everything fixable at once, not only the first problem reported.
  const table: { name: string; pattern: string; fix: string }[] = [
    { name: 'whitespace and upper case', pattern: ' https://B.example', fix: 'write "https://b.example"' },
    { name: 'whitespace, upper case and a path', pattern: '\tHTTPS://App.Example.com/login ', fix: 'write "https://app.example.com"' },
    { name: 'upper case and a default port', pattern: 'HTTP://Example.com:80', fix: 'write "http://example.com"' },
    { name: 'path and a default port', pattern: 'https://example.com:443/', fix: 'write "https://example.com"' },
    { name: 'user information, upper case and a query', pattern: 'https://User@Example.com?x=1', fix: 'write "https://example.com"' },
    { name: 'no scheme and upper case', pattern: 'App.Example.com', fix: 'write "https://app.example.com"' },
    { name: 'no scheme and a non-canonical IPv4', pattern: '127.1:3000', fix: 'write "https://127.0.0.1:3000"' },
    { name: 'a Unicode host', pattern: 'https://bücher.example', fix: 'write "https://xn--bcher-kva.example"' },
    { name: 'a Unicode host in upper case', pattern: 'https://BÜCHER.example', fix: 'write "https://xn--bcher-kva.example"' },
    { name: 'a subdomain pattern in upper case with a path', pattern: 'https://*.Example.com/', fix: 'write "https://*.example.com"' },
    {
      name: 'a subdomain pattern with whitespace and a default port',
      pattern: ' https://*.example.com:443',
      fix: 'write "https://*.example.com"',
    },
    { name: 'an any-port pattern with whitespace', pattern: 'http://LOCALHOST:* ', fix: 'write "http://localhost:*"' },
    { name: 'a non-special scheme in upper case', pattern: 'Connector://Foo', fix: 'write "connector://foo"' },
    { name: 'a default port and an uncompressed IPv6', pattern: 'http://[0:0:0:0:0:0:0:1]:80', fix: 'write "http://[::1]"' },
    { name: 'a leading-zero port', pattern: 'https://foo:06060', fix: 'write "https://foo:6060"' },
  ];

  it.each(table)('$name: $pattern', ({ pattern, fix }) => {
    const result = parseOriginPattern(pattern) as CorsProblemDetail;
    expect(result.fix).toBe(fix);
    expect(parseOriginPattern(writtenOrigin(fix)!)).toHaveProperty('kind');
  });

  it.each([
    { name: 'a percent-encoded star must not become a wildcard', pattern: 'http://%2A.example.com' },
    { name: 'a subdomain pattern whose normalized form is on a public suffix', pattern: 'HTTPS://*.CO.UK' },
    { name: 'a port and any port', pattern: 'HTTPS://a.com:8080:*' },
  ])('suggests no "write" fix when none is valid: $name', ({ pattern }) => {
    const result = parseOriginPattern(pattern) as CorsProblemDetail;
    expect(result.message).toContain(JSON.stringify(pattern));
    expect(writtenOrigin(result.fix)).toBeUndefined();
  });

  it('names, in every "write" fix, a pattern that is accepted (property)', () => {
    const scheme = fc.constantFrom('http://', 'https://', 'HTTPS://', 'Http://', 'ws://', 'wss://', 'connector://', '', '//', 'file://');
    const label = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,5}$/);
    const name = fc
      .tuple(
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('com', 'co.uk', 'example', 'internal', 'test', 'github.io', 'COM'),
      )
      .map(([labels, tld]) => [...labels, tld].join('.'));
    const odd = fc.constantFrom(
      '127.1',
      '0x7f.0.0.1',
      '127.0.0.1',
      '[0:0:0:0:0:0:0:1]',
      '[::1]',
      'xn--f',
      'bücher.de',
      'ÉCOLE.fr',
      '[2001:DB8::1]',
      '1',
      '0177.0.0.1',
      '%2A.example.com',
      'localhost',
      'a..b',
      'exa mple.com',
    );
    const host = fc.tuple(
      fc.constantFrom('', '', '*.', '*'),
      fc.oneof({ weight: 3, arbitrary: name }, { weight: 1, arbitrary: odd }),
      fc.constantFrom('', '', '.', '..'),
    );
    const port = fc.constantFrom('', '', ':80', ':443', ':8080', ':*', ':06060', ':', ':0', ':99999');
    const userinfo = fc.constantFrom('', '', '', 'user@', 'u:p@');
    const tail = fc.constantFrom('', '', '', '/', '/path', '?q=1', '#top', '/a?b#c');
    const space = fc.constantFrom('', '', '', ' ', '\t');
    const pattern = fc
      .tuple(space, scheme, userinfo, host, port, tail, space)
      .map(([before, s, user, [wildcard, h, dot], p, t, after]) => `${before}${s}${user}${wildcard}${h}${dot}${p}${t}${after}`);
    let written = 0;
    fc.assert(
      fc.property(pattern, (candidate) => {
        const result = parseOriginPattern(candidate);
        if ('kind' in result) return;
        const origin = writtenOrigin(result.fix);
        if (origin === undefined) return;
        written++;
        expect(origin).not.toBe(candidate);
        expect(parseOriginPattern(origin)).toHaveProperty('kind');
      }),
    );
    // The generator must reach the fixable cases, or the property proves nothing.
    expect(written).toBeGreaterThan(50);
  });
});

describe('parseOriginPattern: the public-suffix rule of "*." patterns', () => {
  // Refused: the parent is listed in the Public Suffix List (ICANN or private section), or a rule
  // of the list lies strictly under it. Allowed: names the list does not mention.
  const table: { pattern: string; refused: boolean; why: string }[] = [
    { pattern: 'https://*.com', refused: true, why: 'an ICANN TLD' },
    { pattern: 'https://*.co.uk', refused: true, why: 'a multi-label ICANN suffix' },
    { pattern: 'https://*.uk', refused: true, why: 'a TLD with suffixes under it' },
    { pattern: 'https://*.github.io', refused: true, why: 'a private-section suffix' },
    { pattern: 'https://*.amazonaws.com', refused: true, why: 'not listed, but s3.amazonaws.com and others are listed under it' },
    { pattern: 'https://*.s3.amazonaws.com', refused: true, why: 'a private-section suffix under a registrable domain' },
    { pattern: 'https://*.compute.amazonaws.com', refused: true, why: 'listed, with a wildcard rule under it' },
    { pattern: 'https://*.ck', refused: true, why: 'a TLD whose every child is a suffix (*.ck)' },
    { pattern: 'https://*.foo.ck', refused: true, why: 'a suffix by the wildcard rule *.ck' },
    { pattern: 'https://*.kawasaki.jp', refused: true, why: 'listed, with a wildcard rule under it' },
    { pattern: 'https://*.home.arpa', refused: true, why: 'listed in the ICANN section (RFC 8375 home networks)' },
    { pattern: 'https://*.com.', refused: true, why: 'the same name fully qualified' },
    { pattern: 'https://*.com:*', refused: true, why: 'any port does not change the host rule' },
    { pattern: 'https://*.example.com', refused: false, why: 'a registrable domain' },
    { pattern: 'https://*.example.co.uk', refused: false, why: 'a registrable domain under a multi-label suffix' },
    { pattern: 'https://*.example.github.io', refused: false, why: 'one site under a private-section suffix' },
    { pattern: 'https://*.mybucket.s3.amazonaws.com', refused: false, why: 'one bucket under a private-section suffix' },
    { pattern: 'https://*.www.ck', refused: false, why: 'the exception rule !www.ck makes it registrable' },
    { pattern: 'https://*.city.kawasaki.jp', refused: false, why: 'the exception rule !city.kawasaki.jp' },
    { pattern: 'https://*.internal', refused: false, why: 'reserved for private use, not in the list' },
    { pattern: 'http://*.localhost:*', refused: false, why: 'not in the list' },
    { pattern: 'https://*.test', refused: false, why: 'not in the list' },
    { pattern: 'https://*.corp', refused: false, why: 'not in the list' },
    { pattern: 'https://*.corp.example.internal', refused: false, why: 'not in the list' },
    { pattern: 'https://*.example.com.', refused: false, why: 'a registrable domain, fully qualified' },
  ];

  it.each(table)('$pattern: refused $refused ($why)', ({ pattern, refused }) => {
    const result = parseOriginPattern(pattern);
    if (!refused) {
      expect(result).toHaveProperty('kind', 'subdomains');
      return;
    }
    expect(result).not.toHaveProperty('kind');
    const detail = result as CorsProblemDetail;
    expect(detail.message).toMatch(/public suffix/);
    // The example in the fix is itself accepted.
    const example = /e\.g\. ("[^"]+")$/.exec(detail.fix);
    expect(example).not.toBeNull();
    expect(parseOriginPattern(JSON.parse(example![1]) as string)).toHaveProperty('kind', 'subdomains');
  });

  it("agrees with tldts's own lookup on every rule of the list", async () => {
    // Reads the list a second way (the trie's paths, compared with tldts's public parse()), so a
    // change in tldts's data layout cannot go unnoticed.
    const trie = (await import('tldts/dist/cjs/src/data/trie.js' as string)) as Record<string, unknown>;
    const { parse } = (await import('tldts' as string)) as {
      parse: (host: string, options: object) => { publicSuffix: string | null; isIcann: boolean | null; isPrivate: boolean | null };
    };
    const data = (trie.nodeFlags ? trie : trie.default) as unknown as {
      nodeFlags: Uint8Array;
      edgeStart: Uint16Array;
      edgeLength: Uint8Array;
      edgeChild: Uint16Array;
      labelText: string;
      rulesRoot: number;
    };
    const offsets: number[] = [];
    for (let edge = 0, offset = 0; edge < data.edgeLength.length; offset += data.edgeLength[edge++]) offsets.push(offset);
    const paths: string[] = [];
    const visit = (node: number, below: string): void => {
      for (let edge = data.edgeStart[node]; edge < data.edgeStart[node + 1]; edge++) {
        const name = `${data.labelText.slice(offsets[edge], offsets[edge] + data.edgeLength[edge])}${below ? `.${below}` : ''}`;
        paths.push(name);
        visit(data.edgeChild[edge], name);
      }
    };
    visit(data.rulesRoot, '');
    const names = paths.map((path) => path.replace(/\*/g, 'zz')).filter((name) => /^[a-z0-9.-]+$/.test(name));
    const listed = new Set(
      names.filter((name) => {
        const result = parse(name, { allowPrivateDomains: true });
        return result.publicSuffix === name && Boolean(result.isIcann || result.isPrivate);
      }),
    );
    const hasRuleUnder = new Set<string>();
    for (const name of listed)
      for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) hasRuleUnder.add(name.slice(dot + 1));
    expect(names.length).toBeGreaterThan(5000);
    const disagreements = names.filter((name) => {
      const refused = !('kind' in parseOriginPattern(`https://*.${name}`));
      return refused !== (listed.has(name) || hasRuleUnder.has(name));
    });
    expect(disagreements).toEqual([]);
  });
});

describe('the Public Suffix List is loaded only on demand', () => {
  it('loads no tldts module until a "*." pattern is checked, then only its trie', () => {
    // A fresh Node process, so nothing this test file loaded counts: the modules are compiled
    // with swc into a folder of the repository (for tldts to resolve), then imported.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const folder = mkdtempSync(join(root, '.tmp', 'psl-lazy-'));
    const script = `
      import { createRequire } from 'node:module';
      import { readFileSync, writeFileSync } from 'node:fs';
      import { join } from 'node:path';
      import { pathToFileURL } from 'node:url';
      const [root, folder] = process.argv.slice(1);
      const require = createRequire(join(root, 'package.json'));
      const swc = require('@swc/core');
      for (const name of ['origin-pattern', 'origin', 'cors-problem']) {
        const source = readFileSync(join(root, 'lib', 'core', name + '.ts'), 'utf8');
        const options = { filename: name + '.ts', swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } };
        writeFileSync(join(folder, name + '.js'), swc.transformSync(source, options).code);
      }
      const tldtsFiles = () => Object.keys(require.cache).filter((file) => /[\\/]node_modules[\\/]tldts/.test(file));
      const before = tldtsFiles();
      const module = await import(pathToFileURL(join(folder, 'origin-pattern.js')).href);
      const report = { before, afterImport: tldtsFiles(), exact: module.parseOriginPattern('https://app.example.com') };
      report.afterExact = tldtsFiles();
      report.com = module.parseOriginPattern('https://*.com');
      report.example = module.parseOriginPattern('https://*.example.com');
      report.afterWildcards = tldtsFiles();
      console.log(JSON.stringify(report));
    `;
    try {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, root, folder], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.stderr).toBe('');
      const report = JSON.parse(child.stdout) as Record<string, unknown>;
      expect(report.before).toEqual([]);
      expect(report.afterImport).toEqual([]);
      expect(report.exact).toEqual({ kind: 'exact', origin: 'https://app.example.com' });
      expect(report.afterExact).toEqual([]);
      expect(report.com).toMatchObject({ message: expect.stringMatching(/public suffix "\.com"/) });
      expect(report.example).toEqual({ kind: 'subdomains', scheme: 'https', parent: 'example.com', port: '' });
      expect(report.afterWildcards).toEqual([expect.stringMatching(/[\\/]tldts[\\/]dist[\\/]cjs[\\/]src[\\/]data[\\/]trie\.js$/)]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('origins with a trailing dot', () => {
  const request = {} as IncomingMessage;
  it.each([
    { allowed: ['https://a.com.'], origin: 'https://a.com.', expected: true },
    { allowed: ['https://a.com.'], origin: 'https://a.com', expected: false },
    { allowed: ['https://a.com'], origin: 'https://a.com.', expected: false },
    { allowed: ['https://*.example.com.'], origin: 'https://app.example.com.', expected: true },
    { allowed: ['https://*.example.com.'], origin: 'https://app.example.com', expected: false },
    { allowed: ['https://*.example.com'], origin: 'https://app.example.com.', expected: false },
    { allowed: ['https://*.example.com.'], origin: 'https://example.com.', expected: false },
    { allowed: ['http://localhost.:*'], origin: 'http://localhost.:3000', expected: true },
  ])('$allowed allows $origin: $expected', ({ allowed, origin, expected }) => {
    expect(new OriginMatcher(allowed).matches(origin, request)).toBe(expected);
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
    // The source ends in "\\$": an escaped backslash, then the anchor.
    { name: 'ending in an escaped backslash', regExp: /^https:\/\/a\.com\\$/ },
    { name: 'ending in three escaped backslashes', regExp: /^a\\\\\\$/ },
    { name: 'each alternative ending in an escaped backslash', regExp: /^a\\$|^b\\$/ },
  ];

  it.each(accepted)('accepts $name: $regExp', ({ regExp }) => {
    expect(checkOriginRegExp(regExp)).toBeUndefined();
  });

  const refused: { name: string; regExp: RegExp; message: RegExp; fix: RegExp }[] = [
    { name: 'no anchors (express #8)', regExp: /foo\.com/, message: /not anchored/, fix: /anchor it: \/\^foo\\\.com\$\// },
    { name: 'no end anchor', regExp: /^https:\/\/app\.example\.com/, message: /not anchored/, fix: /\$\/$/ },
    { name: 'no start anchor (fastify #24)', regExp: /(?:example|other)\.com\/?$/giu, message: /not anchored/, fix: /anchor it: \/\^/ },
    {
      name: 'escaped dollar is not an anchor',
      regExp: /^https:\/\/app\.example\.com\$/,
      message: /not anchored/,
      fix: /anchor it: \/\^https:\\\/\\\/app\\\.example\\\.com\\\$\$\/$/,
    },
    {
      name: 'an escaped backslash then an escaped dollar',
      regExp: /^a\\\$/,
      message: /not anchored/,
      fix: /anchor it: \/\^a\\\\\\\$\$\/$/,
    },
    {
      name: 'the last alternative ending in an escaped dollar',
      regExp: /^a$|^b\$/,
      message: /not anchored/,
      fix: /anchor it: \/\^\(\?:a\|b\\\$\)\$\/$/,
    },
    {
      name: 'a middle alternative ending in an escaped dollar',
      regExp: /^a$|^b\$|^c$/,
      message: /alternatives/,
      fix: /group the alternatives: \/\^\(\?:a\|b\\\$\|c\)\$\/$/,
    },
    {
      name: 'unanchored alternatives (the fix groups them)',
      regExp: /a\.com|b\.com/i,
      message: /not anchored/,
      fix: /anchor it: \/\^\(\?:a\\\.com\|b\\\.com\)\$\/i$/,
    },
    { name: 'flags are kept in the fix', regExp: /foo\.com/iu, message: /not anchored/, fix: /\/iu$/ },
    {
      name: 'top-level alternation',
      regExp: /^https:\/\/a\.com|https:\/\/b\.com$/,
      message: /alternatives/,
      fix: /\/\^\(\?:https:\\\/\\\/a\\\.com\|https:\\\/\\\/b\\\.com\)\$\//,
    },
    { name: 'top-level alternation after a group', regExp: /^(a)|b$/, message: /alternatives/, fix: /group/ },
  ];

  it.each(refused)('refuses $name: $regExp', ({ regExp, message, fix }) => {
    const problem = checkOriginRegExp(regExp);
    expect(problem).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(problem!.message).toContain(String(regExp));
    expect(problem!.fix).toMatch(fix);
  });

  it.each(refused)('suggests an accepted RegExp for $name', ({ regExp }) => {
    const [, source, flags] = /: \/(.*)\/([a-z]*)$/.exec(checkOriginRegExp(regExp)!.fix)!;
    const suggested = new RegExp(source, flags);
    expect(checkOriginRegExp(suggested)).toBeUndefined();
  });
});
