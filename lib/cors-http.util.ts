// The raw Node request and response of an HTTP execution context.
import type { ExecutionContext } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The raw Node request of an HTTP execution context, on Express and Fastify alike: Express's
 * request is one, Fastify's wraps it as `raw`. Read from the context's arguments, which allocates
 * nothing, where `switchToHttp()` builds three functions per call. `instanceof` comes first: an
 * Express request lacks `raw`, and looking for it would search its whole prototype chain.
 */
export function rawRequest(context: ExecutionContext): IncomingMessage {
  return rawOf(context.getArgByIndex<IncomingMessage | Wrapper<IncomingMessage>>(0), IncomingMessage);
}

/** The raw Node response of an HTTP execution context, on Express and Fastify alike (see {@link rawRequest}). */
export function rawResponse(context: ExecutionContext): ServerResponse {
  return rawOf(context.getArgByIndex<ServerResponse | Wrapper<ServerResponse>>(1), ServerResponse);
}

/** Fastify's request and reply: the Node object is their `raw`. */
interface Wrapper<T> {
  readonly raw: T;
}

function rawOf<T extends object>(value: T | Wrapper<T>, nodeClass: abstract new (...args: never[]) => T): T {
  return value instanceof nodeClass || !('raw' in value) ? (value as T) : value.raw;
}
