// The explain log: decisions and failures, deduplicated by time window.
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';

const LINES_PER_SECOND = 20;
const MAX_SHOWN_LENGTH = 120;
/** Keys longer than this are kept as a prefix and a hash, so a tracked key costs little memory. */
const MAX_KEY_LENGTH = 256;
/** Longest message kept for a window's closing line. */
const MAX_KEPT_MESSAGE_LENGTH = 512;

/** Default length of a deduplication window, in milliseconds. */
const DEFAULT_LOG_WINDOW = 60_000;
/** Default most explain-log keys (kind, origin, route, reason) counted at once. */
const DEFAULT_MAX_DECISION_KEYS = 10_000;
/** Default most origin-function failure keys (policy, reason) counted at once. */
const DEFAULT_MAX_FAILURE_KEYS = 1_000;

/** Makes an attacker-chosen value safe and short enough to log. */
export function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return printable.length > MAX_SHOWN_LENGTH ? `${printable.slice(0, MAX_SHOWN_LENGTH)}…(${value.length} chars)` : printable;
}

/** A timer started by a {@link CorsLogClock}. */
export interface CorsLogTimer {
  /** Stops the timer; its callback will not run. */
  cancel(): void;
}

/** The clock and timers of a {@link CorsDecisionLog}, replaceable so that tests need no real waiting. */
export interface CorsLogClock {
  /** Milliseconds from an arbitrary start; never goes back. */
  now(): number;
  /** Calls `callback` once after `delay` milliseconds, without keeping the process alive. */
  setTimer(callback: () => void, delay: number): CorsLogTimer;
}

/** `performance.now()` and `setTimeout()`, the timers `unref()`ed. */
export const SYSTEM_LOG_CLOCK: CorsLogClock = {
  now: () => performance.now(),
  setTimer(callback, delay) {
    const timer = setTimeout(callback, delay);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Where a {@link CorsDecisionLog} writes; Nest's `Logger` by default. */
export interface CorsLogSink {
  debug(message: string): void;
  verbose(message: string): void;
  warn(message: string): void;
}

/** Settings of a {@link CorsDecisionLog}; the defaults suit production. */
export interface CorsDecisionLogSettings {
  /** Milliseconds a deduplication window lasts. Default {@link DEFAULT_LOG_WINDOW}. */
  readonly window?: number;
  /** Most explain-log keys counted at once. Default {@link DEFAULT_MAX_DECISION_KEYS}. */
  readonly maxDecisionKeys?: number;
  /** Most origin-function failure keys counted at once. Default {@link DEFAULT_MAX_FAILURE_KEYS}. */
  readonly maxFailureKeys?: number;
  /** Default {@link SYSTEM_LOG_CLOCK}. */
  readonly clock?: CorsLogClock;
  /** Default a Nest `Logger` with context `CorsModule`. */
  readonly sink?: CorsLogSink;
}

type Level = keyof CorsLogSink;

/** Writes the closing line of a window: `count` occurrences over `duration`. */
type Summary = (window: LogWindow, count: string, duration: string) => string;

/** The occurrences of one key since its first one was logged. */
interface LogWindow {
  readonly start: number;
  /** Occurrences so far, the first (logged at once) included. */
  count: number;
  readonly level: Level;
  readonly summary: Summary;
  /** What the summary names: the message, or the policy and the reason of a failure. */
  readonly subject: string;
  readonly detail: string;
}

/** The key under which occurrences past the key cap are counted. */
const OVERFLOW = Symbol('overflow');

/** The open windows of one kind of line, oldest first, and how many keys it may count. */
class WindowTable {
  /** Insertion order is start order, hence end order: every window lasts the same time. */
  readonly windows = new Map<string | typeof OVERFLOW, LogWindow>();
  /** Windows open, the overflow window not included. */
  keys = 0;

  constructor(
    readonly maxKeys: number,
    readonly overflowSummary: Summary,
  ) {}
}

const decisionSummary: Summary = (window, count, duration) => `${window.subject} [${count} times in the last ${duration}]`;
const failureSummary: Summary = (window, count, duration) =>
  `Origin function of ${window.subject} failed ${count} times in the last ${duration}: ${window.detail}; the origin was disallowed ` +
  `(fail closed)`;

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

function compactKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `${key.slice(0, 64)}…${createHash('sha256').update(key).digest('base64')}`;
}

function kept(message: string): string {
  return message.length <= MAX_KEPT_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_KEPT_MESSAGE_LENGTH)}…`;
}

/**
 * The explain log and the origin-function failure log, deduplicated by time window: the first
 * occurrence of a key is logged at once; repeats within the window (60 s by default) are counted,
 * and when the window ends one line reports how many there were (nothing when there was only the
 * first); the next occurrence then opens a new window and is logged at once. So an outage that
 * goes on keeps being reported, a line or two a minute per key.
 *
 * Memory stays bounded: at most 10,000 explain-log keys (kind, origin, route, reason) and 1,000
 * failure keys (policy, reason) are counted at once, each with a key of at most ~300 characters
 * and a message of at most 512. Occurrences of further keys while a table is full are not logged
 * but counted, and one warning per window reports how many there were. On top of that, at most
 * {@link LINES_PER_SECOND} lines a second are written; the rest are dropped, and a warning says
 * how many.
 *
 * Timers are `unref()`ed; {@link close} stops them and writes the counts of the windows still
 * open.
 */
export class CorsDecisionLog {
  private readonly sink: CorsLogSink;
  private readonly clock: CorsLogClock;
  private readonly window: number;
  private readonly decisions: WindowTable;
  private readonly failures: WindowTable;
  private timer: CorsLogTimer | undefined;
  private timerAt = Infinity;
  private closed = false;
  private secondStart = -Infinity;
  private linesInSecond = 0;
  private dropped = 0;

  /**
   * @param enabled whether decisions and startup lines are logged (`debug: true`)
   * @param settings window length, key caps, clock and sink; for tests
   */
  constructor(
    readonly enabled: boolean,
    settings: CorsDecisionLogSettings = {},
  ) {
    this.sink = settings.sink ?? new Logger('CorsModule');
    this.clock = settings.clock ?? SYSTEM_LOG_CLOCK;
    this.window = settings.window ?? DEFAULT_LOG_WINDOW;
    const maxDecisionKeys = settings.maxDecisionKeys ?? DEFAULT_MAX_DECISION_KEYS;
    const maxFailureKeys = settings.maxFailureKeys ?? DEFAULT_MAX_FAILURE_KEYS;
    this.decisions = new WindowTable(
      maxDecisionKeys,
      (_, count, duration) =>
        `${count} more CORS decisions in the last ${duration} were not logged: ${formatCount(maxDecisionKeys)} distinct (origin, ` +
        `route, reason) keys were already being counted`,
    );
    this.failures = new WindowTable(
      maxFailureKeys,
      (_, count, duration) =>
        `Origin functions failed ${count} more times in the last ${duration}, not logged: ${formatCount(maxFailureKeys)} distinct ` +
        `(policy, reason) pairs were already being counted; the origins were disallowed (fail closed)`,
    );
  }

  /**
   * A refused preflight or request (debug level), deduplicated by `key` (origin, route and reason).
   * Callers check {@link enabled} first, so that nothing is built on the request path while the
   * log is off.
   */
  rejected(key: string, message: string): void {
    this.record(this.decisions, `rejected\n${key}`, 'debug', message, decisionSummary, message, '');
  }

  /**
   * `origin` refused by a policy (debug level), deduplicated by origin, policy and reason: the
   * line is `describe()` (`Rejected request GET /cats from "…"`), the reason and the policy.
   * Builds nothing while the log is off.
   */
  refused(origin: string, refusal: { readonly route?: { readonly name: string }; readonly reason: string }, describe: () => string): void {
    if (!this.enabled) return;
    const policy = refusal.route?.name ?? 'none';
    this.rejected(`${origin}\n${policy}\n${refusal.reason}`, `${describe()}: ${refusal.reason} (policy ${policy})`);
  }

  /** An allowed preflight or request (verbose level); callers check {@link enabled} first. */
  allowed(key: string, message: string): void {
    this.record(this.decisions, `allowed\n${key}`, 'verbose', message, decisionSummary, message, '');
  }

  /**
   * An origin function that failed, which disallowed the origin (warning, whatever `debug` says),
   * deduplicated by policy and reason.
   */
  originFunctionFailed(policy: string, reason: string): void {
    this.record(
      this.failures,
      `${policy}\n${reason}`,
      'warn',
      `Origin function of ${policy} ${reason}; the origin was disallowed (fail closed)`,
      failureSummary,
      policy,
      reason,
    );
  }

  /** Keys being counted right now (open windows), bounded by the key caps. */
  get trackedKeys(): number {
    return this.decisions.keys + this.failures.keys;
  }

  /** A startup line (debug level). */
  startup(message: string): void {
    if (this.enabled) this.sink.debug(message);
  }

  /**
   * Stops the timers and writes the counts of the windows still open. Later lines are still
   * written (within the lines-a-second cap), each at once, no longer deduplicated.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    this.endWindows(this.decisions, now, true);
    this.endWindows(this.failures, now, true);
    this.reportDropped();
  }

  private record(table: WindowTable, rawKey: string, level: Level, line: string, summary: Summary, subject: string, detail: string): void {
    const now = this.clock.now();
    if (this.closed) return this.write(level, line, now);
    const key = compactKey(rawKey);
    const open = table.windows.get(key);
    if (open) {
      if (now - open.start < this.window) {
        open.count++;
        return;
      }
      // The timer is late: close this window before opening the next.
      this.endWindow(table, key, open, now);
    }
    if (table.keys >= table.maxKeys) {
      const overflow = table.windows.get(OVERFLOW);
      if (overflow) overflow.count++;
      else this.open(table, OVERFLOW, { start: now, count: 1, level: 'warn', summary: table.overflowSummary, subject: '', detail: '' });
      return;
    }
    table.keys++;
    this.open(table, key, { start: now, count: 1, level, summary, subject: kept(subject), detail: kept(detail) });
    this.write(level, line, now);
  }

  private open(table: WindowTable, key: string | typeof OVERFLOW, window: LogWindow): void {
    table.windows.set(key, window);
    this.wakeAt(window.start + this.window, window.start);
  }

  private endWindows(table: WindowTable, now: number, all = false): void {
    for (const [key, window] of table.windows) {
      if (!all && now - window.start < this.window) break;
      this.endWindow(table, key, window, now);
    }
  }

  private endWindow(table: WindowTable, key: string | typeof OVERFLOW, window: LogWindow, now: number): void {
    table.windows.delete(key);
    if (key !== OVERFLOW) table.keys--;
    // The first occurrence of a key was logged already; the overflow window logged nothing yet.
    if (window.count < (key === OVERFLOW ? 1 : 2)) return;
    const duration = formatDuration(Math.min(now - window.start, this.window));
    this.write(window.level, window.summary(window, formatCount(window.count), duration), now);
  }

  private write(level: Level, line: string, now: number): void {
    if (now - this.secondStart >= 1000) {
      this.reportDropped();
      this.secondStart = now;
      this.linesInSecond = 0;
    }
    if (this.linesInSecond >= LINES_PER_SECOND) {
      if (this.dropped++ === 0) this.wakeAt(this.secondStart + 1000, now);
      return;
    }
    this.linesInSecond++;
    this.sink[level](line);
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    this.sink.warn(`${formatCount(this.dropped)} CORS log lines dropped (over ${LINES_PER_SECOND} a second)`);
    this.dropped = 0;
  }

  /** Makes sure the timer fires by `at`; one timer serves every window and the dropped-lines report. */
  private wakeAt(at: number, now: number): void {
    if (this.closed || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => this.wake(), Math.max(0, at - now));
  }

  private wake(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    this.endWindows(this.decisions, now);
    this.endWindows(this.failures, now);
    if (this.dropped > 0 && now - this.secondStart >= 1000) this.reportDropped();
    const next = Math.min(
      this.firstEnd(this.decisions),
      this.firstEnd(this.failures),
      this.dropped > 0 ? this.secondStart + 1000 : Infinity,
    );
    if (next !== Infinity) this.wakeAt(next, now);
  }

  private firstEnd(table: WindowTable): number {
    const first = table.windows.values().next();
    return first.done ? Infinity : first.value.start + this.window;
  }
}
