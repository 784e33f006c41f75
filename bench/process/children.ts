import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterName, VariantName } from '../app/variants.js';
import type { ChildMessage, MemoryMessage, ServerRequest } from './messages.js';

const compiledProcessDir = dirname(fileURLToPath(import.meta.url));

/**
 * Node's default header limit (16 KiB) would answer the hostile requests (8 KiB Origin, 64 KiB
 * Access-Control-Request-Headers) with 431 before they reach the app; 128 KiB lets them through.
 */
const SERVER_NODE_FLAGS = ['--max-http-header-size=131072', '--expose-gc'];
const SERVER_START_TIMEOUT_MS = 120_000;
const SAMPLE_TIMEOUT_MS = 30_000;
const PROFILE_TIMEOUT_MS = 60_000;

/** One benchmark server in its own process, so that its RSS is its own and load comes from outside. */
export class ServerProcess {
  private constructor(
    readonly adapter: AdapterName,
    readonly variant: VariantName,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(adapter: AdapterName, variant: VariantName): Promise<ServerProcess> {
    const child = fork(join(compiledProcessDir, 'serve.js'), [adapter, variant], {
      execArgv: SERVER_NODE_FLAGS,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const { port } = await nextMessage(child, 'listening', SERVER_START_TIMEOUT_MS);
      return new ServerProcess(adapter, variant, port, child);
    } catch (error) {
      child.kill();
      throw new Error(`${adapter}/${variant} server did not start: ${(error as Error).message}`);
    }
  }

  get name(): string {
    return `${this.adapter}/${this.variant}`;
  }

  /** RSS and heap after a full garbage collection in the server. */
  memory(): Promise<MemoryMessage> {
    this.ask({ type: 'memory' });
    return nextMessage(this.child, 'memory', SAMPLE_TIMEOUT_MS);
  }

  async startProfile(): Promise<void> {
    this.ask({ type: 'start-profile' });
    await nextMessage(this.child, 'profile-started', PROFILE_TIMEOUT_MS);
  }

  /** Stops the CPU profile started by {@link startProfile} and has the server write it to `path`. */
  async stopProfile(path: string): Promise<void> {
    this.ask({ type: 'stop-profile', path });
    await nextMessage(this.child, 'profile-written', PROFILE_TIMEOUT_MS);
  }

  private ask(request: ServerRequest): void {
    this.child.send(request);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }
}

/**
 * Runs a child script to its end and returns the messages it sent; fails when it exits with an
 * error or outlives `timeoutMs`.
 */
export async function runChild(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[],
  timeoutMs: number,
): Promise<ChildMessage[]> {
  const child = fork(join(compiledProcessDir, '..', script), args, {
    execArgv: [...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  child.on('message', (message: ChildMessage) => messages.push(message));
  const timer = setTimeout(() => child.kill(), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit code ${code}, signal ${signal})`);
  return messages;
}

function nextMessage<Type extends ChildMessage['type']>(
  child: ChildProcess,
  type: Type,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: Type }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      cleanUp();
      resolve(message as Extract<ChildMessage, { type: Type }>);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanUp();
      reject(new Error(`exited (code ${code}, signal ${signal}) before sending '${type}'`));
    };
    const timer = setTimeout(() => {
      cleanUp();
      reject(new Error(`no '${type}' message within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    const cleanUp = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
