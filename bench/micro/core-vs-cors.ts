/**
 * Child process (run with --expose-gc): the nest-cors policy core against the `cors` package's
 * middleware, in one process, on the same simple and preflight requests with the same options;
 * and the core with the big app's 10,100 origins, to see that origin matching stays flat.
 * Many short rounds, rotating which side goes first. Reports ns per request per round, and heap
 * bytes per request measured over small batches that no garbage collection interrupts.
 * Usage (by the runner, through fork): core-vs-cors.js <rounds> <requests per round>
 */
import { bigAppOrigins, SMALL_APP_CORS_OPTIONS } from '../app/origins.js';
import { sendToRunner, type MicroRequestName } from '../process/messages.js';
import { spreadOf } from '../report/stats.js';
import { corsPackageHandler, MICRO_REQUESTS, ResponseStub, type MicroHandler, type MicroRequest } from './handlers.js';
import { nestCorsCoreHandler } from './nest-cors-core-handler.js';

const collectGarbage = globalThis.gc;
if (!collectGarbage) throw new Error('core-vs-cors.js needs --expose-gc');

const rounds = Number(process.argv[2]);
const requestsPerRound = Number(process.argv[3]);
/** Small enough that a batch's garbage fits in the young generation, so no collection skews the heap delta. */
const ALLOCATION_BATCH_REQUESTS = 1_000;
const ALLOCATION_BATCHES = 9;

// The big policy's `*.` patterns are checked against the Public Suffix List, as the module does.

const sides = {
  corsPackage: corsPackageHandler(SMALL_APP_CORS_OPTIONS),
  nestCorsCore: nestCorsCoreHandler(SMALL_APP_CORS_OPTIONS),
  nestCorsCoreBigPolicy: nestCorsCoreHandler({ ...SMALL_APP_CORS_OPTIONS, origin: bigAppOrigins() }),
};
type SideName = keyof typeof sides;
const SIDE_ORDER = Object.keys(sides) as SideName[];
/** Only creates the response: what both sides' heap figures include besides their own allocations. */
const responseStubOnly: MicroHandler = () => {};

/** Every side must give the same answer (same status and header values), or the comparison is void. */
function assertSameAnswers(requestName: MicroRequestName): void {
  const answers = SIDE_ORDER.map((name) => {
    const response = new ResponseStub();
    sides[name](MICRO_REQUESTS[requestName], response);
    const headers = [
      'Access-Control-Allow-Origin',
      'Access-Control-Allow-Credentials',
      'Access-Control-Allow-Headers',
      'Access-Control-Max-Age',
    ];
    const summary = `${response.statusCode} ended=${response.ended} ${headers.map((header) => response.getHeader(header)).join(' ')}`;
    return { name, summary: summary.toLowerCase().replace(/\s*,\s*/g, ',') };
  });
  if (answers.some((answer) => answer.summary !== answers[0].summary)) {
    throw new Error(
      `the sides answer the ${requestName} request differently: ${answers.map((a) => `${a.name}: ${a.summary}`).join(' | ')}`,
    );
  }
}

function nanosecondsPerRequest(handler: MicroHandler, request: MicroRequest): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < requestsPerRound; index++) handler(request, new ResponseStub());
  return Number(process.hrtime.bigint() - started) / requestsPerRound;
}

function heapBytesPerRequest(handler: MicroHandler, request: MicroRequest): number {
  collectGarbage!();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < ALLOCATION_BATCH_REQUESTS; index++) handler(request, new ResponseStub());
  return (process.memoryUsage().heapUsed - before) / ALLOCATION_BATCH_REQUESTS;
}

function medianHeapBytesPerRequest(handler: MicroHandler, request: MicroRequest): number {
  return spreadOf(Array.from({ length: ALLOCATION_BATCHES }, () => heapBytesPerRequest(handler, request))).median;
}

for (const requestName of Object.keys(MICRO_REQUESTS) as MicroRequestName[]) {
  assertSameAnswers(requestName);
  const request = MICRO_REQUESTS[requestName];
  const warmUp = () => SIDE_ORDER.forEach((side) => nanosecondsPerRequest(sides[side], request));
  warmUp();

  for (let round = 0; round < rounds; round++) {
    const times = {} as Record<SideName, number>;
    const first = round % SIDE_ORDER.length;
    for (const side of [...SIDE_ORDER.slice(first), ...SIDE_ORDER.slice(0, first)])
      times[side] = nanosecondsPerRequest(sides[side], request);
    await sendToRunner({
      type: 'micro-round',
      request: requestName,
      corsPackageNs: times.corsPackage,
      nestCorsCoreNs: times.nestCorsCore,
      nestCorsCoreBigPolicyNs: times.nestCorsCoreBigPolicy,
    });
  }

  await sendToRunner({
    type: 'micro-allocation',
    request: requestName,
    corsPackageBytes: medianHeapBytesPerRequest(sides.corsPackage, request),
    nestCorsCoreBytes: medianHeapBytesPerRequest(sides.nestCorsCore, request),
    responseStubBytes: medianHeapBytesPerRequest(responseStubOnly, request),
  });
}
process.disconnect();
