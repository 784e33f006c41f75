// The error app.init() throws for invalid CORS options.
import type { CorsProblem } from './core/cors-problem.js';

/**
 * Thrown by `app.init()` when CORS options are invalid. Its message names every problem, where it
 * was found and how to fix it; {@link problems} lists them for tooling.
 *
 * @publicApi
 */
export class CorsConfigurationError extends Error {
  constructor(readonly problems: readonly CorsProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const sentence = (text: string) => (/[.?!]$/.test(text) ? text : `${text}.`);
    const lines = problems.map((problem) => `  - ${problem.place}: ${sentence(problem.message)}\n    Fix: ${sentence(problem.fix)}`);
    super(`Invalid CORS configuration (${count}):\n${lines.join('\n')}`);
    this.name = 'CorsConfigurationError';
  }
}
