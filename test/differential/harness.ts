import { All, Controller, Delete, Get, Head, Header, Patch, Post, Put, type INestApplication, type Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createRequire } from 'node:module';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cors, CorsModule, type CorsModuleOptions } from '../../lib/index.js';

/**
 * Differential routing tests: the same app is booted without nest-cors, to learn from the adapter
 * which handler serves each request (every handler answers its own name), and with nest-cors,
 * where every handler allows only its own origin. nest-cors must boot wherever the app boots,
 * leave routing unchanged, and apply the serving handler's policy, to preflights too.
 */

export type AdapterName = 'express' | 'fastify';
export const ADAPTER_NAMES: readonly AdapterName[] = ['express', 'fastify'];

/** The methods a generated handler may use; `ALL` is `@All()`. */
export const HANDLER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL'] as const;
export type HandlerMethod = (typeof HANDLER_METHODS)[number];

export interface HandlerSpec {
  readonly method: HandlerMethod;
  /** One path or several (`@Get(['a', 'b'])`). */
  readonly path: string | readonly string[];
}

export interface ControllerSpec {
  readonly path: string;
  readonly handlers: readonly HandlerSpec[];
}

/** Router settings of the adapter under test. */
export interface AdapterSettings {
  /** Fastify: `routerOptions`. */
  readonly fastify?: {
    readonly caseSensitive?: boolean;
    readonly ignoreTrailingSlash?: boolean;
    readonly ignoreDuplicateSlashes?: boolean;
    readonly useSemicolonDelimiter?: boolean;
    readonly maxParamLength?: number;
  };
  /**
   * Fastify: give the `fastify` options at the top level (deprecated by Fastify 5, which still
   * takes them) beside a `routerOptions` object, instead of in it.
   */
  readonly fastifyTopLevel?: boolean;
  /** Express: `case sensitive routing` and `strict routing`. */
  readonly express?: { readonly caseSensitive?: boolean; readonly strict?: boolean };
}

export interface AppSpec {
  readonly controllers: readonly ControllerSpec[];
  readonly settings?: AdapterSettings;
}

/** The origin only handler `name` allows. */
export function originOf(name: string): string {
  return `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.test`;
}

/** The origin the module options allow (paths no handler serves). */
export const MODULE_ORIGIN = 'https://module.test';

/** Express itself, untyped here (the types come with @nestjs/platform-express's own build). */
const express = createRequire(import.meta.url)('express') as () => { set(name: string, value: unknown): void };

const DECORATORS: Record<HandlerMethod, (path?: string | string[]) => MethodDecorator> = {
  GET: Get,
  HEAD: Head,
  POST: Post,
  PUT: Put,
  DELETE: Delete,
  PATCH: Patch,
  ALL: All,
};

/** The response header naming the handler that served a request (a HEAD response has no body to say it). */
const HANDLER_HEADER = 'x-handler';

/**
 * Builds controller classes: handler `Cn.hm` returns its own name, and sends it in the
 * {@link HANDLER_HEADER} header, and allows only its own origin.
 */
export function buildControllers(spec: AppSpec, withCors: boolean): Type[] {
  return spec.controllers.map((controller, c) => {
    const name = `C${c}`;
    const cls = { [name]: class {} }[name] as Type;
    controller.handlers.forEach((handler, h) => {
      const key = `h${h}`;
      const handlerName = `${name}.${key}`;
      const fn = function () {
        return handlerName;
      };
      Object.defineProperty(cls.prototype, key, { value: fn, writable: true, configurable: true });
      const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, key)!;
      DECORATORS[handler.method](typeof handler.path === 'string' ? handler.path : [...handler.path])(cls.prototype, key, descriptor);
      Header(HANDLER_HEADER, handlerName)(cls.prototype, key, descriptor);
      if (withCors) Cors({ origin: originOf(handlerName) })(cls.prototype, key, descriptor);
    });
    Controller(controller.path)(cls);
    return cls;
  });
}

/** Every handler's name, in declaration order. */
export function handlerNames(spec: AppSpec): string[] {
  return spec.controllers.flatMap((controller, c) => controller.handlers.map((_handler, h) => `C${c}.h${h}`));
}

function adapterFor(name: AdapterName, settings: AdapterSettings = {}) {
  if (name === 'fastify') {
    return new FastifyAdapter(
      settings.fastifyTopLevel
        ? { ...settings.fastify, routerOptions: { allowUnsafeRegex: false } }
        : { routerOptions: { ...settings.fastify } },
    );
  }
  const app = express();
  if (settings.express?.caseSensitive) app.set('case sensitive routing', true);
  if (settings.express?.strict) app.set('strict routing', true);
  return new ExpressAdapter(app);
}

/** A booted app listening on loopback, or the error that stopped it from booting. */
export interface Booted {
  readonly app?: INestApplication;
  readonly port?: number;
  readonly error?: unknown;
}

export async function boot(spec: AppSpec, adapter: AdapterName, withCors: boolean, moduleOptions: CorsModuleOptions = {}): Promise<Booted> {
  let app: INestApplication | undefined;
  try {
    const imports = withCors ? [CorsModule.forRoot({ origin: MODULE_ORIGIN, ...moduleOptions })] : [];
    const moduleRef = await Test.createTestingModule({ imports, controllers: buildControllers(spec, withCors) }).compile();
    app = moduleRef.createNestApplication(adapterFor(adapter, spec.settings), { logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    return { app, port };
  } catch (error) {
    await app?.close().catch(() => undefined);
    return { error };
  }
}

/** A response, read as raw as Node's client allows. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends a request with the exact request target given (no URL normalisation on the way). */
export function send(port: number, method: string, target: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers: { connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Which handler served a request in the app without nest-cors, if any. */
export function servedBy(reply: Reply, names: readonly string[]): string | undefined {
  const name = reply.headers[HANDLER_HEADER];
  return reply.status >= 200 && reply.status < 300 && typeof name === 'string' && names.includes(name) ? name : undefined;
}

/** One request of the differential check. */
export interface Probe {
  readonly method: Exclude<HandlerMethod, 'ALL'>;
  readonly target: string;
}

/** What went differently with nest-cors, and how many probes a handler served. */
export interface Differences {
  /** One line per finding; empty when nest-cors agrees with the adapter. */
  readonly found: string[];
  /** Probes some handler served without nest-cors (the others only check that the app boots). */
  readonly served: number;
}

/** Compares the app with and without nest-cors over the probes; `'no-boot'` when the app does not boot at all. */
export async function differences(spec: AppSpec, adapter: AdapterName, probes: readonly Probe[]): Promise<Differences | 'no-boot'> {
  const names = handlerNames(spec);
  const plain = await boot(spec, adapter, false);
  if (!plain.app) return 'no-boot';
  const served: (string | undefined)[] = [];
  const statuses: number[] = [];
  try {
    for (const probe of probes) {
      const reply = await send(plain.port!, probe.method, probe.target);
      served.push(servedBy(reply, names));
      statuses.push(reply.status);
    }
  } finally {
    await plain.app.close();
  }

  const cors = await boot(spec, adapter, true);
  if (!cors.app)
    return { found: [`boots without nest-cors but not with it: ${String((cors.error as Error)?.message ?? cors.error)}`], served: 0 };
  const found: string[] = [];
  try {
    for (const [index, probe] of probes.entries()) {
      const label = `${probe.method} ${probe.target}`;
      const handler = served[index];
      if (!handler) continue;
      const own = originOf(handler);
      const actual = await send(cors.port!, probe.method, probe.target, { origin: own });
      if (actual.status !== statuses[index])
        found.push(`${label}: own origin got ${actual.status}, ${statuses[index]} without nest-cors (${handler})`);
      if (actual.headers[HANDLER_HEADER] !== handler)
        found.push(`${label}: served by ${String(actual.headers[HANDLER_HEADER])}, not ${handler}`);
      if (actual.headers['access-control-allow-origin'] !== own)
        found.push(`${label}: own origin ${own} got ACAO ${String(actual.headers['access-control-allow-origin'])}`);
      const preflight = await send(cors.port!, 'OPTIONS', probe.target, { origin: own, 'access-control-request-method': probe.method });
      if (preflight.status < 200 || preflight.status > 299 || preflight.headers['access-control-allow-origin'] !== own) {
        found.push(
          `${label}: preflight from the serving handler's origin got ${preflight.status} ACAO ${String(preflight.headers['access-control-allow-origin'])} (${handler})`,
        );
      }
      for (const other of names) {
        if (other === handler) continue;
        const origin = originOf(other);
        const refused = await send(cors.port!, probe.method, probe.target, { origin });
        if (refused.status !== 403 || hasAllowHeaders(refused))
          found.push(`${label}: ${other}'s origin got ${refused.status} on the request (served by ${handler})`);
        const refusedPreflight = await send(cors.port!, 'OPTIONS', probe.target, { origin, 'access-control-request-method': probe.method });
        if (refusedPreflight.status !== 403 || hasAllowHeaders(refusedPreflight)) {
          found.push(`${label}: ${other}'s origin got ${refusedPreflight.status} on the preflight (served by ${handler})`);
        }
      }
    }
  } finally {
    await cors.app.close();
  }
  return { found, served: served.filter(Boolean).length };
}

function hasAllowHeaders(reply: Reply): boolean {
  return Object.keys(reply.headers).some((name) => name.startsWith('access-control-allow-'));
}
