// The raw Node request and response of an HTTP execution context.
import type { ExecutionContext } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The raw Node request of an HTTP execution context, on Express and Fastify alike: Express's
 * request is one, Fastify's wraps it as `raw`. Read from the context's arguments, which allocates
 * nothing, where `switchToHttp()` builds three functions per call.
 */
export function rawRequest(context: ExecutionContext): IncomingMessage {
  const request = context.getArgByIndex<IncomingMessage | { raw: IncomingMessage }>(0);
  return request instanceof IncomingMessage ? request : request.raw;
}

/** The raw Node response of an HTTP execution context, on Express and Fastify alike (see {@link rawRequest}). */
export function rawResponse(context: ExecutionContext): ServerResponse {
  const response = context.getArgByIndex<ServerResponse | { raw: ServerResponse }>(1);
  return response instanceof ServerResponse ? response : response.raw;
}
