// The explain log: time windows, counts and caps.
import { describe, expect, it } from '@jest/globals';
import {
  CorsDecisionLog,
  SYSTEM_LOG_CLOCK,
  type CorsDecisionLogSettings,
  type CorsLogClock,
  type CorsLogSink,
  type CorsLogTimer,
} from './cors-decision.log.js';

/** A clock that moves only when told to, running the timers that fall due on the way. */
class ManualClock implements CorsLogClock {
  time = 5_000;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  now = () => this.time;

  setTimer(callback: () => void, delay: number): CorsLogTimer {
    const timer = { at: this.time + delay, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Timers started and neither run nor cancelled. */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }
}

class Sink implements CorsLogSink {
  readonly lines: { level: string; message: string }[] = [];
  debug(message: string) {
    this.lines.push({ level: 'debug', message });
  }
  verbose(message: string) {
    this.lines.push({ level: 'verbose', message });
  }
  warn(message: string) {
    this.lines.push({ level: 'warn', message });
  }
  get messages(): string[] {
    return this.lines.map((line) => line.message);
  }
  clear(): void {
    this.lines.length = 0;
  }
}

function setup(settings: CorsDecisionLogSettings = {}, enabled = true) {
  const clock = new ManualClock();
  const sink = new Sink();
  const log = new CorsDecisionLog(enabled, { clock, sink, ...settings });
  return { clock, sink, log };
}

const FAILED_TIMEOUT = 'Origin function of CatsController.list took longer than 1000 ms; the origin was disallowed (fail closed)';

describe('CorsDecisionLog origin-function failures: time-windowed deduplication', () => {
  it('logs the first failure at once, counts the repeats, and reports the count when the window ends', () => {
    const { clock, sink, log } = setup();
    log.originFunctionFailed('CatsController.list', 'took longer than 1000 ms');
    expect(sink.lines).toEqual([{ level: 'warn', message: FAILED_TIMEOUT }]);
    for (let i = 1; i < 1234; i++) {
      clock.advance(40);
      log.originFunctionFailed('CatsController.list', 'took longer than 1000 ms');
    }
    expect(sink.lines).toHaveLength(1);
    clock.advance(60_000 - 1233 * 40 - 1);
    expect(sink.lines).toHaveLength(1);
    clock.advance(1);
    expect(sink.lines).toEqual([
      { level: 'warn', message: FAILED_TIMEOUT },
      {
        level: 'warn',
        message:
          'Origin function of CatsController.list failed 1,234 times in the last 60 s: took longer than 1000 ms; the origin was disallowed (fail closed)',
      },
    ]);
  });

  it('keeps telling while an outage goes on: each window opens with a line and closes with a count', () => {
    const { clock, sink, log } = setup();
    for (let second = 0; second < 180; second++) {
      log.originFunctionFailed('CatsController.list', 'rejected: db down');
      clock.advance(1000);
    }
    expect(sink.messages).toEqual([
      'Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list failed 60 times in the last 60 s: rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list failed 60 times in the last 60 s: rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list failed 60 times in the last 60 s: rejected: db down; the origin was disallowed (fail closed)',
    ]);
  });

  it('writes no closing line for a window that saw only its first failure', () => {
    const { clock, sink, log } = setup();
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    clock.advance(120_000);
    expect(sink.lines).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('logs a failure again at once after a quiet window', () => {
    const { clock, sink, log } = setup();
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    clock.advance(60_000);
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    expect(sink.messages).toEqual(
      Array(2).fill('Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)'),
    );
  });

  it('keeps policies and reasons apart', () => {
    const { clock, sink, log } = setup();
    for (let i = 0; i < 3; i++) {
      log.originFunctionFailed('CatsController.list', 'rejected: db down');
      log.originFunctionFailed('CatsController.list', 'took longer than 1000 ms');
      log.originFunctionFailed('DogsController.list', 'rejected: db down');
    }
    expect(sink.lines).toHaveLength(3);
    clock.advance(60_000);
    expect(sink.messages.slice(3)).toEqual([
      'Origin function of CatsController.list failed 3 times in the last 60 s: rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list failed 3 times in the last 60 s: took longer than 1000 ms; the origin was disallowed (fail closed)',
      'Origin function of DogsController.list failed 3 times in the last 60 s: rejected: db down; the origin was disallowed (fail closed)',
    ]);
  });

  it('logs failures whatever debug says', () => {
    const { sink, log } = setup({}, false);
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    expect(sink.lines).toHaveLength(1);
  });

  it('takes the window length from the constructor', () => {
    const { clock, sink, log } = setup({ window: 1500 });
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    clock.advance(1500);
    expect(sink.messages[1]).toBe(
      'Origin function of CatsController.list failed 2 times in the last 1.5 s: rejected: db down; the origin was disallowed (fail closed)',
    );
  });

  it('closes a window whose timer is late before opening the next one', () => {
    const { clock, sink, log } = setup();
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    clock.time += 61_000; // time passes, the timer has not run yet
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    expect(sink.messages).toEqual([
      'Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list failed 2 times in the last 60 s: rejected: db down; the origin was disallowed (fail closed)',
      'Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)',
    ]);
  });
});

describe('CorsDecisionLog explain lines: time-windowed deduplication', () => {
  const REJECTED = 'Rejected request GET /cats from https://x.example: origin not allowed (policy CatsController.list)';

  it('logs a rejection at debug level once per key and window, then its count', () => {
    const { clock, sink, log } = setup();
    for (let i = 0; i < 5; i++) log.rejected('https://x.example\nCatsController.list\norigin not allowed', REJECTED);
    expect(sink.lines).toEqual([{ level: 'debug', message: REJECTED }]);
    clock.advance(60_000);
    expect(sink.lines[1]).toEqual({ level: 'debug', message: `${REJECTED} [5 times in the last 60 s]` });
    log.rejected('https://x.example\nCatsController.list\norigin not allowed', REJECTED);
    expect(sink.lines).toHaveLength(3);
  });

  it('logs an acceptance at verbose level, apart from rejections with the same key', () => {
    const { clock, sink, log } = setup();
    const allowed = 'Allowed request GET /cats from https://a.example (policy CatsController.list)';
    log.allowed('key', allowed);
    log.allowed('key', allowed);
    log.rejected('key', REJECTED);
    expect(sink.lines).toEqual([
      { level: 'verbose', message: allowed },
      { level: 'debug', message: REJECTED },
    ]);
    clock.advance(60_000);
    expect(sink.lines[2]).toEqual({ level: 'verbose', message: `${allowed} [2 times in the last 60 s]` });
  });

  it('keeps distinct long keys apart and deduplicates a repeated one, though it keeps only a digest', () => {
    const { clock, sink, log } = setup();
    const prefix = `https://${'a'.repeat(8 * 1024)}`;
    log.rejected(`${prefix}1.example\nP\nr`, 'one');
    log.rejected(`${prefix}2.example\nP\nr`, 'two');
    log.rejected(`${prefix}1.example\nP\nr`, 'one');
    expect(sink.messages).toEqual(['one', 'two']);
    clock.advance(60_000);
    expect(sink.messages[2]).toBe('one [2 times in the last 60 s]');
  });

  it('keeps at most 512 characters of a message for its closing line', () => {
    const { clock, sink, log } = setup();
    const message = `Rejected ${'x'.repeat(2000)}`;
    log.rejected('k', message);
    log.rejected('k', message);
    clock.advance(60_000);
    expect(sink.messages[1]).toBe(`${message.slice(0, 512)}… [2 times in the last 60 s]`);
  });

  it('writes startup lines only when enabled', () => {
    const on = setup({}, true);
    const off = setup({}, false);
    on.log.startup('Mapped {/cats, GET}');
    off.log.startup('Mapped {/cats, GET}');
    expect(on.sink.lines).toEqual([{ level: 'debug', message: 'Mapped {/cats, GET}' }]);
    expect(off.sink.lines).toEqual([]);
    expect(on.log.enabled).toBe(true);
    expect(off.log.enabled).toBe(false);
  });
});

describe('CorsDecisionLog bounds', () => {
  it('counts at most maxDecisionKeys keys; further keys are counted together and reported once a window', () => {
    const { clock, sink, log } = setup({ maxDecisionKeys: 3 });
    for (let i = 0; i < 5; i++) log.rejected(`https://a${i}.example`, `Rejected a${i}`);
    log.rejected('https://a0.example', 'Rejected a0');
    expect(sink.messages).toEqual(['Rejected a0', 'Rejected a1', 'Rejected a2']);
    expect(log.trackedKeys).toBe(3);
    clock.advance(60_000);
    expect(sink.lines.slice(3)).toEqual([
      { level: 'debug', message: 'Rejected a0 [2 times in the last 60 s]' },
      {
        level: 'warn',
        message:
          '2 more CORS decisions in the last 60 s were not logged: 3 distinct (origin, route, reason) keys were already being counted',
      },
    ]);
    expect(log.trackedKeys).toBe(0);
    log.rejected('https://a4.example', 'Rejected a4');
    expect(sink.messages.at(-1)).toBe('Rejected a4');
  });

  it('holds at most 10,000 explain keys and 1,000 failure keys by default, whatever an attacker sends', () => {
    const { sink, log } = setup();
    for (let i = 0; i < 50_000; i++) {
      log.rejected(`https://attacker-${i}.example\nP\norigin not allowed`, `Rejected attacker-${i}`);
      log.originFunctionFailed('P', `rejected: no tenant attacker-${i}`);
    }
    expect(log.trackedKeys).toBe(11_000);
    expect(sink.lines.length).toBeLessThanOrEqual(20);
  });

  it('reports failures past the failure key cap in one warning a window', () => {
    const { clock, sink, log } = setup({ maxFailureKeys: 2 });
    for (let i = 0; i < 1000; i++) log.originFunctionFailed('P', `rejected: tenant ${i} unknown`);
    clock.advance(60_000);
    expect(sink.messages.at(-1)).toBe(
      'Origin functions failed 998 more times in the last 60 s, not logged: 2 distinct (policy, reason) pairs were already being counted; the origins were disallowed (fail closed)',
    );
  });

  it('never lets explain lines crowd failures out of the key table', () => {
    const { sink, log } = setup({ maxDecisionKeys: 5 });
    for (let i = 0; i < 100; i++) log.rejected(`https://attacker-${i}.example`, `Rejected ${i}`);
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    expect(sink.messages.at(-1)).toBe('Origin function of CatsController.list rejected: db down; the origin was disallowed (fail closed)');
  });

  it('writes at most 20 lines a second, and says how many it dropped when the second is over', () => {
    const { clock, sink, log } = setup();
    for (let i = 0; i < 25; i++) log.rejected(`https://a${i}.example`, `Rejected a${i}`);
    expect(sink.lines).toHaveLength(20);
    clock.advance(1000);
    expect(sink.lines[20]).toEqual({ level: 'warn', message: '5 CORS log lines dropped (over 20 a second)' });
    log.rejected('https://late.example', 'Rejected late');
    expect(sink.messages.at(-1)).toBe('Rejected late');
  });

  it('counts closing lines against the same cap', () => {
    const { clock, sink, log } = setup();
    for (let i = 0; i < 30; i++) {
      log.rejected(`https://a${i}.example`, `Rejected a${i}`);
      log.rejected(`https://a${i}.example`, `Rejected a${i}`);
    }
    clock.advance(1000);
    sink.clear();
    clock.advance(60_000);
    expect(sink.messages.filter((message) => message.endsWith('[2 times in the last 60 s]'))).toHaveLength(20);
    expect(sink.messages.at(-1)).toBe('10 CORS log lines dropped (over 20 a second)');
  });
});

describe('CorsDecisionLog timers', () => {
  it('keeps one timer at a time, however many windows are open', () => {
    const { clock, log } = setup();
    for (let i = 0; i < 100; i++) {
      log.rejected(`k${i}`, `m${i}`);
      log.originFunctionFailed('P', `r${i}`);
      clock.advance(10);
    }
    expect(clock.pending).toBe(1);
    clock.advance(120_000);
    expect(clock.pending).toBe(0);
  });

  it('close() stops the timer and writes the counts of the open windows over the time they were open', () => {
    const { clock, sink, log } = setup();
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    log.originFunctionFailed('CatsController.list', 'rejected: db down');
    log.rejected('k', 'Rejected once');
    clock.advance(12_000);
    log.close();
    expect(clock.pending).toBe(0);
    expect(sink.messages.slice(2)).toEqual([
      'Origin function of CatsController.list failed 2 times in the last 12 s: rejected: db down; the origin was disallowed (fail closed)',
    ]);
    log.close();
    expect(sink.lines).toHaveLength(3);
  });

  it('after close(), writes each line at once and starts no timer', () => {
    const { clock, sink, log } = setup();
    log.close();
    log.originFunctionFailed('P', 'rejected: db down');
    log.originFunctionFailed('P', 'rejected: db down');
    for (let i = 0; i < 30; i++) log.rejected(`k${i}`, `m${i}`);
    expect(sink.lines).toHaveLength(20);
    expect(clock.pending).toBe(0);
  });

  it('uses unref()ed timers by default, so an open window never keeps the process alive', () => {
    const refTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = refTimers();
    const log = new CorsDecisionLog(true, { sink: new Sink() });
    log.originFunctionFailed('P', 'rejected: db down');
    for (let i = 0; i < 30; i++) log.rejected(`k${i}`, `m${i}`);
    try {
      expect(refTimers()).toBe(before);
    } finally {
      log.close();
    }
    let ran = false;
    const timer = SYSTEM_LOG_CLOCK.setTimer(() => (ran = true), 0);
    expect(refTimers()).toBe(before);
    timer.cancel();
    expect(ran).toBe(false);
  });
});
