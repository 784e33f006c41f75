// The raw Node request and response of an HTTP execution context.
import type { ExecutionContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The raw Node request of an HTTP execution context, on Express and Fastify alike. */
export function rawRequest(context: ExecutionContext): IncomingMessage {
  const request = context.switchToHttp().getRequest<IncomingMessage & { raw?: IncomingMessage }>();
  return request.raw ?? request;
}

/** The raw Node response of an HTTP execution context, on Express and Fastify alike. */
export function rawResponse(context: ExecutionContext): ServerResponse {
  const response = context.switchToHttp().getResponse<ServerResponse & { raw?: ServerResponse }>();
  return response.raw ?? response;
}
