// A linear scanner for header-name lists (Access-Control-Request-Headers).
/** Longest `Access-Control-Request-Headers` value accepted; longer ones fail the preflight. */
export const MAX_HEADER_LIST_LENGTH = 4096;
/** Most header names accepted in one `Access-Control-Request-Headers` value. */
export const MAX_HEADER_LIST_NAMES = 64;
/**
 * Most empty elements tolerated, as intermediaries may add a few (RFC 9110 §5.6.1). They are the
 * empty or whitespace-only items of a split on commas: `a,,b` has one, `','.repeat(16)` has 17.
 */
export const MAX_EMPTY_ELEMENTS = 16;

const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

const SPACE = 32;
const TAB = 9;
const COMMA = 44;

function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN_CHARS[c] === 1;
}

/** Whether `value` is an HTTP token (RFC 9110 §5.6.2), such as a method or header name. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isTokenChar(value.charCodeAt(i))) return false;
  return true;
}

/**
 * Splits a comma-separated list of header names, as in `Access-Control-Request-Headers`, into
 * lower-case names. Whitespace around names and a few empty elements are tolerated. Returns
 * `undefined` when an element is not a token or the value exceeds {@link MAX_HEADER_LIST_LENGTH},
 * {@link MAX_HEADER_LIST_NAMES} or {@link MAX_EMPTY_ELEMENTS}. One pass, no regular expression:
 * linear in the value's length.
 */
export function parseHeaderList(value: string): string[] | undefined {
  const names: string[] = [];
  return scanHeaderList(value, names) ? names : undefined;
}

/**
 * Whether {@link parseHeaderList} would accept `value`, without allocating: for policies that
 * reflect the list rather than look names up. Both run the same scanner, so a preflight passes or
 * fails the same way whether the policy lists headers or reflects them.
 */
export function isValidHeaderList(value: string): boolean {
  return scanHeaderList(value, undefined);
}

/**
 * The one scanner behind {@link parseHeaderList} and {@link isValidHeaderList}: checks `value`
 * and, when given a sink, appends each name to it in lower case (without a sink it allocates
 * nothing). Elements are the items of a split on commas, so `a,` has one name and one empty
 * element, and `''` one empty element; an element is empty when it holds only whitespace.
 */
function scanHeaderList(value: string, sink: string[] | undefined): boolean {
  const length = value.length;
  if (length > MAX_HEADER_LIST_LENGTH) return false;
  let names = 0;
  let empty = 0;
  let i = 0;
  for (;;) {
    let c = value.charCodeAt(i);
    while (i < length && (c === SPACE || c === TAB)) c = value.charCodeAt(++i);
    const start = i;
    while (i < length && isTokenChar(c)) c = value.charCodeAt(++i);
    const end = i;
    while (i < length && (c === SPACE || c === TAB)) c = value.charCodeAt(++i);
    if (end > start) {
      if (++names > MAX_HEADER_LIST_NAMES) return false;
      sink?.push(value.slice(start, end).toLowerCase());
    } else if (++empty > MAX_EMPTY_ELEMENTS) {
      return false;
    }
    if (i === length) return true;
    if (c !== COMMA) return false;
    i++;
  }
}
