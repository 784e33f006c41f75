import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from './workloads.js';

/**
 * Load from wrk (C, one thread) in its own process, so the load generator never competes with the
 * server for the same event loop and is not the bottleneck itself. The Lua script sets the request
 * and prints one machine-readable result line.
 */

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p99LatencyMs: number;
  /** Connect, read and write errors plus timeouts (status codes are checked before the load, not counted here). */
  socketErrors: number;
}

export interface LoadRun {
  port: number;
  workload: Workload;
  connections: number;
  /** Run for this long, or, with {@link requestLimit}, stop after that many responses. */
  durationSeconds?: number;
  requestLimit?: number;
}

/** The longest a request-limited run may take before wrk's own duration bound ends it. */
const REQUEST_LIMITED_RUN_MAX_SECONDS = 300;
const REQUEST_TIMEOUT_SECONDS = 10;
const RESULT_PREFIX = 'WRK_RESULT ';
const LIMIT_REACHED_MARKER = 'WRK_LIMIT_REACHED';
const scriptDir = join(dirname(fileURLToPath(import.meta.url)), 'wrk-scripts');

export function wrkVersion(): string {
  const result = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (result.error) throw new Error('wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)');
  return (result.stdout + result.stderr).split('\n')[0].split(' Copyright')[0].trim();
}

/**
 * Runs wrk against 127.0.0.1 and returns its figures. A request-limited run stops its thread after
 * the last counted response (`wrk.thread:stop()`), but wrk's main thread sleeps out the duration,
 * so the runner interrupts it (SIGINT makes wrk print its summary at once).
 */
export function runWrk(run: LoadRun): Promise<LoadResult> {
  const durationSeconds = run.requestLimit === undefined ? run.durationSeconds : REQUEST_LIMITED_RUN_MAX_SECONDS;
  if (durationSeconds === undefined) throw new Error('a wrk run needs a duration or a request limit');
  const script = writeScript(run.workload, run.requestLimit);
  const args = ['-t1', `-c${run.connections}`, `-d${durationSeconds}s`, '--timeout', `${REQUEST_TIMEOUT_SECONDS}s`, '-s', script];
  const wrk = spawn('wrk', [...args, `http://127.0.0.1:${run.port}${run.workload.path}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  wrk.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (run.requestLimit !== undefined && stdout.includes(LIMIT_REACHED_MARKER)) wrk.kill('SIGINT');
  });
  wrk.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    wrk.on('error', reject);
    wrk.on('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk failed (exit code ${code}) on ${run.workload.name}: ${stderr || stdout}`));
        return;
      }
      const raw = JSON.parse(line.slice(RESULT_PREFIX.length)) as {
        requests: number;
        durationUs: number;
        p99Us: number;
        socketErrors: number;
      };
      resolve({
        requests: raw.requests,
        requestsPerSecond: raw.requests / (raw.durationUs / 1e6),
        p99LatencyMs: raw.p99Us / 1000,
        socketErrors: raw.socketErrors,
      });
    });
  });
}

function writeScript(workload: Workload, requestLimit: number | undefined): string {
  const lines = [`wrk.method = ${luaString(workload.method)}`];
  for (const [name, value] of Object.entries(workload.headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (requestLimit !== undefined) {
    lines.push(
      'local responses = 0',
      'response = function(status, headers, body)',
      '  responses = responses + 1',
      `  if responses == ${requestLimit} then`,
      `    io.write("${LIMIT_REACHED_MARKER}\\n")`,
      '    io.flush()',
      '    wrk.thread:stop()',
      '  end',
      'end',
    );
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local errors = summary.errors',
    `  io.write(string.format('${RESULT_PREFIX}{"requests":%d,"durationUs":%d,"p99Us":%.0f,"socketErrors":%d}\\n',`,
    '    summary.requests, summary.duration, latency:percentile(99),',
    '    errors.connect + errors.read + errors.write + errors.timeout))',
    'end',
  );
  mkdirSync(scriptDir, { recursive: true });
  const slug = `${workload.name.replace(/\W+/g, '-')}${requestLimit === undefined ? '' : `-limit-${requestLimit}`}`;
  const path = join(scriptDir, `${slug}.lua`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function luaString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
