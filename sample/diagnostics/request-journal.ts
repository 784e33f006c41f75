import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';

/** One HTTP request as the server received it, before any middleware, guard or handler ran. */
export interface JournalEntry {
  /** Sequence number, also sent back as the `X-Request-Id` response header. */
  id: number;
  /** The `call` query parameter: the playground and the tests tag each call with a unique one. */
  callId: string | null;
  method: string;
  url: string;
  host: string | null;
  origin: string | null;
  preflight: boolean;
  accessControlRequestMethod: string | null;
  accessControlRequestHeaders: string | null;
  hadCookie: boolean;
  hadAuthorization: boolean;
  /** The response status once headers are sent (an open event stream has one too), else null. */
  status: number | null;
  /**
   * What nest-cors logged about this request: the first of each kind of decision in a minute,
   * then a count, so often nothing.
   */
  corsDecisions: string[];
  /** Why nest-cors refused the request, or why the browser will refuse its response (`debug: true`), every time. */
  corsReason: string | null;
  /** For a WebSocket upgrade: whether the gateway's connection handler ran. */
  gatewayConnected: boolean | null;
}

interface Recorded {
  entry: Omit<JournalEntry, 'status' | 'corsReason'>;
  /** `undefined` for a WebSocket upgrade, which has no HTTP response object. */
  response: ServerResponse | undefined;
}

const CAPACITY = 2000;
const currentRequest = new AsyncLocalStorage<Recorded>();

/** Attaches a log line to the request being handled, if there is one. */
export function recordCorsDecision(line: string): void {
  currentRequest.getStore()?.entry.corsDecisions.push(line);
}

/**
 * A ring buffer of recent requests. It wraps the HTTP server's own `request` listener, so it sees
 * every request (preflights included) before nest-cors or any Nest middleware does, on both adapters.
 */
@Injectable()
export class RequestJournal {
  private readonly recorded: Recorded[] = [];
  private nextId = 1;

  attach(server: Server): void {
    const appListeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const recorded = this.record(req, res);
      currentRequest.run(recorded, () => {
        for (const listener of appListeners) listener.call(server, req, res);
      });
    });
    // WebSocket handshakes arrive as 'upgrade' events; the gateways' servers listen after this one.
    server.prependListener('upgrade', (req: IncomingMessage) => void this.record(req, undefined));
  }

  /** Marks the WebSocket upgrade `request` as accepted by its gateway's connection handler. */
  gatewayConnected(request: IncomingMessage): void {
    const recorded = this.recorded.find(({ entry }) => entry.gatewayConnected === false && entry.url === request.url);
    if (recorded) recorded.entry.gatewayConnected = true;
  }

  entries(): JournalEntry[] {
    return this.recorded.map(toEntry);
  }

  forCall(callId: string): JournalEntry[] {
    return this.recorded.filter(({ entry }) => entry.callId === callId).map(toEntry);
  }

  private record(req: IncomingMessage, res: ServerResponse | undefined): Recorded {
    const url = req.url ?? '/';
    const header = (name: string) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    const recorded: Recorded = {
      entry: {
        id: this.nextId++,
        callId: new URL(url, 'http://journal.invalid').searchParams.get('call'),
        method: req.method ?? '',
        url,
        host: header('host'),
        origin: header('origin'),
        preflight: req.method === 'OPTIONS' && header('access-control-request-method') !== null,
        accessControlRequestMethod: header('access-control-request-method'),
        accessControlRequestHeaders: header('access-control-request-headers'),
        hadCookie: header('cookie') !== null,
        hadAuthorization: header('authorization') !== null,
        corsDecisions: [],
        gatewayConnected: res ? null : false,
      },
      response: res,
    };
    res?.setHeader('X-Request-Id', String(recorded.entry.id));
    this.recorded.push(recorded);
    if (this.recorded.length > CAPACITY) this.recorded.shift();
    return recorded;
  }
}

/** The response header nest-cors explains its refusals in, with `debug: true`. */
const CORS_REASON_HEADER = 'x-cors-rejection';

function toEntry({ entry, response }: Recorded): JournalEntry {
  const reason = response?.getHeader(CORS_REASON_HEADER);
  return {
    ...entry,
    corsDecisions: [...entry.corsDecisions],
    corsReason: reason === undefined ? null : String(reason),
    status: response?.headersSent ? response.statusCode : null,
  };
}
