import type { LoggerService } from '@nestjs/common';

/** A LoggerService that records lines (level, message and the logger's context) for assertions. */
export class LogCapture implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];

  log(message: unknown, ...params: unknown[]) {
    this.record('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.record('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.record('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.record('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.record('verbose', message, params);
  }

  /** Messages at `level` containing `text`. */
  find(level: string, text: string): string[] {
    return this.lines.filter((line) => line.level === level && line.message.includes(text)).map((line) => line.message);
  }

  private record(level: string, message: unknown, params: unknown[]) {
    this.lines.push({ level, message: String(message), context: params.length > 0 ? String(params.at(-1)) : undefined });
  }
}
