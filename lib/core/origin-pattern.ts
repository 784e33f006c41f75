// Classifies allowed-origin patterns and explains those that can never match.
import { createRequire } from 'node:module';
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

/**
 * Schemes whose origins browsers serialize as a tuple (URL Standard §4.1 "special schemes"; `file`
 * serializes to `null` and is refused on its own). Other schemes, such as `chrome-extension:` or
 * `connector:`, are compared as written.
 */
const SPECIAL_SCHEMES = new Set(['ftp', 'http', 'https', 'ws', 'wss']);

/** Stands for the `*` label of a `*.` pattern while the rest is URL-parsed. */
const PLACEHOLDER_LABEL = 'x';

// ---------------------------------------------------------------------------------------------
// Public Suffix List
// ---------------------------------------------------------------------------------------------

/**
 * The Public Suffix List as tldts ships it: a trie of labels read from the right, whose nodes are
 * flagged when a rule ends there (1 ICANN section, 2 private section, 0 no rule). Edges of a node
 * are `edgeStart[node]` to `edgeStart[node + 1]`; edge `e` spells `edgeLength[e]` characters of
 * `labelText` and leads to `edgeChild[e]`. `*` is a wildcard label; exception rules (`!www.ck`)
 * form a second trie.
 */
interface SuffixTrie {
  readonly nodeFlags: ArrayLike<number>;
  readonly edgeStart: ArrayLike<number>;
  readonly edgeLength: ArrayLike<number>;
  readonly edgeChild: ArrayLike<number>;
  readonly labelText: string;
  readonly rulesRoot: number;
  readonly exceptionsRoot: number;
  /** Where each edge's label starts in `labelText` (tldts ships only the lengths). */
  readonly edgeOffset: Uint32Array;
  /** Per node, its edges by label, made at the node's first lookup (the rules root has over 1,500). */
  readonly childrenByLabel: (Map<string, number> | undefined)[];
}

let suffixTrie: SuffixTrie | undefined;

/** `require` from this module, so that tldts resolves from nest-cors's own dependencies. */
const requireDependency = createRequire(import.meta.url);

const UNREADABLE_TRIE =
  'nest-cors cannot read the Public Suffix List data of the installed tldts (tldts/dist/cjs/src/data/trie.js changed shape); ' +
  "install a tldts version within nest-cors's dependency range";

/**
 * The Public Suffix List that `*.` origin patterns are checked against: tldts's data (about
 * 140 kB), loaded at the first such pattern. Only the trie module, not tldts's entry point: that
 * bundles its own copy of the same data plus a URL parser. `require`d, not imported: Node's
 * `import()` of a CommonJS file scans its source for export names first, which costs three times
 * the load itself on this file.
 */
function loadedSuffixTrie(): SuffixTrie {
  return (suffixTrie ??= readSuffixTrie(requireDependency('tldts/dist/cjs/src/data/trie.js')));
}

function isIndexArray(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && typeof (value as unknown as ArrayLike<number>).length === 'number';
}

function readSuffixTrie(module: unknown): SuffixTrie {
  const namespace = (module ?? {}) as Record<string, unknown>;
  const exports = (isIndexArray(namespace.nodeFlags) ? namespace : (namespace.default ?? {})) as Record<string, unknown>;
  const { nodeFlags, edgeStart, edgeLength, edgeChild, labelText, rulesRoot, exceptionsRoot } = exports;
  if (
    !isIndexArray(nodeFlags) ||
    !isIndexArray(edgeStart) ||
    !isIndexArray(edgeLength) ||
    !isIndexArray(edgeChild) ||
    typeof labelText !== 'string' ||
    !Number.isInteger(rulesRoot) ||
    !Number.isInteger(exceptionsRoot) ||
    edgeStart.length !== nodeFlags.length + 1 ||
    edgeChild.length !== edgeLength.length ||
    edgeStart[nodeFlags.length] !== edgeLength.length ||
    (rulesRoot as number) >= nodeFlags.length ||
    (exceptionsRoot as number) >= nodeFlags.length
  ) {
    throw new Error(UNREADABLE_TRIE);
  }
  const edgeOffset = new Uint32Array(edgeLength.length);
  let offset = 0;
  for (let edge = 0; edge < edgeLength.length; edge++) {
    if (edgeChild[edge] >= nodeFlags.length) throw new Error(UNREADABLE_TRIE);
    edgeOffset[edge] = offset;
    offset += edgeLength[edge];
  }
  if (offset !== labelText.length) throw new Error(UNREADABLE_TRIE);
  const trie: SuffixTrie = {
    nodeFlags,
    edgeStart,
    edgeLength,
    edgeChild,
    labelText,
    rulesRoot: rulesRoot as number,
    exceptionsRoot: exceptionsRoot as number,
    edgeOffset,
    childrenByLabel: [],
  };
  // Facts of the list that any reading of a changed layout would most likely get wrong.
  if (
    !isListedSuffix(trie, 'com') ||
    !isListedSuffix(trie, 'co.uk') ||
    isListedSuffix(trie, 'example.com') ||
    listedSuffixUnder(trie, 'uk') === undefined
  ) {
    throw new Error(UNREADABLE_TRIE);
  }
  return trie;
}

/** The node that edge label `label` leads to from `node`, or -1. */
function childNode(trie: SuffixTrie, node: number, label: string): number {
  let children = trie.childrenByLabel[node];
  if (!children) {
    trie.childrenByLabel[node] = children = new Map();
    for (let edge = trie.edgeStart[node]; edge < trie.edgeStart[node + 1]; edge++) {
      const offset = trie.edgeOffset[edge];
      children.set(trie.labelText.slice(offset, offset + trie.edgeLength[edge]), trie.edgeChild[edge]);
    }
  }
  return children.get(label) ?? -1;
}

/** The nodes that `name` reaches from `root`, each label matching its own edge or a `*` edge. */
function nodesOf(trie: SuffixTrie, root: number, name: string): number[] {
  let nodes = [root];
  const labels = name.split('.');
  for (let i = labels.length - 1; i >= 0 && nodes.length > 0; i--) {
    const next = new Set<number>();
    for (const node of nodes) {
      for (const label of [labels[i], '*']) {
        const child = childNode(trie, node, label);
        if (child !== -1) next.add(child);
      }
    }
    nodes = [...next];
  }
  return nodes;
}

/** Whether `name` is itself a public suffix by a rule of the list (not by the default `*` rule). */
function isListedSuffix(trie: SuffixTrie, name: string): boolean {
  if (nodesOf(trie, trie.exceptionsRoot, name).some((node) => trie.nodeFlags[node] !== 0)) return false;
  return nodesOf(trie, trie.rulesRoot, name).some((node) => trie.nodeFlags[node] !== 0);
}

/** The shortest rule of the list strictly under `name` (`*` labels kept), if there is one. */
function listedSuffixUnder(trie: SuffixTrie, name: string): string | undefined {
  let level = nodesOf(trie, trie.rulesRoot, name).map((node) => ({ node, name }));
  while (level.length > 0) {
    const next: { node: number; name: string }[] = [];
    for (const { node, name: below } of level) {
      for (let edge = trie.edgeStart[node]; edge < trie.edgeStart[node + 1]; edge++) {
        const offset = trie.edgeOffset[edge];
        const child = { node: trie.edgeChild[edge], name: `${trie.labelText.slice(offset, offset + trie.edgeLength[edge])}.${below}` };
        if (trie.nodeFlags[child.node] !== 0) return child.name;
        next.push(child);
      }
    }
    level = next;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Origin strings
// ---------------------------------------------------------------------------------------------

function problem(message: string, fix: string): CorsProblemDetail {
  return { message, fix };
}

/**
 * Whether the URL Standard's host parser leaves a host that {@link parseOrigin} accepted as it is,
 * without running it: lower-case ASCII labels are serialized as written unless a label is punycode
 * (`xn--`, validated and maybe rewritten) or the last label is a number (IPv4, rewritten in
 * dotted-decimal form). Bracketed IPv6 addresses are left to the parser.
 */
function isSerializedAsWritten(host: string): boolean {
  if (host.startsWith('[') || host.startsWith('xn--') || host.includes('.xn--')) return false;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const last = name.slice(name.lastIndexOf('.') + 1);
  return !/^(?:\d+|0x[\da-f]*)$/.test(last);
}

/** `new URL(origin).origin`, or `undefined` when browsers could not parse it. */
function serializeOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).origin;
  } catch {
    return undefined;
  }
}

function isIpAddress(host: string): boolean {
  if (host.startsWith('[')) return true;
  // A name whose last label is a number is parsed as IPv4 (URL Standard §3.5, "ends in a number").
  const serialized = serializeOrigin(`http://${host}`);
  return serialized !== undefined && /^http:\/\/[\d.]+$/.test(serialized);
}

/**
 * `pattern` with everything fixable fixed at once: trimmed, given `https://` if it has no scheme,
 * lower-cased, without path, query, fragment or user information, and serialized as browsers
 * serialize origins (URL Standard: IDNA to punycode, canonical IP addresses, no default port).
 * `*.` and `:*` are kept. `undefined` when no single origin can be made of it.
 */
function normalizedPattern(pattern: string): string | undefined {
  let text = pattern.trim();
  if (text === '' || text.includes(',')) return undefined;
  if (text.indexOf('://') <= 0) text = `https://${text.replace(/^\/+/, '')}`;
  const schemeEnd = text.indexOf('://');
  const scheme = text.slice(0, schemeEnd).toLowerCase();
  let rest = text.slice(schemeEnd + 3);
  const pathStart = rest.search(/[/?#]/);
  if (pathStart !== -1) rest = rest.slice(0, pathStart);
  rest = rest.slice(rest.lastIndexOf('@') + 1).toLowerCase();
  const anyPort = rest.endsWith(':*');
  if (anyPort) rest = rest.slice(0, -2);
  const subdomains = rest.startsWith('*.');
  if (subdomains) rest = `${PLACEHOLDER_LABEL}${rest.slice(1)}`;
  if (rest.includes('*')) return undefined;
  let origin = `${scheme}://${rest}`;
  if (SPECIAL_SCHEMES.has(scheme)) {
    const serialized = serializeOrigin(origin);
    // URL parsing percent-decodes hosts: a "%2A" must not turn into a wildcard.
    if (serialized === undefined || serialized.includes('*')) return undefined;
    origin = serialized;
  }
  if (subdomains) origin = origin.replace(`://${PLACEHOLDER_LABEL}.`, '://*.');
  return anyPort ? `${origin}:*` : origin;
}

function isAccepted(pattern: string): boolean {
  return 'kind' in classify(pattern, false);
}

/**
 * Classifies an allowed-origin string, or explains why it can never match an origin a browser
 * sends: browsers serialize origins as `new URL(x).origin` does (lower-case `scheme://host[:port]`,
 * punycode, canonical IP addresses, no default port), so a pattern is accepted only in that form.
 * Every fix that reads `write "…"` names a pattern this function accepts.
 *
 * A `*.` pattern (`https://*.example.com`) is refused when its parent `P` is a public suffix listed
 * in the Public Suffix List (ICANN or private section: `com`, `co.uk`, `github.io`), or when a rule
 * of the list lies strictly under `P` (`amazonaws.com`, under which `s3.amazonaws.com` is listed):
 * anyone can register a site there. A name the list does not mention (`internal`, `localhost`,
 * `test`, `corp.example.internal`), which only the list's implicit default rule covers, is
 * allowed. IP addresses never take `*.`.
 */
export function parseOriginPattern(pattern: string): OriginPattern | CorsProblemDetail {
  if (PLAIN_ORIGIN.test(pattern)) return { kind: 'exact', origin: pattern };
  let result = parsedPatterns.get(pattern);
  if (result === undefined) {
    result = classify(pattern, true);
    if (parsedPatterns.size >= MAX_PARSED_PATTERNS) parsedPatterns.clear();
    parsedPatterns.set(pattern, result);
  }
  return result;
}

/**
 * `http(s)://` and a host name of lower-case letters, digits and hyphens, no label punycode
 * (`xn--`) and the last one starting with a letter (so not an IPv4 address, URL Standard §3.5
 * "ends in a number"), without port: the URL parser serializes such an origin as written, so it
 * is accepted as it is. Long allowed-origin lists are mostly made of these; testing them with one
 * RegExp keeps their validation cheap.
 */
const PLAIN_ORIGIN = /^https?:\/\/(?:(?!xn--)[a-z\d-]+\.)*(?!xn--)[a-z][a-z\d-]*$/;

/**
 * Patterns already classified: startup validates each allowed origin and then compiles it, and a
 * run-time update recompiles the same list; the answer depends on the string alone.
 */
const parsedPatterns = new Map<string, OriginPattern | CorsProblemDetail>();
const MAX_PARSED_PATTERNS = 100_000;

/** {@link parseOriginPattern}, with fixes computed only when `explain` (so checking one is cheap). */
function classify(pattern: string, explain: boolean): OriginPattern | CorsProblemDetail {
  if (pattern === '*') return { kind: 'any' };
  if (pattern === 'null') return { kind: 'exact', origin: 'null' };
  const wellFormed = parseOrigin(pattern);
  if (
    wellFormed &&
    wellFormed.scheme !== 'file' &&
    (wellFormed.port === '' || wellFormed.port !== defaultPort(wellFormed.scheme)) &&
    (!SPECIAL_SCHEMES.has(wellFormed.scheme) || isSerializedAsWritten(wellFormed.host) || serializeOrigin(pattern) === pattern)
  ) {
    return { kind: 'exact', origin: pattern };
  }
  const shown = JSON.stringify(pattern);
  /** `write "<pattern with everything fixed>"` when that is accepted, else `fallback`. */
  const fix = (fallback: string): string => {
    if (!explain) return fallback;
    const normalized = normalizedPattern(pattern);
    return normalized !== undefined && normalized !== pattern && isAccepted(normalized) ? `write ${JSON.stringify(normalized)}` : fallback;
  };
  const anyFix = 'write it as the browser sends it, e.g. https://app.example.com or http://localhost:3000';
  if (pattern.trim() === '') {
    return problem(`origin ${shown} is empty and can never match`, 'remove it (check for a trailing comma in an environment variable)');
  }
  if (pattern.trim() !== pattern) {
    return problem(
      `origin ${shown} has surrounding whitespace and can never match`,
      fix('remove the whitespace, then see what else is reported'),
    );
  }
  if (pattern.includes(',')) {
    const parts = pattern
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const suggested = explain ? parts.map((part) => (isAccepted(part) ? part : (normalizedPattern(part) ?? part))) : parts;
    return problem(`origin ${shown} holds several origins in one string`, `split it into an array, e.g. ${JSON.stringify(suggested)}`);
  }
  const schemeEnd = pattern.indexOf('://');
  if (schemeEnd <= 0) {
    return problem(`origin ${shown} has no scheme`, fix('add the scheme browsers send, e.g. https://app.example.com'));
  }
  const scheme = pattern.slice(0, schemeEnd);
  if (scheme.toLowerCase() === 'file') {
    return problem(
      `origin ${shown} can never match: pages loaded from file: send "Origin: null"`,
      `list 'null' instead, knowing that sandboxed iframes and data: documents send it too`,
    );
  }
  const rest = pattern.slice(schemeEnd + 3);
  if (/[/?#]/.test(rest)) {
    return problem(
      `origin ${shown} has a path, query or trailing slash; an Origin header never does`,
      fix('remove everything from the first "/", "?" or "#" after the host'),
    );
  }
  if (pattern !== pattern.toLowerCase()) {
    return problem(`origin ${shown} has upper-case letters; browsers send origins in lower case`, fix('write it in lower case'));
  }
  if (rest.includes('@')) {
    return problem(`origin ${shown} has user information; an Origin header never does`, fix('remove everything up to the "@"'));
  }
  const anyPort = rest.endsWith(':*');
  const hostAndPort = anyPort ? rest.slice(0, -2) : rest;
  const subdomains = hostAndPort.startsWith('*.');
  const concrete = `${scheme}://${subdomains ? `${PLACEHOLDER_LABEL}${hostAndPort.slice(1)}` : hostAndPort}`;
  if (hostAndPort.slice(subdomains ? 2 : 0).includes('*')) {
    return problem(
      `origin ${shown} has a wildcard where none is supported`,
      `use a leading "*." label for subdomains (https://*.example.com) or ":*" for any port (https://example.com:*), or a RegExp ` +
        `anchored with ^…$`,
    );
  }
  const parsed = parseOrigin(concrete);
  if (!parsed) {
    return problem(`origin ${shown} is not a valid scheme://host[:port] origin`, fix(anyFix));
  }
  if (parsed.port !== '' && parsed.port === defaultPort(scheme)) {
    return problem(`origin ${shown} names the default port ${parsed.port}; browsers leave it out`, fix('leave the port out'));
  }
  if (anyPort && parsed.port !== '') {
    return problem(`origin ${shown} names a port and ":*"`, 'keep one of them');
  }
  const parent = subdomains ? parsed.host.slice(PLACEHOLDER_LABEL.length + 1) : '';
  if (subdomains && parent === '') {
    // "https://*." would match every single-label fully qualified name ("https://intranet.").
    return problem(`origin ${shown} puts a subdomain wildcard on no domain`, 'name the parent domain, e.g. https://*.example.com');
  }
  if (subdomains && isIpAddress(parent)) {
    return problem(`origin ${shown} puts a subdomain wildcard on an IP address`, 'list the address itself');
  }
  if (SPECIAL_SCHEMES.has(scheme)) {
    const serialized = serializeOrigin(concrete);
    if (serialized === undefined) {
      return problem(
        `origin ${shown} has a host browsers cannot parse (such as invalid punycode or a malformed IP address), so it can never match`,
        anyFix,
      );
    }
    if (serialized !== concrete) {
      const normalized = explain ? normalizedPattern(pattern) : undefined;
      return problem(
        `origin ${shown} is not written as browsers send ` +
          `it${normalized ? ` (they serialize it as ${JSON.stringify(normalized)})` : ''}, so it can never match`,
        fix('write the host as browsers serialize it: IPv4 as four decimal numbers, IPv6 compressed, names in punycode'),
      );
    }
  }
  if (subdomains) {
    const suffixProblem = checkPublicSuffix(pattern, scheme, parent, anyPort ? ':*' : parsed.port === '' ? '' : `:${parsed.port}`, explain);
    if (suffixProblem) return suffixProblem;
    return { kind: 'subdomains', scheme, parent, port: anyPort ? '*' : parsed.port };
  }
  if (anyPort) return { kind: 'any-port', scheme, host: parsed.host };
  return { kind: 'exact', origin: pattern };
}

/** The public-suffix rule of {@link parseOriginPattern} for a `*.` pattern with parent `parent`. */
function checkPublicSuffix(
  pattern: string,
  scheme: string,
  parent: string,
  portSuffix: string,
  explain: boolean,
): CorsProblemDetail | undefined {
  const trie = loadedSuffixTrie();
  // The list names hosts without the final dot; "example.com." is the same name, fully qualified.
  const fullyQualified = parent.endsWith('.');
  const name = fullyQualified ? parent.slice(0, -1) : parent;
  /** A `*.` pattern one or more `example` labels under `suffix`, that is accepted. */
  const example = (suffix: string): string => {
    let candidate = suffix
      .split('.')
      .map((label) => (label === '*' ? 'example' : label))
      .join('.');
    for (let tries = 0; explain && tries < 3; tries++) {
      candidate = `example.${candidate}`;
      const text = `${scheme}://*.${candidate}${fullyQualified ? '.' : ''}${portSuffix}`;
      if (isAccepted(text)) return JSON.stringify(text);
    }
    return 'a domain you own';
  };
  if (isListedSuffix(trie, name)) {
    return problem(
      `origin ${JSON.stringify(pattern)} allows every site under the public suffix ".${name}", which anyone can register`,
      `name your own domain, e.g. ${example(name)}`,
    );
  }
  const under = listedSuffixUnder(trie, name);
  if (under !== undefined) {
    return problem(
      `origin ${JSON.stringify(pattern)} covers public suffixes such as "${under}", under which anyone can register a site`,
      `list the exact origins, or a pattern under a domain you own, e.g. ${example(under)}`,
    );
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// RegExp origins
// ---------------------------------------------------------------------------------------------

/** Whether `source` ends in a `$` anchor: one preceded by an even number of backslashes. */
function endsWithAnchor(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function isAnchored(source: string): boolean {
  return source.startsWith('^') && endsWithAnchor(source);
}

function withoutAnchors(source: string): string {
  const start = source.startsWith('^') ? 1 : 0;
  return source.slice(start, endsWithAnchor(source) ? -1 : undefined);
}

/**
 * Checks that a RegExp origin is anchored at both ends as a whole (`^(?:a|b)$`, not `^a|b$`, which
 * matches any origin ending in `b`). The fix it suggests is a RegExp this function accepts.
 */
export function checkOriginRegExp(pattern: RegExp): CorsProblemDetail | undefined {
  const source = pattern.source;
  const shown = String(pattern);
  const alternatives = topLevelAlternatives(source);
  const anchoredFix = () => {
    const body = alternatives.length > 1 ? `(?:${alternatives.map(withoutAnchors).join('|')})` : withoutAnchors(source);
    return `/^${body}$/${pattern.flags}`;
  };
  if (!isAnchored(source)) {
    return problem(
      `RegExp origin ${shown} is not anchored, so it also matches origins that merely contain a match`,
      `anchor it: ${anchoredFix()}`,
    );
  }
  if (alternatives.length > 1 && !alternatives.every(isAnchored)) {
    return problem(`RegExp origin ${shown} anchors only its first and last alternatives`, `group the alternatives: ${anchoredFix()}`);
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
