/**
 * Where a server variant spends its time under one workload: profiles it (V8's sampling CPU
 * profiler, through the inspector, over the load only) under wrk load after a warm-up, then
 * prints who owns the busy time (lib/, the app, each package, GC) and the lib/ functions that own
 * the most.
 *
 *   npm run bench:profile -- <express|fastify> <variant> <workload> [seconds]
 *   e.g. npm run bench:profile -- fastify nest-cors preflight-put
 *
 * The .cpuprofile file (open it in Chrome DevTools) is kept in bench/results/profiles/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAdapterName, parseVariantName } from './app/variants.js';
import { assertResponse } from './load/check-response.js';
import { expectedResponse, workloadNamed } from './load/workloads.js';
import { runWrk } from './load/wrk.js';
import { ServerProcess } from './process/children.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROFILE_CONNECTIONS = 10;
const DEFAULT_SECONDS = 10;
const WARM_UP_SECONDS = 3;
const TOP_ENTRIES = 20;
const compiledRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = resolve(compiledRoot, '..', '..');
const profileDir = join(repositoryRoot, 'bench', 'results', 'profiles');

const [adapterArgument, variantArgument, workloadArgument, secondsArgument] = process.argv.slice(2);
const adapter = parseAdapterName(adapterArgument);
const variant = parseVariantName(variantArgument);
const workload = workloadNamed(workloadArgument ?? '');
const seconds = secondsArgument === undefined ? DEFAULT_SECONDS : Number(secondsArgument);

const profilePath = join(
  profileDir,
  `${adapter}-${variant}-${workloadArgument}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
);
mkdirSync(profileDir, { recursive: true });
const server = await ServerProcess.start(adapter, variant);
try {
  await assertResponse(server.name, server.port, workload, expectedResponse(variant, workload));
  await runWrk({ port: server.port, workload, connections: PROFILE_CONNECTIONS, durationSeconds: WARM_UP_SECONDS });
  await server.startProfile();
  const result = await runWrk({ port: server.port, workload, connections: PROFILE_CONNECTIONS, durationSeconds: seconds });
  await server.stopProfile(profilePath);
  console.log(`${server.name}, ${workload.name}: ${result.requests} requests in ${seconds}s under the profiler`);
} finally {
  await server.stop();
}
printSummary(JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile);
console.log(`\nprofile: ${relative(repositoryRoot, profilePath)}`);

/**
 * Who a sample's time belongs to: the innermost frame on its stack that is the library's code,
 * the benchmark app's or a package's; Node internals and natives count for whoever called them.
 */
function ownerOf(stack: readonly ProfileNode[]): { owner: string; libFunction?: string } {
  for (const node of stack) {
    const { url, functionName, lineNumber } = node.callFrame;
    if (!url.startsWith('file://')) continue;
    const path = relative(compiledRoot, fileURLToPath(url));
    if (path.startsWith('lib/'))
      return { owner: 'lib/ (nest-cors)', libFunction: `${functionName || '(anonymous)'} ${path}:${lineNumber + 1}` };
    if (path.startsWith('bench/')) return { owner: 'bench app (controllers)' };
    const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    if (packageName) return { owner: packageName };
  }
  const leaf = stack[0]?.callFrame.functionName;
  return { owner: leaf === '(garbage collector)' ? '(garbage collector)' : 'Node internals with no package caller' };
}

function printSummary(profile: CpuProfile): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const byOwner = new Map<string, number>();
  const byLibFunction = new Map<string, number>();
  let busyTime = 0;
  profile.samples.forEach((nodeId, index) => {
    const time = profile.timeDeltas[index + 1] ?? 0;
    const stack: ProfileNode[] = [];
    for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) stack.push(nodes.get(id)!);
    if (stack[0].callFrame.functionName === '(idle)' || stack[0].callFrame.functionName === '(program)') return;
    busyTime += time;
    const { owner, libFunction } = ownerOf(stack);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + time);
    if (libFunction) byLibFunction.set(libFunction, (byLibFunction.get(libFunction) ?? 0) + time);
  });

  const share = (time: number) => `${((100 * time) / busyTime).toFixed(1).padStart(5)}%`;
  const largest = (times: Map<string, number>) => [...times].sort((a, b) => b[1] - a[1]).slice(0, TOP_ENTRIES);
  console.log(`\nBusy time (${(busyTime / 1e6).toFixed(1)}s, idle excluded) by owner: the innermost frame of lib/, the app or a package;`);
  console.log('Node internals and natives (header writes, string building, writev) count for their caller:');
  for (const [owner, time] of largest(byOwner)) console.log(`  ${share(time)}  ${owner}`);
  console.log('\nlib/ functions by owned time (their own code plus the Node internals they call); compiled line numbers:');
  for (const [libFunction, time] of largest(byLibFunction)) console.log(`  ${share(time)}  ${libFunction}`);
}
