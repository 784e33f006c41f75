import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Put, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Cors, CorsConfigurationError, CorsModule, type CorsModuleOptions } from '../../lib/index.js';
import { ADAPTERS, createApp } from './adapters.js';

const APP = 'https://app.example';

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return ['item'];
  }

  @Put(':id')
  replace() {
    return { replaced: true };
  }
}

@Controller('any-method')
@Cors({ origin: APP, methods: '*' })
class AnyMethodController {
  @Put(':id')
  replace() {
    return { replaced: true };
  }
}

/**
 * Startup validation as an app meets it: each gap of the validation issue fails `app.init()` with
 * the fix, or works as a supported form.
 */
describe.each(ADAPTERS)('startup validation on %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  const http = () => request(app!.getHttpServer());
  const start = async (options: CorsModuleOptions) => {
    app = await createApp({ imports: [CorsModule.forRoot(options)], controllers: [ItemsController, AnyMethodController] }, adapter);
  };
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each([
    ['lower-case methods', { origin: APP, methods: ['get', 'put'] }, /method get has lower-case letters[\s\S]*Fix: write \["GET","PUT"\]/],
    ['an originTimeout Node cannot honour', { origin: APP, originTimeout: 2 ** 31 }, /originTimeout 2147483648 is above 2147483647 ms/],
    ['a maxAge no browser keeps', { origin: APP, maxAge: 1e21 }, /maxAge 1e\+21 is above 86400[\s\S]*Fix: write maxAge: 7200/],
    [
      'an IPv4 address a browser writes otherwise',
      { origin: ['http://127.1'] },
      /origin "http:\/\/127\.1"[\s\S]*Fix: write "http:\/\/127\.0\.0\.1"/,
    ],
    [
      'a hexadecimal IPv4 address',
      { origin: ['http://0x7f.0.0.1'] },
      /origin "http:\/\/0x7f\.0\.0\.1"[\s\S]*Fix: write "http:\/\/127\.0\.0\.1"/,
    ],
    ['an uncompressed IPv6 address', { origin: ['http://[0:0:0:0:0:0:0:1]'] }, /Fix: write "http:\/\/\[::1\]"/],
    ['invalid punycode', { origin: ['http://xn--f'] }, /origin "http:\/\/xn--f"/],
    [
      'a wildcard over suffixes anyone can register',
      { origin: ['https://*.amazonaws.com'] },
      /https:\/\/\*\.amazonaws\.com[\s\S]*s3\.amazonaws\.com|amazonaws\.com[\s\S]*anyone/,
    ],
    ['a fix that must itself be valid', { origin: [' https://B.example'] }, /Fix: write "https:\/\/b\.example"/],
  ])('fails app.init() for %s, naming the fix', async (_label, options, message) => {
    const failure = start(options as CorsModuleOptions);
    await expect(failure).rejects.toThrow(CorsConfigurationError);
    await expect(start(options as CorsModuleOptions)).rejects.toThrow(message);
  });

  it('boots with a RegExp anchored right after an escaped backslash', async () => {
    await start({ origin: [/^https:\/\/app\.example\\$/] });
    expect((await http().get('/items').set('Origin', APP)).status).toBe(403);
  });

  it('allows a trailing-dot origin (browsers send it), distinct from the dot-less one', async () => {
    await start({ origin: ['https://app.example.'] });
    const dotted = await http().get('/items').set('Origin', 'https://app.example.');
    expect([dotted.status, dotted.headers['access-control-allow-origin']]).toEqual([200, 'https://app.example.']);
    expect((await http().get('/items').set('Origin', APP)).status).toBe(403);
  });

  it('allows *. on a private name the Public Suffix List does not list (*.internal)', async () => {
    await start({ origin: ['https://*.corp.internal'] });
    const res = await http().get('/items').set('Origin', 'https://wiki.corp.internal');
    expect(res.headers['access-control-allow-origin']).toBe('https://wiki.corp.internal');
  });

  it("takes methods: '*' as every method, as enableCors users expect", async () => {
    await start({});
    const preflight = await http().options('/any-method/1').set('Origin', APP).set('Access-Control-Request-Method', 'PUT');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
  });

  it('answers a header list at the empty-element cap the same whether the policy lists headers or reflects them', async () => {
    /** The preflight's status for `value` as Access-Control-Request-Headers, on a fresh app with `options`. */
    const preflightStatus = async (options: CorsModuleOptions, value: string): Promise<number> => {
      await start(options);
      const { status } = await http()
        .options('/items/1')
        .set('Origin', APP)
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', value);
      await app!.close();
      app = undefined;
      return status;
    };
    for (const value of [','.repeat(16), `a${','.repeat(17)}`, ','.repeat(15)]) {
      const reflected = await preflightStatus({ origin: APP }, value);
      const listed = await preflightStatus({ origin: APP, allowedHeaders: ['a'] }, value);
      expect({ value, listed }).toEqual({ value, listed: reflected });
    }
  });
});
