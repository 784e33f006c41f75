/**
 * Child process: what each part of nest-cors's request path costs, in process, on the small app
 * as the `nest-cors` variant builds it (the real snapshot, router and policies of each adapter):
 * the router lookup, the decision, writing the `Access-Control-*` headers and the `Vary` hook, for
 * an allowed GET and a preflight. Each part is timed over many calls, in several rounds; the parts
 * measured from outside (mount, guard, interceptor) come from the throughput variants.
 * Usage (by the runner, through fork): breakdown.js <rounds> <calls per round>
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  decideActual,
  decidePreflight,
  preflightHeaderLines,
  writeActualHeaders,
  type PreflightRoutes,
} from '../../lib/core/cors-decision.js';
import type { CorsRoute } from '../../lib/core/policy-compiler.js';
import type { RoutedRequest } from '../../lib/core/route-matcher.js';
import { CorsPolicyRegistry } from '../../lib/cors-policy.registry.js';
import type { CorsSnapshot } from '../../lib/cors-snapshot.js';
import { varyOnWriteHead } from '../../lib/cors-vary.hook.js';
import { ALLOWED_ORIGIN } from '../app/origins.js';
import { ADAPTERS, createVariantApp } from '../app/variants.js';
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

function parts(snapshot: CorsSnapshot): Record<BreakdownPart, () => number> {
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
    'header write GET': () => {
      const batch = responses();
      return time((index) => writeActualHeaders(actual, batch[index]));
    },
    'header write preflight': () => {
      const batch = responses();
      return time((index) => batch[index].writeHead(preflight.status, [...preflightHeaderLines(preflight), 'Vary', preflight.vary]));
    },
    'Vary hook': () => {
      const hooked = responses();
      const plain = responses();
      const withHook = time((index) => {
        varyOnWriteHead(hooked[index], 'Origin');
        hooked[index].writeHead(200);
      });
      return withHook - time((index) => plain[index].writeHead(200));
    },
  };
}

for (const adapter of ADAPTERS) {
  const app = await createVariantApp(adapter, 'nest-cors');
  await app.init();
  const snapshot = app.get(CorsPolicyRegistry).current;
  if (!snapshot) throw new Error(`${adapter}: no policies after app.init()`);
  const measured = parts(snapshot);
  for (let round = 0; round < rounds; round++) {
    const nanoseconds: Partial<Record<BreakdownPart, number>> = {};
    for (const [part, measure] of Object.entries(measured) as [BreakdownPart, () => number][]) nanoseconds[part] = measure();
    await sendToRunner({ type: 'breakdown', adapter, nanoseconds: nanoseconds as Record<BreakdownPart, number> });
  }
  await app.close();
}
process.disconnect();
