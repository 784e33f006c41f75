/**
 * Child process: what each part of nest-cors's request path costs, in process, on the small app
 * as the `nest-cors` variant builds it (the real snapshot, router and policies of each adapter):
 * the router lookup, the decision, writing the `Access-Control-*` headers and the `Vary` hook (each
 * what it adds to a head written as the adapter writes it), for an allowed GET and a preflight, and
 * the global guard and interceptor as Nest's own guard and
 * interceptor consumers run them (each against the same consumer with none). Each part is timed
 * over many calls, in several rounds; the mount is measured from outside, by the throughput variants.
 * Usage (by the runner, through fork): breakdown.js <rounds> <calls per round>
 */
import 'reflect-metadata';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  decideActual,
  decidePreflight,
  actualHeaderLines,
  preflightHeaderLines,
  type PreflightRoutes,
} from '../../lib/core/cors-decision.js';
import type { CorsRoute } from '../../lib/core/policy-compiler.js';
import type { RoutedRequest } from '../../lib/core/route-matcher.js';
import { CorsPolicyRegistry } from '../../lib/cors-policy.registry.js';
import type { CorsSnapshot } from '../../lib/cors-snapshot.js';
import { CorsGuard } from '../../lib/cors.guard.js';
import { CorsInterceptor } from '../../lib/cors.interceptor.js';
import { headersOnWriteHead, recordOnWriteHead, varyOnWriteHead } from '../../lib/cors-head.hook.js';
import { ALLOWED_ORIGIN } from '../app/origins.js';
import { ADAPTERS, createVariantApp, type AdapterName } from '../app/variants.js';
import { ItemsController } from '../app/small-app.controllers.js';
import { PREFLIGHT } from '../load/workloads.js';
import { sendToRunner, type BreakdownPart } from '../process/messages.js';

const rounds = Number(process.argv[2]);
const callsPerRound = Number(process.argv[3]);
const PATH = PREFLIGHT.path;
const raw = new IncomingMessage(new Socket());

/** Nanoseconds per call of `run(i)`, `run` being handed a fresh index per call. */
function time(run: (index: number) => unknown): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < callsPerRound; index++) run(index);
  return Number(process.hrtime.bigint() - started) / callsPerRound;
}

/** Nanoseconds per call of the asynchronous `run(i)`, awaited one after the other as Nest awaits them. */
async function timeAsync(run: (index: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < callsPerRound; index++) await run(index);
  return Number(process.hrtime.bigint() - started) / callsPerRound;
}

/** Fresh request stand-ins, as many as calls: routers may cache what they parse on the request. */
function requests(): RoutedRequest[] {
  return Array.from({ length: callsPerRound }, () => ({
    url: PATH,
    headers: { host: 'localhost', origin: ALLOWED_ORIGIN },
    hostname: 'localhost',
  }));
}

/** Fresh responses, each with a header already set, as by the time nest-cors runs (`X-Powered-By`, a request id). */
function responses(): ServerResponse[] {
  return Array.from({ length: callsPerRound }, () => new ServerResponse(raw).setHeader('X-Request-Id', '1'));
}

/**
 * The global guard and interceptor as Nest runs them for `GET /items/:id`: through its guard and
 * interceptor consumers, with the request state the nest-cors request handler leaves, minus the
 * same consumers with no guard or interceptor (what every Nest route pays anyway).
 */
function nestEnhancerParts(registry: CorsPolicyRegistry, snapshot: CorsSnapshot): Record<'guard' | 'interceptor', () => Promise<number>> {
  const controller = new ItemsController();
  const handler = ItemsController.prototype.get as (...args: unknown[]) => unknown;
  const route = snapshot.routeFor(ItemsController, handler);
  if (!route) throw new Error('the benchmark handler must have a policy');
  const request = new IncomingMessage(new Socket());
  request.method = 'GET';
  const response = new ServerResponse(request);
  recordOnWriteHead(response, undefined, undefined, { snapshot, origin: ALLOWED_ORIGIN, candidates: [route] });
  const args = [request, response, () => undefined];
  const guards = new GuardsConsumer();
  const interceptors = new InterceptorsConsumer();
  const guard = new CorsGuard(registry);
  const interceptor = new CorsInterceptor();
  const callHandler = async () => handler.call(controller, '42');
  /** As Nest's router answers: an observable's last value, or the value itself. */
  const respond = async (result: unknown) => (isObservable(result) ? lastValueFrom(result) : result);
  return {
    guard: async () =>
      (await timeAsync(() => guards.tryActivate([guard], args, controller, handler, 'http'))) -
      (await timeAsync(() => guards.tryActivate([], args, controller, handler, 'http'))),
    interceptor: async () =>
      (await timeAsync(async () => respond(await interceptors.intercept([interceptor], args, controller, handler, callHandler, 'http')))) -
      (await timeAsync(async () => respond(await interceptors.intercept([], args, controller, handler, callHandler, 'http')))),
  };
}

/**
 * Writes a JSON response's head as the adapter does: Fastify hands its headers object to
 * `writeHead`, Express sets each header first and writes the head with none.
 */
function adapterHeadWrite(adapter: AdapterName): (response: ServerResponse) => void {
  if (adapter === 'fastify') {
    return (response) => response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '27' });
  }
  return (response) => {
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', '27');
    response.writeHead(200);
  };
}

function parts(snapshot: CorsSnapshot, adapter: AdapterName): Record<Exclude<BreakdownPart, 'guard' | 'interceptor'>, () => number> {
  const writeHead = adapterHeadWrite(adapter);
  /** What `hook` adds to the adapter's own head write, per response. */
  const addedToHeadWrite = (hook: (response: ServerResponse) => void) => {
    const hooked = responses();
    const plain = responses();
    const withHook = time((index) => {
      hook(hooked[index]);
      writeHead(hooked[index]);
    });
    return withHook - time((index) => writeHead(plain[index]));
  };
  const candidates = snapshot.candidatesFor('GET', requests()[0]);
  const found = snapshot.preflightRoutes('PUT', requests()[0]);
  if (typeof found !== 'object') throw new Error('the benchmark path must be routed');
  const byMethod = new Map<string, readonly CorsRoute[] | undefined>(found.methods.map((method) => [method, found.routesFor(method)]));
  const preflightRoutes: PreflightRoutes = {
    candidates: found.candidates,
    methods: found.methods,
    routesFor: (method) => byMethod.get(method),
  };
  const preflightRequest = {
    origin: ALLOWED_ORIGIN,
    requestMethod: 'PUT',
    requestHeaders: PREFLIGHT.headers['Access-Control-Request-Headers'],
    requestPrivateNetwork: false,
    raw,
  };
  const actual = decideActual(candidates, 'GET', ALLOWED_ORIGIN, raw);
  const preflight = decidePreflight(preflightRoutes, preflightRequest);
  if ('then' in actual || 'then' in preflight || !actual.allowed || !preflight.allowed)
    throw new Error('the benchmark requests must be approved synchronously');
  return {
    'lookup GET': () => {
      const batch = requests();
      return time((index) => snapshot.candidatesFor('GET', batch[index]));
    },
    'lookup preflight': () => {
      const batch = requests();
      return time((index) => {
        const routes = snapshot.preflightRoutes('PUT', batch[index]);
        if (typeof routes === 'object') for (const method of routes.methods) routes.routesFor(method);
      });
    },
    'decision GET': () => time(() => decideActual(candidates, 'GET', ALLOWED_ORIGIN, raw)),
    'decision preflight': () => time(() => decidePreflight(preflightRoutes, preflightRequest)),
    'header write GET': () => addedToHeadWrite((response) => headersOnWriteHead(response, actualHeaderLines(actual))),
    'header write preflight': () => {
      const batch = responses();
      return time((index) => batch[index].writeHead(preflight.status, [...preflightHeaderLines(preflight), 'Vary', preflight.vary]));
    },
    'Vary hook': () => addedToHeadWrite((response) => varyOnWriteHead(response, 'Origin')),
  };
}

for (const adapter of ADAPTERS) {
  const app = await createVariantApp(adapter, 'nest-cors');
  await app.init();
  const registry = app.get(CorsPolicyRegistry);
  const snapshot = registry.current;
  if (!snapshot) throw new Error(`${adapter}: no policies after app.init()`);
  const measured: Record<BreakdownPart, () => number | Promise<number>> = {
    ...parts(snapshot, adapter),
    ...nestEnhancerParts(registry, snapshot),
  };
  for (let round = 0; round < rounds; round++) {
    const nanoseconds: Partial<Record<BreakdownPart, number>> = {};
    for (const [part, measure] of Object.entries(measured) as [BreakdownPart, () => number | Promise<number>][])
      nanoseconds[part] = await measure();
    await sendToRunner({ type: 'breakdown', adapter, nanoseconds: nanoseconds as Record<BreakdownPart, number> });
  }
  await app.close();
}
process.disconnect();
