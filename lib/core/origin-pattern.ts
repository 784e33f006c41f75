import { getPublicSuffix } from 'tldts';
import { defaultPort, parseOrigin } from './origin.js';
import type { CorsProblemDetail } from './cors-problem.js';

/** One allowed-origin string of a policy, classified at build time. */
export type OriginPattern =
  | { readonly kind: 'any' }
  | { readonly kind: 'exact'; readonly origin: string }
  | {
      readonly kind: 'subdomains';
      readonly scheme: string;
      readonly parent: string;
      readonly port: string;
    }
  | { readonly kind: 'any-port'; readonly scheme: string; readonly host: string };

/** Host names that are not public suffixes although the suffix list's default rule says so. */
const PRIVATE_PARENTS = new Set(['localhost']);

function isPublicSuffix(host: string): boolean {
  if (PRIVATE_PARENTS.has(host)) return false;
  return getPublicSuffix(host, { allowPrivateDomains: true }) === host;
}

function problem(message: string, fix: string): CorsProblemDetail {
  return { message, fix };
}

/**
 * Classifies an allowed-origin string, or explains why it can never match an origin a browser
 * sends (browsers serialize origins as lower-case `scheme://host[:port]`, without default port).
 */
export function parseOriginPattern(pattern: string): OriginPattern | CorsProblemDetail {
  if (pattern === '*') return { kind: 'any' };
  if (pattern === 'null') return { kind: 'exact', origin: 'null' };
  const wellFormed = parseOrigin(pattern);
  if (wellFormed && wellFormed.scheme !== 'file' && (wellFormed.port === '' || wellFormed.port !== defaultPort(wellFormed.scheme))) {
    return { kind: 'exact', origin: pattern };
  }
  const shown = JSON.stringify(pattern);
  if (pattern.trim() === '') {
    return problem(`origin ${shown} is empty and can never match`, 'remove it (check for a trailing comma in an environment variable)');
  }
  if (pattern.trim() !== pattern) {
    return problem(`origin ${shown} has surrounding whitespace and can never match`, `write ${JSON.stringify(pattern.trim())}`);
  }
  if (pattern.includes(',')) {
    return problem(
      `origin ${shown} holds several origins in one string`,
      `split it into an array, e.g. ${JSON.stringify(pattern.split(',').map((part) => part.trim()).filter(Boolean))}`,
    );
  }
  const schemeEnd = pattern.indexOf('://');
  if (schemeEnd <= 0) {
    return problem(`origin ${shown} has no scheme`, `write ${JSON.stringify(`https://${pattern.replace(/^\/+/, '')}`)}`);
  }
  const scheme = pattern.slice(0, schemeEnd);
  if (scheme === 'file') {
    return problem(
      `origin ${shown} can never match: pages loaded from file: send "Origin: null"`,
      `list 'null' instead, knowing that sandboxed iframes and data: documents send it too`,
    );
  }
  const rest = pattern.slice(schemeEnd + 3);
  const pathStart = rest.search(/[/?#]/);
  if (pathStart !== -1) {
    return problem(
      `origin ${shown} has a path, query or trailing slash; an Origin header never does`,
      `write ${JSON.stringify(`${scheme}://${rest.slice(0, pathStart)}`)}`,
    );
  }
  if (pattern !== pattern.toLowerCase()) {
    return problem(`origin ${shown} has upper-case letters; browsers send origins in lower case`, `write ${JSON.stringify(pattern.toLowerCase())}`);
  }
  if (rest.includes('@')) {
    return problem(`origin ${shown} has user information; an Origin header never does`, `write ${JSON.stringify(`${scheme}://${rest.slice(rest.lastIndexOf('@') + 1)}`)}`);
  }
  const anyPort = rest.endsWith(':*');
  const hostAndPort = anyPort ? rest.slice(0, -2) : rest;
  const subdomains = hostAndPort.startsWith('*.');
  const concrete = `${scheme}://${subdomains ? `x${hostAndPort.slice(1)}` : hostAndPort}`;
  if (hostAndPort.slice(subdomains ? 2 : 0).includes('*')) {
    return problem(
      `origin ${shown} has a wildcard where none is supported`,
      `use a leading "*." label for subdomains (https://*.example.com) or ":*" for any port (https://example.com:*), or a RegExp anchored with ^…$`,
    );
  }
  const parsed = parseOrigin(concrete);
  if (!parsed) {
    return problem(`origin ${shown} is not a valid scheme://host[:port] origin`, 'write it as the browser sends it, e.g. https://app.example.com or http://localhost:3000');
  }
  if (parsed.port !== '' && parsed.port === defaultPort(scheme)) {
    return problem(
      `origin ${shown} names the default port ${parsed.port}; browsers leave it out`,
      `write ${JSON.stringify(`${scheme}://${hostAndPort.slice(0, hostAndPort.lastIndexOf(':'))}`)}`,
    );
  }
  if (anyPort && parsed.port !== '') {
    return problem(`origin ${shown} names a port and ":*"`, 'keep one of them');
  }
  if (subdomains) {
    const parent = parsed.host.slice(2);
    if (parent.startsWith('[') || /^[\d.]+$/.test(parent)) {
      return problem(`origin ${shown} puts a subdomain wildcard on an IP address`, 'list the address itself');
    }
    if (isPublicSuffix(parent)) {
      return problem(
        `origin ${shown} allows every site under the public suffix ".${parent}", which anyone can register`,
        `name your own domain, e.g. ${JSON.stringify(`${scheme}://*.example.${parent}`)}`,
      );
    }
    return { kind: 'subdomains', scheme, parent, port: anyPort ? '*' : parsed.port };
  }
  if (anyPort) return { kind: 'any-port', scheme, host: parsed.host };
  return { kind: 'exact', origin: pattern };
}

/**
 * Checks that a RegExp origin is anchored at both ends as a whole (`^(?:a|b)$`, not `^a|b$`, which
 * matches any origin ending in `b`).
 */
export function checkOriginRegExp(pattern: RegExp): CorsProblemDetail | undefined {
  const source = pattern.source;
  const shown = String(pattern);
  const endsAnchored = source.endsWith('$') && !source.endsWith('\\$');
  if (!source.startsWith('^') || !endsAnchored) {
    return problem(`RegExp origin ${shown} is not anchored, so it also matches origins that merely contain a match`, `anchor it: /^${source.replace(/^\^/, '').replace(/\$$/, '')}$/`);
  }
  const alternatives = topLevelAlternatives(source);
  const unanchored = alternatives.some((alternative) => !alternative.startsWith('^') || !alternative.endsWith('$') || alternative.endsWith('\\$'));
  if (alternatives.length > 1 && unanchored) {
    return problem(`RegExp origin ${shown} anchors only its first and last alternatives`, `group the alternatives: /^(?:${source.slice(1, -1)})$/`);
  }
  return undefined;
}

/** Splits a RegExp source on its top-level `|` (outside groups and character classes). */
function topLevelAlternatives(source: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      alternatives.push(source.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(source.slice(start));
  return alternatives;
}
