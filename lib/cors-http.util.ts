import type { ExecutionContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The raw Node request and response of an HTTP execution context, on Express and Fastify alike. */
export function rawHttp(context: ExecutionContext): { request: IncomingMessage; response: ServerResponse } {
  const http = context.switchToHttp();
  const request = http.getRequest<IncomingMessage & { raw?: IncomingMessage }>();
  const response = http.getResponse<ServerResponse & { raw?: ServerResponse }>();
  return { request: request.raw ?? request, response: response.raw ?? response };
}
