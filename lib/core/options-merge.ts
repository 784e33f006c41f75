// Field-by-field merging of module, controller and handler options.
import type { CorsDecoratorArgument, CorsOptions } from './cors-options.js';
import { CORS_OPTION_KEYS } from './options-validation.js';

/** One level's contribution: options, `false` (CORS disabled), or `undefined` (no `@Cors()`). */
export type CorsLevel = CorsOptions | false | undefined;

/** Turns what `@Cors()` received into a level: `false`, an options object, or `{ origin }`. */
export function normalizeCorsArgument(argument: CorsDecoratorArgument | undefined): CorsOptions | false {
  if (argument === undefined) return {};
  if (argument === false) return false;
  const isOptionsObject = typeof argument === 'object' && !Array.isArray(argument) && !(argument instanceof RegExp);
  return isOptionsObject ? (argument as CorsOptions) : { origin: argument as CorsOptions['origin'] };
}

/** The CORS fields of module options (module-only settings dropped). */
export function pickCorsOptions(options: object): CorsOptions {
  const picked: Record<string, unknown> = {};
  for (const key of CORS_OPTION_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked as CorsOptions;
}

/**
 * Merges levels field by field, later levels winning: module options, then the controller's
 * `@Cors()`, then the handler's. A field a level leaves undefined is inherited; arrays replace.
 * `false` disables CORS for its scope; a deeper level that sets `origin` enables it again, merged
 * with the module options only (the disabled level contributes nothing).
 *
 * @returns the effective options, or `false` when CORS is disabled for the handler
 */
export function mergeCorsLevels(moduleOptions: CorsOptions, levels: readonly CorsLevel[]): CorsOptions | false {
  let merged: CorsOptions | false = pickCorsOptions(moduleOptions);
  for (const level of levels) {
    if (level === undefined) continue;
    if (level === false) merged = false;
    else if (merged !== false) merged = { ...merged, ...pickCorsOptions(level) };
    else if (level.origin !== undefined) merged = { ...pickCorsOptions(moduleOptions), ...pickCorsOptions(level) };
  }
  return merged;
}
