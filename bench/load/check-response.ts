import { request } from 'node:http';
import type { ExpectedResponse, Workload } from './workloads.js';

const CHECK_TIMEOUT_MS = 10_000;
/** Room for the 64 KiB `Access-Control-Allow-Headers` that `builtin` reflects. */
const RESPONSE_HEADER_LIMIT_BYTES = 256 * 1024;

export interface ObservedResponse {
  status: number;
  allowOrigin: string | undefined;
}

/** Sends one request of the workload on a fresh connection and returns its status and ACAO. */
export function sendOnce(port: number, workload: Workload): Promise<ObservedResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: workload.method,
        path: workload.path,
        headers: workload.headers,
        agent: false,
        maxHeaderSize: RESPONSE_HEADER_LIMIT_BYTES,
        timeout: CHECK_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const allowOrigin = response.headers['access-control-allow-origin'];
          resolve({ status: response.statusCode!, allowOrigin: Array.isArray(allowOrigin) ? allowOrigin.join(', ') : allowOrigin });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no response within ${CHECK_TIMEOUT_MS / 1000}s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * Fails unless the server answers the workload as the variant must: a benchmark of wrong answers
 * (404s, 500s, missing headers) would measure nothing.
 */
export async function assertResponse(serverName: string, port: number, workload: Workload, expected: ExpectedResponse): Promise<void> {
  const observed = await sendOnce(port, workload);
  if (observed.status !== expected.status || observed.allowOrigin !== expected.allowOrigin) {
    throw new Error(
      `${serverName} answers ${workload.name} with status ${observed.status}, Access-Control-Allow-Origin ${observed.allowOrigin}; ` +
        `expected ${expected.status}, ${expected.allowOrigin}`,
    );
  }
}
