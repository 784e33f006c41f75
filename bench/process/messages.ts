/** Messages between the benchmark runner and its child processes (over the `fork()` IPC channel). */

/** What the runner asks a server for. */
export type ServerRequest = { type: 'memory' } | { type: 'start-profile' } | { type: 'stop-profile'; path: string };

export interface ListeningMessage {
  type: 'listening';
  port: number;
}

/** A server's answer to `memory`, sampled after a full garbage collection. */
export interface MemoryMessage {
  type: 'memory';
  rssBytes: number;
  heapUsedBytes: number;
}

export interface InitTimeMessage {
  type: 'init-time';
  /** `app.init()` alone. */
  initMs: number;
  /** `NestFactory.create()` plus `app.init()`. */
  createAndInitMs: number;
}

export interface MicroRoundMessage {
  type: 'micro-round';
  request: MicroRequestName;
  /** Nanoseconds per request of the `cors` package's middleware and of the nest-cors core. */
  corsPackageNs: number;
  nestCorsCoreNs: number;
  /** The nest-cors core with the big app's 10,000 exact origins and 100 wildcard patterns. */
  nestCorsCoreBigPolicyNs: number;
}

export interface MicroAllocationMessage {
  type: 'micro-allocation';
  request: MicroRequestName;
  /** Median heap growth per request over several garbage-free batches, each including the response stub. */
  corsPackageBytes: number;
  nestCorsCoreBytes: number;
  /** The response stub alone. */
  responseStubBytes: number;
}

export type MicroRequestName = 'simple' | 'preflight';

/** The parts of nest-cors's request path timed in process. */
export type BreakdownPart =
  | 'lookup GET'
  | 'lookup preflight'
  | 'decision GET'
  | 'decision preflight'
  | 'header write GET'
  | 'header write preflight'
  | 'Vary hook'
  | 'guard'
  | 'interceptor';

/** One round of the in-process breakdown: nanoseconds per call of each part, on one adapter's app. */
export interface BreakdownMessage {
  type: 'breakdown';
  adapter: 'express' | 'fastify';
  nanoseconds: Record<BreakdownPart, number>;
}

/** A server's answers to `start-profile` and to `stop-profile` (once the profile file is written). */
export interface ProfileStartedMessage {
  type: 'profile-started';
}

export interface ProfileWrittenMessage {
  type: 'profile-written';
}

export type ChildMessage =
  | ListeningMessage
  | MemoryMessage
  | ProfileStartedMessage
  | ProfileWrittenMessage
  | InitTimeMessage
  | MicroRoundMessage
  | MicroAllocationMessage
  | BreakdownMessage;

/** Sends a message to the runner; the IPC channel exists because every child is started with `fork()`. */
export function sendToRunner(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}
