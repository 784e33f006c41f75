// Decision counters through OpenTelemetry.
import type { CorsRefusalCode } from './core/cors-decision.js';
import type { CorsRoute } from './core/policy-compiler.js';

/** Whether a decision was about a preflight or an actual (non-preflight) request. */
type CorsDecisionKind = 'preflight' | 'actual';

/** The name of the counter nest-cors adds its decisions to. */
const CORS_DECISIONS_METRIC = 'nest_cors.decisions';

/** The part of `@opentelemetry/api` used here. */
interface OpenTelemetryApi {
  metrics: {
    getMeter(name: string): {
      createCounter(
        name: string,
        options: { description: string; unit: string },
      ): {
        add(value: number, attributes: Readonly<Record<string, string>>): void;
      };
    };
  };
}

type Counter = ReturnType<ReturnType<OpenTelemetryApi['metrics']['getMeter']>['createCounter']>;

const OUTCOMES: readonly (CorsRefusalCode | 'allowed')[] = [
  'allowed',
  'origin',
  'method',
  'header',
  'malformed-headers',
  'disabled',
  'no-handler',
];
const NONE = 'none';

/**
 * Where every copy of `@opentelemetry/api` 1.x keeps the global providers an SDK registers
 * (`metrics.setGlobalMeterProvider()` sets its `metrics`).
 */
const OPENTELEMETRY_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * Counts CORS decisions through the OpenTelemetry metrics API, one counter labelled
 * `cors.kind` (preflight or actual), `cors.outcome` (allowed or refused), `cors.reason` (the
 * refusal code, `none` when allowed) and `cors.policy` (the handler whose policy decided).
 * `@opentelemetry/api` is an optional peer dependency: without it, or without a meter provider
 * registered by `app.init()`, nothing is recorded. The attribute sets are built once per
 * policy and kind, so recording allocates nothing.
 */
export class CorsMetrics {
  private readonly attributes = new WeakMap<CorsRoute, Readonly<Record<string, string>>[]>();
  private readonly unrouted: Readonly<Record<string, string>>[];

  private constructor(private readonly counter: Counter | undefined) {
    this.unrouted = this.attributeSets(NONE);
  }

  /** Binds to the OpenTelemetry API if the app has it installed; the meter provider registered by then is used. */
  static async create(): Promise<CorsMetrics> {
    // Without a registered meter provider the API hands out a no-op counter: loading it (about
    // 10 ms at startup) would change nothing.
    if (!(globalThis as Record<symbol, { metrics?: unknown } | undefined>)[OPENTELEMETRY_GLOBAL]?.metrics)
      return new CorsMetrics(undefined);
    try {
      const api = (await import('@opentelemetry/api' as string)) as OpenTelemetryApi | { default: OpenTelemetryApi };
      const { metrics } = 'metrics' in api ? api : api.default;
      const counter = metrics.getMeter('nest-cors').createCounter(CORS_DECISIONS_METRIC, {
        description: 'CORS decisions by kind, outcome, reason and policy',
        unit: '{decision}',
      });
      return new CorsMetrics(counter);
    } catch {
      return new CorsMetrics(undefined);
    }
  }

  /** Records one decision; `refusal` is the refusal code, or `undefined` for an allowed one. */
  record(kind: CorsDecisionKind, route: CorsRoute | undefined, refusal: CorsRefusalCode | undefined): void {
    const counter = this.counter;
    if (!counter) return;
    let sets = route ? this.attributes.get(route) : this.unrouted;
    if (!sets) this.attributes.set(route!, (sets = this.attributeSets(route!.name)));
    counter.add(1, sets[(kind === 'preflight' ? 0 : OUTCOMES.length) + OUTCOMES.indexOf(refusal ?? 'allowed')]);
  }

  private attributeSets(policy: string): Readonly<Record<string, string>>[] {
    return (['preflight', 'actual'] as const).flatMap((kind) =>
      OUTCOMES.map((outcome) =>
        Object.freeze({
          'cors.kind': kind,
          'cors.outcome': outcome === 'allowed' ? 'allowed' : 'refused',
          'cors.reason': outcome === 'allowed' ? NONE : outcome,
          'cors.policy': policy,
        }),
      ),
    );
  }
}
