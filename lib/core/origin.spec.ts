// The request-origin parser.
import { describe, expect, it } from '@jest/globals';
import { defaultPort, MAX_ORIGIN_LENGTH, parseOrigin, type ParsedOrigin } from './origin.js';

const KIB = 1024;

describe('parseOrigin', () => {
  const valid: { name: string; value: string; expected: ParsedOrigin }[] = [
    { name: 'https without port', value: 'https://example.com', expected: { scheme: 'https', host: 'example.com', port: '' } },
    { name: 'http with port', value: 'http://localhost:3000', expected: { scheme: 'http', host: 'localhost', port: '3000' } },
    { name: 'subdomain', value: 'https://a.b.example.com', expected: { scheme: 'https', host: 'a.b.example.com', port: '' } },
    { name: 'IPv4 host', value: 'http://127.0.0.1:8080', expected: { scheme: 'http', host: '127.0.0.1', port: '8080' } },
    { name: 'IPv6 host with port', value: 'http://[::1]:8080', expected: { scheme: 'http', host: '[::1]', port: '8080' } },
    { name: 'IPv6 host without port', value: 'https://[2001:db8::1]', expected: { scheme: 'https', host: '[2001:db8::1]', port: '' } },
    { name: 'highest port', value: 'https://example.com:65535', expected: { scheme: 'https', host: 'example.com', port: '65535' } },
    { name: 'port 1', value: 'https://example.com:1', expected: { scheme: 'https', host: 'example.com', port: '1' } },
    {
      name: 'non-http scheme (browser extension)',
      value: 'chrome-extension://abcdefghij',
      expected: { scheme: 'chrome-extension', host: 'abcdefghij', port: '' },
    },
    {
      name: 'scheme with digits, plus and dot',
      value: 'web+app.v2://example.com',
      expected: { scheme: 'web+app.v2', host: 'example.com', port: '' },
    },
    {
      name: 'underscore and hyphen in host',
      value: 'http://ex_am-ple.com:3999',
      expected: { scheme: 'http', host: 'ex_am-ple.com', port: '3999' },
    },
    {
      name: 'punycode host',
      value: 'https://xn--bcher-kva.example',
      expected: { scheme: 'https', host: 'xn--bcher-kva.example', port: '' },
    },
    // Browsers keep the dot of a fully qualified name typed in the address bar, and send it.
    { name: 'trailing dot in host', value: 'https://example.com.', expected: { scheme: 'https', host: 'example.com.', port: '' } },
    { name: 'trailing dot before a port', value: 'http://localhost.:3000', expected: { scheme: 'http', host: 'localhost.', port: '3000' } },
    { name: 'trailing dot after one label', value: 'http://intranet.', expected: { scheme: 'http', host: 'intranet.', port: '' } },
  ];

  it.each(valid)('parses $name ($value)', ({ value, expected }) => {
    expect(parseOrigin(value)).toEqual(expected);
  });

  const invalid: { name: string; value: string }[] = [
    { name: 'empty string', value: '' },
    { name: 'the null origin (matched literally, never parsed)', value: 'null' },
    { name: 'bare host without scheme', value: 'example.com' },
    { name: 'scheme only', value: 'https://' },
    { name: 'scheme without slashes', value: 'https:example.com' },
    { name: 'one slash', value: 'https:/example.com' },
    { name: 'upper-case scheme', value: 'HTTPS://example.com' },
    { name: 'upper-case host', value: 'https://EXAMPLE.com' },
    { name: 'mixed-case host', value: 'https://Example.Com' },
    { name: 'trailing slash', value: 'https://example.com/' },
    { name: 'path', value: 'https://example.com/path' },
    { name: 'query', value: 'https://example.com?x=1' },
    { name: 'fragment', value: 'https://example.com#top' },
    { name: 'user info', value: 'https://user@example.com' },
    { name: 'user and password', value: 'https://user:pass@example.com' },
    { name: 'empty port', value: 'https://example.com:' },
    { name: 'port 0', value: 'https://example.com:0' },
    { name: 'port with leading zero', value: 'https://example.com:08080' },
    { name: 'port above 65535', value: 'https://example.com:65536' },
    { name: 'six-digit port', value: 'https://example.com:123456' },
    { name: 'alphabetic port', value: 'https://example.com:abcd' },
    { name: 'port followed by garbage', value: 'https://example.com:123ab' },
    { name: 'negative port', value: 'https://example.com:-1' },
    { name: 'leading dot in host', value: 'https://.example.com' },
    { name: 'double dot in host', value: 'https://example..com' },
    { name: 'two trailing dots in host', value: 'https://example.com..' },
    { name: 'two trailing dots before a port', value: 'https://example.com..:8080' },
    { name: 'a dot alone as host', value: 'https://.' },
    { name: 'a dot alone as host, with a port', value: 'https://.:8080' },
    { name: 'leading and trailing dot', value: 'https://.example.com.' },
    { name: 'space in host', value: 'https://exa mple.com' },
    { name: 'leading space', value: ' https://example.com' },
    { name: 'trailing space', value: 'https://example.com ' },
    { name: 'CRLF injection', value: 'https://example.com\r\nSet-Cookie: a=b' },
    { name: 'NUL byte', value: 'https://example.com\u0000' },
    { name: 'percent-encoded host', value: 'https://ex%61mple.com' },
    { name: 'non-ASCII host', value: 'https://exämple.com' },
    { name: 'non-ASCII (Cyrillic homograph) host', value: 'https://ехample.com' },
    { name: 'two origins joined by a comma (Origin sent twice)', value: 'https://a.example.com, https://b.example.com' },
    { name: 'two origins joined without space', value: 'https://a.example.com,https://b.example.com' },
    { name: 'two origins joined by a space', value: 'https://a.example.com https://b.example.com' },
    { name: 'wildcard host', value: 'https://*.example.com' },
    { name: 'unclosed IPv6 bracket', value: 'http://[::1:90' },
    { name: 'empty IPv6 brackets', value: 'http://[]' },
    { name: 'garbage after IPv6 bracket', value: 'http://[::1]1:6060' },
    { name: 'non-hex IPv6', value: 'http://[example]:90' },
    { name: 'unbracketed IPv6', value: 'https://::1:90' },
    { name: 'Spring gh-33682 malformed origin', value: 'http://*@:;' },
    { name: 'scheme starting with a digit', value: '42-chrome-extension://foo' },
    { name: 'scheme with a star', value: 'chrome-extension*://foo' },
    { name: 'file URL', value: 'file:///etc/passwd' },
    { name: 'jub0bs invalid_origin', value: 'invalid_origin' },
    { name: '8 KiB origin', value: `https://${'a'.repeat(8 * KIB)}.example.com` },
    { name: 'one character over the length cap', value: `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}` },
  ];

  it.each(invalid)('refuses $name', ({ value }) => {
    expect(parseOrigin(value)).toBeUndefined();
  });

  it.each([
    { name: '8 KiB origin', value: `https://${'a'.repeat(8 * KIB)}` },
    { name: '8 KiB of dots', value: `https://${'.'.repeat(8 * KIB)}` },
    { name: '8 KiB of digits after a colon', value: `https://example.com:${'9'.repeat(8 * KIB)}` },
    { name: 'a length just under the cap', value: `https://${'a.'.repeat((MAX_ORIGIN_LENGTH - 9) >> 1)}a` },
  ])('runs in well under a millisecond on $name', ({ value }) => {
    const runs = 200;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) parseOrigin(value);
    const perCallMs = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    expect(perCallMs).toBeLessThan(1);
  });
});

describe('defaultPort', () => {
  it.each([
    { scheme: 'http', port: '80' },
    { scheme: 'https', port: '443' },
    { scheme: 'ws', port: '80' },
    { scheme: 'wss', port: '443' },
    { scheme: 'chrome-extension', port: '' },
  ])('$scheme → "$port"', ({ scheme, port }) => {
    expect(defaultPort(scheme)).toBe(port);
  });
});
