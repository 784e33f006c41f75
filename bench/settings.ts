/** How long and how often each part of the suite measures, in full and in `--quick` mode. */
export interface BenchSettings {
  mode: 'full' | 'quick';
  /** Interleaved rounds of every comparison (each round measures every side once). */
  rounds: number;
  /** Load per variant and workload in each round. */
  loadSeconds: number;
  /** Load per variant and workload before the first round (JIT, connection pools, heap sizing). */
  warmUpSeconds: number;
  /** Concurrent keep-alive connections of the load generator, the same for every measurement. */
  connections: number;
  /**
   * Requests of each kind in the hostile phase (ordinary preflights, 8 KiB Origin, 64 KiB
   * Access-Control-Request-Headers), spread over the rounds.
   */
  hostileRequests: number;
  /**
   * Connections of the hostile runs: one, so that their p99 is the cost of a hostile request and
   * not the time it queues behind others.
   */
  hostileConnections: number;
  /**
   * Rounds of the in-process micro-benchmark: many short ones, since a burst of noise from a
   * neighbour then spoils a few rounds instead of skewing one long run.
   */
  microRounds: number;
  /** Requests per side and round of the micro-benchmark. */
  microRequestsPerRound: number;
}

const FULL: BenchSettings = {
  mode: 'full',
  rounds: 9,
  loadSeconds: 3,
  warmUpSeconds: 3,
  connections: 10,
  hostileRequests: 10_000,
  hostileConnections: 1,
  microRounds: 31,
  microRequestsPerRound: 20_000,
};

/** Short enough for a CI smoke test (under five minutes), still interleaved over five rounds. */
const QUICK: BenchSettings = {
  ...FULL,
  mode: 'quick',
  rounds: 5,
  loadSeconds: 1,
  warmUpSeconds: 1,
  hostileRequests: 2_500,
  microRounds: 15,
  microRequestsPerRound: 10_000,
};

export function settingsFromArguments(args: readonly string[]): BenchSettings {
  const unknown = args.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown arguments: ${unknown.join(' ')} (usage: npm run bench [-- --quick])`);
  return args.includes('--quick') ? QUICK : FULL;
}
