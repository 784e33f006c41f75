/**
 * Child process: serves one variant on 127.0.0.1 (random port) until the runner disconnects, and
 * answers the runner's requests for memory samples and CPU profiles.
 * Usage (by the runner, through fork, with --expose-gc): serve.js <adapter> <variant>
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { createVariantApp, parseAdapterName, parseVariantName } from '../app/variants.js';
import { sendToRunner, type ServerRequest } from './messages.js';

const collectGarbage = globalThis.gc;
if (!collectGarbage) throw new Error('serve.js needs --expose-gc');

const app = await createVariantApp(parseAdapterName(process.argv[2]), parseVariantName(process.argv[3]));
await app.listen(0, '127.0.0.1');

/** Profiles only the window the runner asks for (the load), not the server's startup. */
const profiler = new Session();

async function answer(request: ServerRequest): Promise<void> {
  switch (request.type) {
    case 'memory': {
      collectGarbage!();
      const { rss, heapUsed } = process.memoryUsage();
      return sendToRunner({ type: 'memory', rssBytes: rss, heapUsedBytes: heapUsed });
    }
    case 'start-profile':
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return sendToRunner({ type: 'profile-started' });
    case 'stop-profile': {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      writeFileSync(request.path, JSON.stringify(profile));
      return sendToRunner({ type: 'profile-written' });
    }
  }
}

process.on('message', (request: ServerRequest) => void answer(request));
// The runner stops a server by disconnecting; the same happens when the runner dies.
process.on('disconnect', () => process.exit(0));

await sendToRunner({ type: 'listening', port: (app.getHttpServer().address() as AddressInfo).port });
