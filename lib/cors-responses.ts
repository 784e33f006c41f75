// The responses nest-cors ends itself: approved preflights and refusals.
import type { ServerResponse } from 'node:http';
import { preflightHeaderLines, type PreflightApproval } from './core/cors-decision.js';
import { appendVary } from './core/vary.js';
import { varyOnWriteHead } from './cors-head.hook.js';

/** The message of a refused request, as the guard's `ForbiddenException` and the 403 body carry it. */
export const REJECTED_REQUEST_MESSAGE = 'Cross-origin request rejected by CORS policy';

/** The body of Nest's own `ForbiddenException`, so a refused request looks like the app's 403s. */
const REJECTED_REQUEST_BODY = JSON.stringify({ message: REJECTED_REQUEST_MESSAGE, error: 'Forbidden', statusCode: 403 });
const REJECTED_PREFLIGHT_BODY = 'CORS preflight rejected';

/** Ends an approved preflight with its status, `Access-Control-*` headers and `Vary`, in one `writeHead`. */
export function endApprovedPreflight(response: ServerResponse, approval: PreflightApproval): void {
  const lines = preflightHeaderLines(approval);
  lines.push('Vary', appendVary(response.getHeader('Vary'), approval.vary));
  // RFC 9110 §8.6: no Content-Length on a 204; a 200 says its body is empty.
  if (approval.status !== 204) lines.push('Content-Length', '0');
  response.writeHead(approval.status, lines);
  response.end();
}

/**
 * Ends a refusal with 403 and no CORS headers: a refused preflight in plain text, with `Vary`
 * naming `preflightVary`; a refused request (no `preflightVary`) with Nest's JSON.
 */
export function endRefusal(response: ServerResponse, preflightVary?: string): void {
  const preflight = preflightVary !== undefined;
  if (preflight) varyOnWriteHead(response, preflightVary);
  const body = preflight ? REJECTED_PREFLIGHT_BODY : REJECTED_REQUEST_BODY;
  response.statusCode = 403;
  response.setHeader('Content-Type', preflight ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  response.setHeader('Content-Length', String(Buffer.byteLength(body)));
  response.end(body);
}
