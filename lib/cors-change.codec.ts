// Encodes run-time option changes as JSON for a change feed.
import type { CorsModuleOptions } from './core/cors-options.js';
import { CorsConfigurationError } from './cors-configuration.error.js';

/** Marks a message of this format, so a message of another kind on the same channel is refused. */
const FORMAT = 'nestCorsChange';
const FORMAT_VERSION = 1;

/** Where an option that cannot travel is reported. */
const PLACE = 'CorsService.update';

/** A change of the module options, as it travels between instances. */
export interface CorsChange {
  /** The id of the instance that made the change. */
  readonly source: string;
  /** Its logical (Lamport) clock when it made the change, from 1. */
  readonly clock: number;
  /** The options the change sets; an own key whose value is `undefined` unsets that option. */
  readonly options: Partial<CorsModuleOptions>;
}

/**
 * Serializes a change as JSON: RegExps as their source and flags, unset options by name.
 *
 * @throws CorsConfigurationError when an option holds a function (an origin function, an
 *   `originCache.key`), which cannot be sent to another process.
 */
export function encodeCorsChange(change: CorsChange): string {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const functions: string[] = [];
  for (const [key, value] of Object.entries(change.options)) {
    if (value === undefined) unset.push(key);
    else set[key] = encodeValue(value, key, functions);
  }
  if (functions.length > 0) {
    throw new CorsConfigurationError(
      functions.map((path) => ({
        place: PLACE,
        message: `${path} is a function, which cannot be sent to the other instances through the change feed`,
        fix:
          `give the function in every instance's CorsModule options at startup, and change ${path} at run time with data only ` +
          `(strings, RegExps, numbers, booleans)`,
      })),
    );
  }
  return JSON.stringify({ [FORMAT]: FORMAT_VERSION, source: change.source, clock: change.clock, set, unset });
}

function encodeValue(value: unknown, path: string, functions: string[]): unknown {
  if (typeof value === 'function') {
    functions.push(path);
    return undefined;
  }
  if (value instanceof RegExp) return { $regexp: value.source, flags: value.flags };
  if (Array.isArray(value)) return value.map((item, index) => encodeValue(item, `${path}[${index}]`, functions));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeValue(item, `${path}.${key}`, functions)]));
  }
  return value;
}

/**
 * Reads a message written by {@link encodeCorsChange}. Only its form is checked here; the options
 * it carries are validated as any update is.
 *
 * @returns the change, or why the message is not one
 */
export function decodeCorsChange(message: unknown): CorsChange | { readonly problem: string } {
  if (typeof message !== 'string') return { problem: `the message is ${typeof message}, not a string` };
  try {
    const parsed: unknown = JSON.parse(message);
    if (!isRecord(parsed) || parsed[FORMAT] !== FORMAT_VERSION)
      return { problem: `the message is not a change of format ${FORMAT} ${FORMAT_VERSION}` };
    const { source, clock, set, unset } = parsed;
    if (typeof source !== 'string' || source === '') return { problem: 'its source is not a non-empty string' };
    if (!(Number.isSafeInteger(clock) && (clock as number) > 0)) return { problem: 'its clock is not a whole number > 0' };
    if (!isRecord(set)) return { problem: 'its set is not an object' };
    if (!(Array.isArray(unset) && unset.every((key) => typeof key === 'string' && !Object.hasOwn(set, key)))) {
      return { problem: 'its unset is not a list of option names apart from those it sets' };
    }
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(set)) options[key] = decodeValue(value, key);
    for (const key of unset) options[key] = undefined;
    return { source, clock: clock as number, options };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

function decodeValue(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => decodeValue(item, `${path}[${index}]`));
  if (!isRecord(value)) return value;
  if (Object.hasOwn(value, '$regexp')) {
    const { $regexp: source, flags, ...rest } = value;
    if (typeof source !== 'string' || typeof flags !== 'string' || Object.keys(rest).length > 0) {
      throw new Error(`${path} is not a RegExp of the form { $regexp, flags }`);
    }
    return new RegExp(source, flags);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeValue(item, `${path}.${key}`)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
