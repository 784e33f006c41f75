/** Longest `Access-Control-Request-Headers` value accepted; longer ones fail the preflight. */
export const MAX_HEADER_LIST_LENGTH = 4096;
/** Most header names accepted in one `Access-Control-Request-Headers` value. */
export const MAX_HEADER_LIST_NAMES = 64;
/** Most empty elements (`a,,b`) tolerated, as intermediaries may add a few (RFC 9110 §5.6.1). */
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
 * {@link MAX_HEADER_LIST_NAMES} or {@link MAX_EMPTY_ELEMENTS}. One pass, no regular expression: linear in the value's length.
 */
export function parseHeaderList(value: string): string[] | undefined {
  const names: string[] = [];
  return scanHeaderList(value, names) ? names : undefined;
}

/**
 * Whether {@link parseHeaderList} would accept `value`, without allocating: for policies that
 * reflect the list rather than look names up.
 */
export function isValidHeaderList(value: string): boolean {
  const length = value.length;
  if (length > MAX_HEADER_LIST_LENGTH) return false;
  let names = 0;
  let empty = 0;
  let inName = false;
  let afterName = false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c === COMMA) {
      if (inName || afterName) names++;
      else empty++;
      inName = afterName = false;
    } else if (c === SPACE || c === TAB) {
      afterName ||= inName;
      inName = false;
    } else if (isTokenChar(c) && !afterName) {
      inName = true;
    } else {
      return false;
    }
  }
  if (inName || afterName) names++;
  else if (length > 0) empty++;
  return names <= MAX_HEADER_LIST_NAMES && empty <= MAX_EMPTY_ELEMENTS;
}

function scanHeaderList(value: string, names: string[] | undefined): boolean {
  const length = value.length;
  if (length > MAX_HEADER_LIST_LENGTH) return false;
  let count = 0;
  let empty = 0;
  let i = 0;
  while (i < length) {
    let c = value.charCodeAt(i);
    while ((c === SPACE || c === TAB) && i < length) c = value.charCodeAt(++i);
    const start = i;
    while (i < length && isTokenChar(c)) c = value.charCodeAt(++i);
    const end = i;
    while ((c === SPACE || c === TAB) && i < length) c = value.charCodeAt(++i);
    if (i < length && c !== COMMA) return false;
    if (end > start) {
      if (++count > MAX_HEADER_LIST_NAMES) return false;
      names?.push(value.slice(start, end).toLowerCase());
    } else if (++empty > MAX_EMPTY_ELEMENTS) {
      return false;
    }
    i++;
  }
  return true;
}
