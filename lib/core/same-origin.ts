// Same-origin detection: scheme, host and port.
import { defaultPort, parseOrigin } from './origin.js';

/** How the server was addressed: scheme and `Host`, as the HTTP adapter derives them. */
export interface ServerAddress {
  /** `http` or `https`. */
  readonly protocol: string;
  /** The host the request addressed, port included when not the default. */
  readonly host: string | undefined;
}

/**
 * Whether a request's `Origin` is the server's own origin: same scheme, host and port (RFC 6454
 * §5; default ports normalised). Browsers send `Origin` on same-origin requests too (Fetch, "append
 * a request `Origin` header", for every method but GET and HEAD), and such a request is not a CORS
 * request: it gets no CORS headers and is never refused. The host is compared first, so the
 * scheme is read only for a request that addressed the origin's own host.
 */
export function isSameOrigin(originHeader: string, server: ServerAddress): boolean {
  const host = server.host?.toLowerCase();
  if (!host) return false;
  const origin = parseOrigin(originHeader);
  if (origin === undefined) return false;
  const portSeparator = host.lastIndexOf(':');
  const hasPort = portSeparator > host.lastIndexOf(']');
  if ((hasPort ? host.slice(0, portSeparator) : host) !== origin.host) return false;
  const scheme = server.protocol;
  if (origin.scheme !== scheme) return false;
  return (hasPort ? host.slice(portSeparator + 1) : defaultPort(scheme)) === (origin.port || defaultPort(scheme));
}
