import { runChild } from '../process/children.js';
import type { BreakdownMessage, MicroAllocationMessage, MicroRoundMessage } from '../process/messages.js';
import type { BenchSettings } from '../settings.js';

export interface MicroMeasurement {
  rounds: MicroRoundMessage[];
  allocations: MicroAllocationMessage[];
  /** Rounds of the in-process breakdown of nest-cors's request path, per adapter. */
  breakdown: BreakdownMessage[];
}

const MICRO_TIMEOUT_MS = 600_000;
/**
 * --expose-gc for the heap samples; a 64 MiB young generation so that no scavenge runs inside a
 * sampled batch (a scavenge there would hide the batch's garbage from the heap delta).
 */
const MICRO_NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=64'];

/** Runs the in-process micro-benchmark in its own process, with its own Node flags. */
export async function measureMicro(settings: BenchSettings, log: (line: string) => void): Promise<MicroMeasurement> {
  const messages = await runChild(
    'micro/core-vs-cors.js',
    [String(settings.microRounds), String(settings.microRequestsPerRound)],
    MICRO_NODE_FLAGS,
    MICRO_TIMEOUT_MS,
  );
  log(`micro-benchmark: ${settings.microRounds} rounds done`);
  const breakdown = await runChild(
    'micro/breakdown.js',
    [String(settings.microRounds), String(settings.microRequestsPerRound)],
    [],
    MICRO_TIMEOUT_MS,
  );
  log(`breakdown: ${settings.microRounds} rounds done`);
  return {
    rounds: messages.filter((message): message is MicroRoundMessage => message.type === 'micro-round'),
    allocations: messages.filter((message): message is MicroAllocationMessage => message.type === 'micro-allocation'),
    breakdown: breakdown.filter((message): message is BreakdownMessage => message.type === 'breakdown'),
  };
}
