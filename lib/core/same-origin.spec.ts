// Same-origin detection.
import { describe, expect, it } from '@jest/globals';
import { isSameOrigin } from './same-origin.js';

describe('isSameOrigin', () => {
  const table: { name: string; origin: string; protocol?: string; host: string | undefined; expected: boolean }[] = [
    { name: 'https, Host without port', origin: 'https://example.com', protocol: 'https', host: 'example.com', expected: true },
    {
      name: 'https, Host with the default port',
      origin: 'https://example.com',
      protocol: 'https',
      host: 'example.com:443',
      expected: true,
    },
    { name: 'http, Host with the default port', origin: 'http://example.com', host: 'example.com:80', expected: true },
    { name: 'explicit port on both', origin: 'http://localhost:3000', host: 'localhost:3000', expected: true },
    { name: 'Host in upper case', origin: 'http://localhost:3000', host: 'LOCALHOST:3000', expected: true },
    { name: 'IPv6 with port', origin: 'http://[::1]:3000', host: '[::1]:3000', expected: true },
    { name: 'IPv6 without port', origin: 'http://[::1]', host: '[::1]', expected: true },
    { name: 'trailing dot on both', origin: 'https://example.com.', protocol: 'https', host: 'example.com.', expected: true },
    {
      name: 'https page, http server on the same host and port',
      origin: 'https://localhost:3000',
      host: 'localhost:3000',
      expected: false,
    },
    { name: 'http page, https server', origin: 'http://example.com', protocol: 'https', host: 'example.com', expected: false },
    { name: 'different port', origin: 'http://localhost:3000', host: 'localhost:3001', expected: false },
    {
      name: 'origin port vs Host without port',
      origin: 'https://example.com:8443',
      protocol: 'https',
      host: 'example.com',
      expected: false,
    },
    { name: 'https origin, Host on port 80', origin: 'https://example.com', protocol: 'https', host: 'example.com:80', expected: false },
    { name: 'different host', origin: 'https://evil.example', protocol: 'https', host: 'example.com', expected: false },
    { name: 'subdomain of Host', origin: 'https://a.example.com', protocol: 'https', host: 'example.com', expected: false },
    { name: 'Host is a subdomain of the origin', origin: 'https://example.com', protocol: 'https', host: 'a.example.com', expected: false },
    { name: 'suffix attack', origin: 'https://example.com.evil.net', protocol: 'https', host: 'example.com', expected: false },
    { name: 'IPv6 different port', origin: 'http://[::1]:3000', host: '[::1]:3001', expected: false },
    {
      name: 'trailing dot on the origin only (another origin)',
      origin: 'https://example.com.',
      protocol: 'https',
      host: 'example.com',
      expected: false,
    },
    { name: 'trailing dot on Host only', origin: 'https://example.com', protocol: 'https', host: 'example.com.', expected: false },
    { name: 'no Host header', origin: 'https://example.com', protocol: 'https', host: undefined, expected: false },
    { name: 'empty Host header', origin: 'https://example.com', protocol: 'https', host: '', expected: false },
    { name: 'Host with empty port', origin: 'https://example.com', protocol: 'https', host: 'example.com:', expected: false },
    { name: 'malformed Origin', origin: 'https://example.com/', protocol: 'https', host: 'example.com', expected: false },
    { name: 'opaque origin', origin: 'null', protocol: 'https', host: 'example.com', expected: false },
  ];

  it.each(table)('$name: $origin vs $protocol Host $host → $expected', ({ origin, protocol = 'http', host, expected }) => {
    expect(isSameOrigin(origin, { protocol, host })).toBe(expected);
  });
});
