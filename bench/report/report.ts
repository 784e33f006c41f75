import type { VariantName } from '../app/variants.js';
import { HOSTILE_WORKLOADS, type WorkloadName } from '../load/workloads.js';
import type { HostileMeasurement } from '../phases/hostile.js';
import type { MicroMeasurement } from '../phases/micro.js';
import type { StartupMeasurement } from '../phases/startup.js';
import type { ThroughputMeasurement } from '../phases/throughput.js';
import type { BreakdownPart, MicroRequestName } from '../process/messages.js';
import type { BenchSettings } from '../settings.js';
import { ratiosByRound, spreadOf, type Spread } from './stats.js';

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  wrk: string;
  packages: Record<string, string>;
}

export interface BenchResults {
  startedAt: string;
  settings: BenchSettings;
  machine: MachineDescription;
  throughput: ThroughputMeasurement[];
  hostile: HostileMeasurement[];
  startup: StartupMeasurement[];
  micro: MicroMeasurement;
}

/** A ratio with its target: met when the median, as shown (two decimals), is at least (or at most) the bound. */
interface RatioRow {
  label: string;
  adapter: string;
  spread: Spread;
  target?: { bound: number; direction: 'at least' | 'at most' };
}

interface ThroughputComparison {
  workload: WorkloadName;
  numerator: VariantName;
  denominator: VariantName;
  atLeast?: number;
}

/** Throughput ratios, `numerator ÷ denominator` on the same workload; those without a bound are for reference. */
const THROUGHPUT_COMPARISONS: readonly ThroughputComparison[] = [
  { workload: 'allowed GET', numerator: 'nest-cors', denominator: 'shape', atLeast: 0.95 },
  { workload: 'allowed GET', numerator: 'nest-cors-no-interceptor', denominator: 'builtin', atLeast: 0.97 },
  { workload: 'preflight PUT', numerator: 'nest-cors', denominator: 'builtin', atLeast: 1.05 },
  { workload: 'preflight PUT', numerator: 'nest-cors-big', denominator: 'nest-cors', atLeast: 0.95 },
  { workload: 'allowed GET', numerator: 'nest-cors', denominator: 'none' },
  { workload: 'allowed GET', numerator: 'nest-cors', denominator: 'builtin' },
  { workload: 'allowed GET', numerator: 'shape', denominator: 'none' },
  { workload: 'allowed GET', numerator: 'shape-headers', denominator: 'shape' },
  { workload: 'allowed GET', numerator: 'nest-cors', denominator: 'shape-headers' },
  { workload: 'allowed GET', numerator: 'nest-cors-no-interceptor', denominator: 'none' },
  { workload: 'allowed GET', numerator: 'builtin', denominator: 'none' },
  { workload: 'allowed GET', numerator: 'none-big', denominator: 'none' },
  { workload: 'allowed GET', numerator: 'nest-cors-big', denominator: 'nest-cors' },
  { workload: 'disallowed GET', numerator: 'nest-cors', denominator: 'builtin' },
  { workload: 'disallowed GET', numerator: 'nest-cors-big', denominator: 'nest-cors' },
];

/**
 * The 1,000-route app against the small one, each against the same app without CORS, round by
 * round: what nest-cors costs in the big app over what it costs in the small one. The router of
 * the adapter itself is in both sides of each ratio (Express tries routes in order, so its own
 * GET throughput drops with 1,000 routes whatever the middleware does).
 */
const BIG_APP_GET: { numerator: [VariantName, VariantName]; denominator: [VariantName, VariantName]; atLeast: number } = {
  numerator: ['nest-cors-big', 'none-big'],
  denominator: ['nest-cors', 'none'],
  atLeast: 0.95,
};

const HOSTILE_P99_LIMIT_MS = 2;
const HOSTILE_RSS_GROWTH_LIMIT_MIB = 20;
const STARTUP_RATIO_LIMIT = 1.3;
const MICRO_SPEEDUP_TARGET = 3;

export function markdownReport(results: BenchResults): string {
  const { settings, machine } = results;
  const lines = [
    `# nest-cors benchmark results (${settings.mode} run, ${results.startedAt})`,
    '',
    settings.mode === 'quick'
      ? `Quick mode: ${settings.rounds} rounds of ${settings.loadSeconds} s runs. A smoke test; its figures are noisier than a full run's.`
      : `Full mode: ${settings.rounds} rounds of ${settings.loadSeconds} s runs.`,
    '',
    '## Machine',
    '',
    `- ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}`,
    `- Node ${machine.node}, ${machine.wrk}`,
    `- ${Object.entries(machine.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '',
    '## Ratios',
    '',
    'Each ratio is taken round by round from two sides measured in the same round; the table gives its median and min–max ' +
      `spread over the interleaved rounds. Throughput: wrk, 1 thread, ${settings.connections} keep-alive connections, ` +
      `${settings.loadSeconds} s per run after a ${settings.warmUpSeconds} s warm-up. Startup: a fresh process per measurement. ` +
      `Micro-benchmark: ${settings.microRequestsPerRound.toLocaleString('en-US')} requests per side and round.`,
    '',
    '| Comparison | Adapter | Median | Spread (min–max) | Rounds | Target | Verdict |',
    '|---|---|---|---|---|---|---|',
    ...ratioRows(results).map(ratioLine),
    '',
    '## Hostile preflights',
    '',
    `A fresh \`nest-cors\` server started with \`--max-http-header-size=131072\` gets, in ${settings.rounds} interleaved rounds, ` +
      `runs of ordinary preflights, preflights with an 8 KiB Origin and preflights with a 64 KiB Access-Control-Request-Headers ` +
      `(${results.hostile[0]?.requestsPerKind.toLocaleString('en-US')} of each kind in all) over ${settings.hostileConnections} ` +
      'connection, so that p99 is the cost of a request and not queueing. Memory is sampled after a full GC before the first ' +
      'round and after the last; then an allowed GET must still get its 200 and CORS headers.',
    '',
    '| Adapter | Request | p99 ms, median (min–max) | p99 ÷ ordinary preflight p99, median (min–max) | RSS growth, whole phase (MiB) | Heap growth (MiB) | Keeps serving | Verdict |',
    '|---|---|---|---|---|---|---|---|',
    ...results.hostile.flatMap(hostileLines),
    '',
    '## Per-request cost breakdown',
    '',
    'Microseconds per request, median (min–max) over the rounds. The first two rows come from the throughput ' +
      'rounds: the time per request (1 s ÷ requests per second, one server process at saturation) of `mount-only` and ' +
      "`nest-cors` against `none` in the same round, so they carry the load generator's noise. The other parts " +
      'are timed in process on the `nest-cors` app of each adapter (its real router and policies), over ' +
      `${settings.microRequestsPerRound.toLocaleString('en-US')} calls per round.`,
    '',
    '| Part | Express (µs) | Fastify (µs) |',
    '|---|---|---|',
    ...breakdownLines(results),
    '',
    '## Micro-benchmark: allocations',
    '',
    'Heap bytes per request: median of batches of 1,000 requests with no GC in between, each including the response stub ' +
      '(a new one per request, holding the headers written), whose share the last column shows.',
    '',
    '| Request | `cors` package (B/request) | nest-cors core (B/request) | Response stub alone (B/request) |',
    '|---|---|---|---|',
    ...results.micro.allocations.map(
      (allocation) =>
        `| ${allocation.request} | ${allocation.corsPackageBytes.toFixed(0)} | ${allocation.nestCorsCoreBytes.toFixed(0)} | ${allocation.responseStubBytes.toFixed(0)} |`,
    ),
  ];
  const socketErrors = [...results.throughput, ...results.hostile].reduce((sum, measurement) => sum + measurement.socketErrors, 0);
  if (socketErrors > 0) lines.push('', `Warning: ${socketErrors} socket errors or timeouts during the load runs.`);
  return lines.join('\n') + '\n';
}

function ratioRows(results: BenchResults): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const measurement of results.throughput) {
    for (const comparison of THROUGHPUT_COMPARISONS) {
      const numerators = measurement.requestsPerSecond[comparison.numerator]?.[comparison.workload];
      const denominators = measurement.requestsPerSecond[comparison.denominator]?.[comparison.workload];
      if (!numerators || !denominators)
        throw new Error(`no ${comparison.workload} figures for ${comparison.numerator} or ${comparison.denominator}`);
      rows.push({
        label: `${comparison.workload} throughput: ${comparison.numerator} ÷ ${comparison.denominator}`,
        adapter: measurement.adapter,
        spread: spreadOf(ratiosByRound(numerators, denominators)),
        target: comparison.atLeast === undefined ? undefined : { bound: comparison.atLeast, direction: 'at least' },
      });
    }
    const figures = (variant: VariantName) => measurement.requestsPerSecond[variant]?.['allowed GET'] ?? [];
    const [bigWith, bigWithout] = BIG_APP_GET.numerator.map(figures);
    const [smallWith, smallWithout] = BIG_APP_GET.denominator.map(figures);
    rows.push({
      label: 'allowed GET throughput: (nest-cors-big ÷ none-big) ÷ (nest-cors ÷ none)',
      adapter: measurement.adapter,
      spread: spreadOf(ratiosByRound(ratiosByRound(bigWith, bigWithout), ratiosByRound(smallWith, smallWithout))),
      target: { bound: BIG_APP_GET.atLeast, direction: 'at least' },
    });
  }
  for (const measurement of results.startup) {
    const timesWith = (key: 'initMs' | 'createAndInitMs') => measurement.withModule.map((timing) => timing[key]);
    const timesWithout = (key: 'initMs' | 'createAndInitMs') => measurement.withoutModule.map((timing) => timing[key]);
    rows.push(
      {
        label: '1,000-route app `app.init()` time: with CorsModule ÷ without',
        adapter: measurement.adapter,
        spread: spreadOf(ratiosByRound(timesWith('initMs'), timesWithout('initMs'))),
        target: { bound: STARTUP_RATIO_LIMIT, direction: 'at most' },
      },
      {
        label: '1,000-route app `NestFactory.create()` + `app.init()` time: with CorsModule ÷ without',
        adapter: measurement.adapter,
        spread: spreadOf(ratiosByRound(timesWith('createAndInitMs'), timesWithout('createAndInitMs'))),
      },
    );
  }
  for (const requestName of ['simple', 'preflight'] as MicroRequestName[]) {
    const rounds = results.micro.rounds.filter((round) => round.request === requestName);
    const times = (side: 'corsPackageNs' | 'nestCorsCoreNs' | 'nestCorsCoreBigPolicyNs') => rounds.map((round) => round[side]);
    rows.push(
      {
        label: `micro-benchmark, ${requestName} request, time per request: \`cors\` package ÷ nest-cors core (speed-up)`,
        adapter: 'in process',
        spread: spreadOf(ratiosByRound(times('corsPackageNs'), times('nestCorsCoreNs'))),
        target: { bound: MICRO_SPEEDUP_TARGET, direction: 'at least' },
      },
      {
        label: `micro-benchmark, ${requestName} request, time per request: nest-cors core with the big app's 10,100 origins ÷ with 2`,
        adapter: 'in process',
        spread: spreadOf(ratiosByRound(times('nestCorsCoreBigPolicyNs'), times('nestCorsCoreNs'))),
      },
    );
  }
  return rows;
}

/** Parts of the request path measured by throughput differences: [part, variant, baseline variant]. */
const THROUGHPUT_PARTS: readonly [string, VariantName, VariantName][] = [
  ['mount (a do-nothing handler where nest-cors mounts its own)', 'mount-only', 'none'],
  ['all of nest-cors, allowed GET (for reference)', 'nest-cors', 'none'],
];

const IN_PROCESS_PARTS: readonly BreakdownPart[] = [
  'lookup GET',
  'lookup preflight',
  'decision GET',
  'decision preflight',
  'header write GET',
  'header write preflight',
  'Vary hook',
  'guard',
  'interceptor',
];

const IN_PROCESS_LABELS: Partial<Record<BreakdownPart, string>> = {
  guard: "global guard (`CorsGuard` through Nest's guard consumer, minus the consumer alone)",
  interceptor: "global interceptor (`CorsInterceptor` through Nest's interceptor consumer and RxJS, minus the consumer alone)",
};

function breakdownLines(results: BenchResults): string[] {
  const cell = (values: readonly number[]) => (values.length === 0 ? '—' : formatSpread(spreadOf(values)));
  const byAdapter = (adapter: string) => results.throughput.find((measurement) => measurement.adapter === adapter);
  const throughputLines = THROUGHPUT_PARTS.map(([part, variant, baseline]) => {
    const cells = ['express', 'fastify'].map((adapter) => {
      const figures = byAdapter(adapter)?.requestsPerSecond;
      const with_ = figures?.[variant]?.['allowed GET'] ?? [];
      const without = figures?.[baseline]?.['allowed GET'] ?? [];
      return cell(with_.map((rps, round) => 1e6 / rps - 1e6 / without[round]));
    });
    return `| ${part} | ${cells.join(' | ')} |`;
  });
  const inProcessLines = IN_PROCESS_PARTS.map((part) => {
    const cells = ['express', 'fastify'].map((adapter) =>
      cell(results.micro.breakdown.filter((round) => round.adapter === adapter).map((round) => round.nanoseconds[part] / 1000)),
    );
    return `| ${IN_PROCESS_LABELS[part] ?? part} | ${cells.join(' | ')} |`;
  });
  return [...throughputLines, ...inProcessLines];
}

function ratioLine(row: RatioRow): string {
  const { median, min, max, rounds } = row.spread;
  const figures = `| ${row.label} | ${row.adapter} | ${median.toFixed(2)} | ${min.toFixed(2)}–${max.toFixed(2)} | ${rounds} |`;
  if (!row.target) return `${figures} reference | |`;
  const { bound, direction } = row.target;
  const shownMedian = Number(median.toFixed(2));
  const met = direction === 'at least' ? shownMedian >= bound : shownMedian <= bound;
  return `${figures} ${direction === 'at least' ? '≥' : '≤'} ${bound} | ${met ? 'met' : '**missed**'} |`;
}

function hostileLines(measurement: HostileMeasurement): string[] {
  const ordinary = measurement.p99LatencyMsByRound['preflight PUT'];
  if (!ordinary) throw new Error(`no ordinary preflight figures for ${measurement.adapter}`);
  return HOSTILE_WORKLOADS.map(({ name }) => {
    const hostile = measurement.p99LatencyMsByRound[name];
    if (!hostile) throw new Error(`no ${name} figures for ${measurement.adapter}`);
    const latency = spreadOf(hostile);
    const relative = spreadOf(ratiosByRound(hostile, ordinary));
    const met =
      Number(latency.median.toFixed(2)) < HOSTILE_P99_LIMIT_MS &&
      Number(measurement.rssGrowthMiB.toFixed(1)) < HOSTILE_RSS_GROWTH_LIMIT_MIB &&
      measurement.keepsServing;
    return (
      `| ${measurement.adapter} | ${name} | ${formatSpread(latency)} | ${formatSpread(relative)} | ` +
      `${measurement.rssGrowthMiB.toFixed(1)} | ${measurement.heapGrowthMiB.toFixed(1)} | ${measurement.keepsServing ? 'yes' : '**no**'} | ` +
      `${met ? 'met' : '**missed**'} (p99 < ${HOSTILE_P99_LIMIT_MS} ms, RSS < ${HOSTILE_RSS_GROWTH_LIMIT_MIB} MiB, serving) |`
    );
  });
}

function formatSpread({ median, min, max }: Spread): string {
  return `${median.toFixed(2)} (${min.toFixed(2)}–${max.toFixed(2)})`;
}
