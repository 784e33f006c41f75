import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { recordCorsDecision } from './request-journal.js';

/**
 * Nest's console logger, plus: every line nest-cors writes while handling a request (context
 * `CorsModule`; rejections at debug level, acceptances at verbose level) is attached to that
 * request, so the playground can show it next to the call.
 */
export class PlaygroundLogger extends ConsoleLogger {
  constructor(private readonly silent = false) {
    super();
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'CorsModule') recordCorsDecision(String(message));
    super.debug(message, ...rest);
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'CorsModule') recordCorsDecision(String(message));
    super.verbose(message, ...rest);
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    if (this.silent) return;
    super.printMessages(messages, context, logLevel, writeStreamType, errorStack, params);
  }
}
