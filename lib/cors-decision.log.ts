import { Logger } from '@nestjs/common';

const MAX_REMEMBERED = 10_000;
const LINES_PER_SECOND = 20;
const MAX_SHOWN_LENGTH = 120;

/** Makes an attacker-chosen value safe and short enough to log. */
export function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return printable.length > MAX_SHOWN_LENGTH ? `${printable.slice(0, MAX_SHOWN_LENGTH)}…(${value.length} chars)` : printable;
}

/**
 * The explain log: each decision is logged once per (kind, origin, route, reason) and at most
 * {@link LINES_PER_SECOND} lines a second, so a flood of hostile requests cannot fill the logs.
 * Origin-function failures are always logged (as warnings), once per reason.
 */
export class CorsDecisionLog {
  private readonly logger = new Logger('CorsModule');
  private readonly seen = new Set<string>();
  private windowStart = 0;
  private linesInWindow = 0;
  private suppressed = 0;

  /** @param enabled whether decisions and startup lines are logged (`debug: true`) */
  constructor(readonly enabled: boolean) {}

  /**
   * A refused preflight or request (debug level). Callers check {@link enabled} first, so that
   * nothing is built on the request path while the log is off.
   */
  rejected(key: string, message: string): void {
    this.once(`rejected\n${key}`, () => this.logger.debug(message));
  }

  /** An allowed preflight or request (verbose level); callers check {@link enabled} first. */
  allowed(key: string, message: string): void {
    this.once(`allowed\n${key}`, () => this.logger.verbose(message));
  }

  /** An origin function that failed, which disallowed the origin (warning, whatever `debug` says). */
  originFunctionFailed(policy: string, reason: string): void {
    this.once(`failure\n${policy}\n${reason}`, () =>
      this.logger.warn(`Origin function of ${policy} ${reason}; the origin was disallowed (fail closed)`),
    );
  }

  /** A startup line (debug level). */
  startup(message: string): void {
    if (this.enabled) this.logger.debug(message);
  }

  private once(key: string, log: () => void): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.add(key);
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.suppressed > 0) this.logger.warn(`${this.suppressed} CORS log lines dropped (over ${LINES_PER_SECOND} a second)`);
      this.windowStart = now;
      this.linesInWindow = 0;
      this.suppressed = 0;
    }
    if (this.linesInWindow >= LINES_PER_SECOND) {
      this.suppressed++;
      return;
    }
    this.linesInWindow++;
    log();
  }
}
