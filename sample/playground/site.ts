import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLAYGROUND_FILES, type PlaygroundFile, readPlaygroundFile } from './assets.js';

export interface PlaygroundSite {
  /** `http://localhost:<port>` */
  readonly origin: string;
  /** The API the page calls; may be set after the site started. */
  apiUrl: string;
  close(): Promise<void>;
}

/** Serves the playground page on its own origin, with node:http and nothing else. */
export async function startPlaygroundSite(options: { port: number; kind: 'allowed' | 'other'; apiUrl?: string }): Promise<PlaygroundSite> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site.invalid').pathname;
    const name = (path === '/' ? 'index.html' : path.slice(1)) as PlaygroundFile;
    if (req.method !== 'GET' || !Object.hasOwn(PLAYGROUND_FILES, name)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    readPlaygroundFile(name, { apiUrl: site.apiUrl, kind: options.kind }).then(
      (body) => res.writeHead(200, { 'Content-Type': PLAYGROUND_FILES[name], 'Cache-Control': 'no-store' }).end(body),
      (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => resolve());
  });
  const site: PlaygroundSite = {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    apiUrl: options.apiUrl ?? '',
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return site;
}
