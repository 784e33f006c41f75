import cors from 'cors';
import { ALLOWED_ORIGIN } from '../app/origins.js';
import type { MicroRequestName } from '../process/messages.js';

/**
 * What the micro-benchmark feeds both sides: plain request objects, and a minimal response (a new
 * one per request, as a server has) that keeps headers in a Map under the names as written (both
 * sides write the canonical names, `Vary` included), so the figures are the CORS logic's and not
 * Node's header validation.
 */

export interface MicroRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
}

export class ResponseStub {
  statusCode = 200;
  ended = false;
  private readonly headers = new Map<string, unknown>();

  getHeader(name: string): unknown {
    return this.headers.get(name);
  }

  setHeader(name: string, value: unknown): this {
    this.headers.set(name, value);
    return this;
  }

  end(): void {
    this.ended = true;
  }
}

/** Evaluates one request and writes its CORS headers (and, for a preflight, the status) to the response. */
export type MicroHandler = (request: MicroRequest, response: ResponseStub) => void;

export const MICRO_REQUESTS: Readonly<Record<MicroRequestName, MicroRequest>> = {
  simple: { method: 'GET', headers: { origin: ALLOWED_ORIGIN } },
  preflight: {
    method: 'OPTIONS',
    headers: {
      origin: ALLOWED_ORIGIN,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-request-id',
    },
  },
};

const continueWithHandler = () => {};

export function corsPackageHandler(options: cors.CorsOptions): MicroHandler {
  const middleware = cors(options);
  return (request, response) => middleware(request, response, continueWithHandler);
}
