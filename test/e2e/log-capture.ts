import type { LoggerService } from '@nestjs/common';

/** A LoggerService that records lines (level and message) for assertions. */
export class LogCapture implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];

  log(message: unknown) {
    this.record('log', message);
  }
  error(message: unknown) {
    this.record('error', message);
  }
  warn(message: unknown) {
    this.record('warn', message);
  }
  debug(message: unknown) {
    this.record('debug', message);
  }
  verbose(message: unknown) {
    this.record('verbose', message);
  }

  /** Messages at `level` containing `text`. */
  find(level: string, text: string): string[] {
    return this.lines.filter((line) => line.level === level && line.message.includes(text)).map((line) => line.message);
  }

  private record(level: string, message: unknown) {
    this.lines.push({ level, message: String(message) });
  }
}
