import { VARIANTS, type AdapterName, type VariantName } from '../app/variants.js';
import { assertResponse } from '../load/check-response.js';
import { expectedResponse, throughputWorkloadsOf, type Workload, type WorkloadName } from '../load/workloads.js';
import { runWrk } from '../load/wrk.js';
import { ServerProcess } from '../process/children.js';
import type { BenchSettings } from '../settings.js';

/** Requests per second of each variant and workload, one value per round. */
export type ThroughputByRound = Partial<Record<VariantName, Partial<Record<WorkloadName, number[]>>>>;

export interface ThroughputMeasurement {
  adapter: AdapterName;
  requestsPerSecond: ThroughputByRound;
  /** Socket errors and timeouts over every measured run (should be 0). */
  socketErrors: number;
}

interface Job {
  server: ServerProcess;
  workload: Workload;
}

/**
 * Starts every variant of the adapter in its own process, checks each answers every workload as it
 * must, warms them up, then measures rounds: every (variant, workload) once per round, grouped by
 * workload so the variants a ratio compares run back to back, in reverse order every other round.
 */
export async function measureThroughput(
  adapter: AdapterName,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<ThroughputMeasurement> {
  const servers: ServerProcess[] = [];
  try {
    for (const variant of VARIANTS) servers.push(await ServerProcess.start(adapter, variant));
    const jobs = jobsGroupedByWorkload(servers);
    for (const { server, workload } of jobs)
      await assertResponse(server.name, server.port, workload, expectedResponse(server.variant, workload));

    log(`${adapter}: warm-up, ${jobs.length} runs of ${settings.warmUpSeconds}s`);
    for (const { server, workload } of jobs) {
      await runWrk({ port: server.port, workload, connections: settings.connections, durationSeconds: settings.warmUpSeconds });
    }

    const requestsPerSecond: ThroughputByRound = {};
    let socketErrors = 0;
    for (let round = 0; round < settings.rounds; round++) {
      for (const { server, workload } of round % 2 === 0 ? jobs : [...jobs].reverse()) {
        const result = await runWrk({
          port: server.port,
          workload,
          connections: settings.connections,
          durationSeconds: settings.loadSeconds,
        });
        ((requestsPerSecond[server.variant] ??= {})[workload.name] ??= []).push(result.requestsPerSecond);
        socketErrors += result.socketErrors;
      }
      log(`${adapter}: throughput round ${round + 1}/${settings.rounds} done`);
    }
    return { adapter, requestsPerSecond, socketErrors };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

function jobsGroupedByWorkload(servers: readonly ServerProcess[]): Job[] {
  const jobs = servers.flatMap((server) => throughputWorkloadsOf(server.variant).map((workload) => ({ server, workload })));
  const workloadOrder = [...new Set(jobs.map((job) => job.workload.name))];
  return jobs.sort((a, b) => workloadOrder.indexOf(a.workload.name) - workloadOrder.indexOf(b.workload.name));
}
