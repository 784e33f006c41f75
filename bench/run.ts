/**
 * The benchmark suite: `npm run bench` (full) or `npm run bench -- --quick` (CI smoke test, under
 * five minutes). Compiled by bench/build.mjs and run from .tmp/bench/bench/run.js.
 *
 * Every server variant runs in its own child process on 127.0.0.1; wrk loads it from another.
 * Every figure reported is a ratio of two sides measured in the same run in interleaved rounds.
 * The run fails only when something does not work (a server that does not start, a wrong answer,
 * a crash), never because a figure misses its target: the report says which targets are met.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADAPTERS } from './app/variants.js';
import { wrkVersion } from './load/wrk.js';
import { measureHostileRequests, type HostileMeasurement } from './phases/hostile.js';
import { measureMicro } from './phases/micro.js';
import { measureStartup, type StartupMeasurement } from './phases/startup.js';
import { measureThroughput, type ThroughputMeasurement } from './phases/throughput.js';
import { markdownReport, type BenchResults, type MachineDescription } from './report/report.js';
import { settingsFromArguments } from './settings.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REPORTED_PACKAGES = [
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/platform-fastify',
  'express',
  'fastify',
  'cors',
  '@fastify/cors',
];

const started = new Date();

function log(line: string): void {
  const elapsedSeconds = Math.round((Date.now() - started.getTime()) / 1000);
  console.log(`[bench ${Math.floor(elapsedSeconds / 60)}m${String(elapsedSeconds % 60).padStart(2, '0')}s] ${line}`);
}

function describeMachine(wrk: string): MachineDescription {
  const packageVersion = (name: string) =>
    (JSON.parse(readFileSync(join(repositoryRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    cpu: cpus()[0].model.trim(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${type()} ${release()}`,
    node: process.version,
    wrk,
    packages: Object.fromEntries(REPORTED_PACKAGES.map((name) => [name, packageVersion(name)])),
  };
}

const settings = settingsFromArguments(process.argv.slice(2));
const machine = describeMachine(wrkVersion());
log(`${settings.mode} run on ${machine.cores} × ${machine.cpu}`);

const throughput: ThroughputMeasurement[] = [];
const hostile: HostileMeasurement[] = [];
const startup: StartupMeasurement[] = [];
for (const adapter of ADAPTERS) {
  throughput.push(await measureThroughput(adapter, settings, log));
  hostile.push(await measureHostileRequests(adapter, settings, log));
  startup.push(await measureStartup(adapter, settings, log));
}
const micro = await measureMicro(settings, log);

const results: BenchResults = { startedAt: started.toISOString(), settings, machine, throughput, hostile, startup, micro };
const report = markdownReport(results);
const resultsDir = join(repositoryRoot, 'bench', 'results');
const baseName = `${settings.mode}-${started.toISOString().replace(/[:.]/g, '-')}`;
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `${baseName}.json`), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(resultsDir, `${baseName}.md`), report);
console.log(`\n${report}`);
log(
  `done in ${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min; results in ${relative(repositoryRoot, resultsDir)}/${baseName}.{md,json}`,
);
