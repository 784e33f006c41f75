import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `redis-server` of the test's own, on a free loopback port, without persistence. */
export interface RedisServer {
  readonly url: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'The Redis e2e tests start their own redis-server, which is not installed here. Install it: `apt-get install -y redis-server` (Debian, Ubuntu; .ci/run does), `brew install redis` (macOS)';

/** Starts `redis-server` from the PATH; throws, saying how to install it, when there is none. */
export async function startRedisServer(): Promise<RedisServer> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`${INSTALL_HINT} (${probe.error?.message ?? probe.stderr.trim()})`);
  const dir = await mkdtemp(join(tmpdir(), 'nest-cors-redis-'));
  let lastFailure = '';
  // Another process may take the free port before redis-server binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const failure = await ready(child);
    if (failure === undefined) {
      return {
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await once(child, 'exit');
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    lastFailure = failure;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start: ${lastFailure}`);
}

/** Resolves when the server accepts connections, or with its output when it exits first. */
async function ready(child: ChildProcess): Promise<string | undefined> {
  let output = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`not ready within 10 s:\n${output}`);
    }, 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(undefined);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(`exited with ${code ?? signal}:\n${output}`);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
