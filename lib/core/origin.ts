// Parses the Origin header as browsers send it.
/** Longest `Origin` value considered; anything longer is disallowed without further parsing. */
export const MAX_ORIGIN_LENGTH = 512;

/** A request origin split into its parts. `port` is `''` when the origin has none. */
export interface ParsedOrigin {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

const enum Char {
  Dot = 46,
  Colon = 58,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  LowerA = 97,
  LowerF = 102,
  LowerZ = 122,
  Plus = 43,
  Minus = 45,
  Underscore = 95,
  Tilde = 126,
  OpenBracket = 91,
  CloseBracket = 93,
}

function isLowerAlpha(c: number): boolean {
  return c >= Char.LowerA && c <= Char.LowerZ;
}

function isDigit(c: number): boolean {
  return c >= Char.Zero && c <= Char.Nine;
}

const HOST_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789-._~') HOST_CHARS[c.charCodeAt(0)] = 1;

function isHostChar(c: number): boolean {
  return c < 128 && HOST_CHARS[c] === 1;
}

function isIpv6Char(c: number): boolean {
  return isDigit(c) || (c >= Char.LowerA && c <= Char.LowerF) || c === Char.Colon || c === Char.Dot;
}

/**
 * Parses a serialized origin as browsers send it (`scheme://host[:port]`: lower case, ASCII, no
 * path, no userinfo). A host name may end in one dot (`https://example.com.`, a fully qualified
 * name that browsers keep as typed); empty labels are refused. Returns `undefined` for anything
 * else, `null` included. Runs in time linear in the value's length and gives up past
 * {@link MAX_ORIGIN_LENGTH}.
 */
export function parseOrigin(value: string): ParsedOrigin | undefined {
  const length = value.length;
  if (length === 0 || length > MAX_ORIGIN_LENGTH || !isLowerAlpha(value.charCodeAt(0))) return undefined;
  let i = 1;
  for (; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c === Char.Colon) break;
    if (!(isLowerAlpha(c) || isDigit(c) || c === Char.Plus || c === Char.Minus || c === Char.Dot)) return undefined;
  }
  if (value.charCodeAt(i + 1) !== Char.Slash || value.charCodeAt(i + 2) !== Char.Slash) return undefined;
  const scheme = value.slice(0, i);
  const hostStart = i + 3;
  let hostEnd: number;
  if (value.charCodeAt(hostStart) === Char.OpenBracket) {
    let j = hostStart + 1;
    while (j < length && isIpv6Char(value.charCodeAt(j))) j++;
    if (j === hostStart + 1 || value.charCodeAt(j) !== Char.CloseBracket) return undefined;
    hostEnd = j + 1;
  } else {
    let j = hostStart;
    let previous = Char.Dot;
    for (; j < length; j++) {
      const c = value.charCodeAt(j);
      if (c === Char.Colon) break;
      if (!isHostChar(c) || (c === Char.Dot && previous === Char.Dot)) return undefined;
      previous = c;
    }
    // A dot after a non-empty label may end the host: URL host parsing (URL Standard §3.5) keeps
    // it, so browsers send it. Two dots in a row were refused above: at most one trailing dot.
    if (j === hostStart) return undefined;
    hostEnd = j;
  }
  const host = value.slice(hostStart, hostEnd);
  if (hostEnd === length) return { scheme, host, port: '' };
  if (value.charCodeAt(hostEnd) !== Char.Colon) return undefined;
  const portDigits = length - hostEnd - 1;
  if (portDigits < 1 || portDigits > 5) return undefined;
  for (let j = hostEnd + 1; j < length; j++) if (!isDigit(value.charCodeAt(j))) return undefined;
  const port = value.slice(hostEnd + 1);
  if (port.charCodeAt(0) === Char.Zero || Number(port) > 65535) return undefined;
  return { scheme, host, port };
}

/** The port a scheme uses when an origin or `Host` names none (`''` when the scheme has none). */
export function defaultPort(scheme: string): string {
  return DEFAULT_PORTS[scheme] ?? '';
}
