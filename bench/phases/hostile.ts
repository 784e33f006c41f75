import type { AdapterName } from '../app/variants.js';
import { assertResponse, sendOnce } from '../load/check-response.js';
import { ALLOWED_GET, expectedResponse, HOSTILE_WORKLOADS, PREFLIGHT, type WorkloadName } from '../load/workloads.js';
import { runWrk } from '../load/wrk.js';
import { ServerProcess } from '../process/children.js';
import type { BenchSettings } from '../settings.js';

export interface HostileMeasurement {
  adapter: AdapterName;
  /** Requests of each kind (ordinary preflights included) over the whole phase. */
  requestsPerKind: number;
  /** p99 latency of each kind, one value per round. */
  p99LatencyMsByRound: Partial<Record<WorkloadName, number[]>>;
  /** Growth over the whole phase, each sample taken after a full garbage collection. */
  rssGrowthMiB: number;
  heapGrowthMiB: number;
  /** Whether an allowed GET right after still gets its 200 and CORS headers. */
  keepsServing: boolean;
  socketErrors: number;
}

const MIB = 1024 * 1024;
const VARIANT = 'nest-cors';

/**
 * Sends the hostile preflights (8 KiB Origin; 64 KiB Access-Control-Request-Headers) to a fresh
 * `nest-cors` server whose Node header limit lets them through, in interleaved rounds with
 * ordinary preflights (the scale for their latency), sampling memory before the first round and
 * after the last.
 */
export async function measureHostileRequests(
  adapter: AdapterName,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<HostileMeasurement> {
  const server = await ServerProcess.start(adapter, VARIANT);
  try {
    for (const workload of HOSTILE_WORKLOADS) await assertResponse(server.name, server.port, workload, expectedResponse(VARIANT, workload));
    await runWrk({ port: server.port, workload: PREFLIGHT, connections: settings.connections, durationSeconds: settings.warmUpSeconds });

    const requestsPerRun = Math.ceil(settings.hostileRequests / settings.rounds);
    const workloads = [PREFLIGHT, ...HOSTILE_WORKLOADS];
    const p99LatencyMsByRound: HostileMeasurement['p99LatencyMsByRound'] = {};
    let socketErrors = 0;
    const before = await server.memory();
    for (let round = 0; round < settings.rounds; round++) {
      for (const workload of round % 2 === 0 ? workloads : [...workloads].reverse()) {
        const result = await runWrk({
          port: server.port,
          workload,
          connections: settings.hostileConnections,
          requestLimit: requestsPerRun,
        });
        (p99LatencyMsByRound[workload.name] ??= []).push(result.p99LatencyMs);
        socketErrors += result.socketErrors;
      }
    }
    const after = await server.memory();
    const afterwards = await sendOnce(server.port, ALLOWED_GET);
    const expected = expectedResponse(VARIANT, ALLOWED_GET);
    log(`${adapter}: ${settings.rounds} hostile rounds of ${requestsPerRun} requests per kind done`);
    return {
      adapter,
      requestsPerKind: requestsPerRun * settings.rounds,
      p99LatencyMsByRound,
      rssGrowthMiB: (after.rssBytes - before.rssBytes) / MIB,
      heapGrowthMiB: (after.heapUsedBytes - before.heapUsedBytes) / MIB,
      keepsServing: afterwards.status === expected.status && afterwards.allowOrigin === expected.allowOrigin,
      socketErrors,
    };
  } finally {
    await server.stop();
  }
}
