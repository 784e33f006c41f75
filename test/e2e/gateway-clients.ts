import { request, type IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

/** A port free at the time of asking, for a gateway on its own port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** How a connection attempt ended: connected (then closed), or refused with the client's error. */
export type Attempt = { connected: true } | { connected: false; error: string };

/**
 * Connects a Socket.IO client from Node, sending `origin` as a browser would (`extraHeaders`
 * reach both the long-polling requests and the WebSocket upgrade), and disconnects once connected.
 */
export function socketIo(url: string, transport: 'polling' | 'websocket', origin?: string): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket: Socket = io(url, {
      transports: [transport],
      reconnection: false,
      timeout: 5000,
      forceNew: true,
      extraHeaders: origin === undefined ? {} : { Origin: origin },
    });
    socket.on('connect', () => {
      socket.disconnect();
      resolve({ connected: true });
    });
    socket.on('connect_error', (error) => {
      socket.disconnect();
      resolve({ connected: false, error: error.message });
    });
  });
}

/** Opens a `ws` connection with `origin` as its `Origin` header, and closes it once open. */
export function webSocket(url: string, origin?: string): Promise<Attempt & { status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.on('open', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      resolve({ connected: false, error: `HTTP ${response.statusCode}`, status: response.statusCode });
    });
    socket.on('error', (error) => resolve({ connected: false, error: error.message }));
  });
}

/** An HTTP response, its body read. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One plain HTTP request (a long-polling handshake or its preflight, with the headers a browser sends). */
export function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `Vary` as a list of lower-case names. */
export function varyList(vary: string | undefined): string[] {
  return (vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}
