// Address and pattern grammar for link routing (reference/qdrouterd.md §2.1). Pure functions.

/** Thrown for a prefix or pattern the route table cannot hold; config turns it into InvalidValueError. */
export class RoutePatternError extends Error {
  readonly code = 'route-pattern';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoutePatternError';
  }
}

/** §2.1: pattern tokens are separated by either `/` or `.`. */
const SEPARATORS = /[./]/;
const EDGE_SEPARATORS = /^[./]+|[./]+$/g;
/** `amqps://host:port` and `amqp:` (before `/path`): the part §2.1 removes before lookup. */
const SCHEME_AND_HOST = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^/]*)?(?=\/|$)/;

/**
 * Splits an address into the part that is not matched (scheme, host, leading `/`) and the path
 * that is: `amqps://hub:5671/devices/d1` → `amqps://hub:5671/` + `devices/d1` (§2.1).
 */
export function splitAddress(address: string): { head: string; path: string } {
  const scheme = SCHEME_AND_HOST.exec(address)?.[0] ?? '';
  const rest = address.slice(scheme.length);
  const slashes = /^\/*/.exec(rest)![0];
  return { head: scheme + slashes, path: rest.slice(slashes.length) };
}

/** The tokens an address is matched by; an empty path has none. */
export function addressTokens(address: string): string[] {
  const { path } = splitAddress(address);
  return path === '' ? [] : path.split(SEPARATORS);
}

/**
 * §2.1: a prefix loses its leading and trailing `.`/`/` and becomes `<prefix>/#`, so `$cbs/`
 * matches `$cbs`, `$cbs/x`, `$cbs.x` but not `$cbsX`. A `*` or `#` token in a prefix would be read
 * as a wildcard; that is what `pattern` is for, so it is refused.
 */
export function prefixTokens(prefix: string): string[] {
  const trimmed = prefix.replace(EDGE_SEPARATORS, '');
  const tokens = trimmed === '' ? [] : trimmed.split(SEPARATORS);
  if (tokens.some((t) => t === '*' || t === '#')) {
    throw new RoutePatternError(`the prefix '${prefix}' contains a wildcard token: write it as 'pattern: ${trimmed}/#' instead`);
  }
  return [...tokens, '#'];
}

/**
 * A pattern's tokens, normalised as the qdrouterd parse tree does: edge separators dropped,
 * `#` followed by `*` becomes `*` followed by `#`, and `#` `#` becomes `#` (same matches, one
 * canonical form, so that duplicates are found).
 */
export function patternTokens(pattern: string): string[] {
  const trimmed = pattern.replace(EDGE_SEPARATORS, '');
  if (trimmed === '') throw new RoutePatternError(`the pattern '${pattern}' has no tokens: use '#' to match every address`);
  const tokens = trimmed.split(SEPARATORS);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (tokens[i] === '#' && tokens[i + 1] === '#') {
        tokens.splice(i, 1);
        changed = true;
      } else if (tokens[i] === '#' && tokens[i + 1] === '*') {
        [tokens[i], tokens[i + 1]] = ['*', '#'];
        changed = true;
      }
    }
  }
  return tokens;
}

/**
 * add/delExternalPrefix (§1.2 linkRoute): on the upstream attach, remove `del` from the start of
 * the address path, then put `add` in front. Scheme, host and leading `/` stay as the device wrote them.
 */
export function externalAddress(address: string, add: string | undefined, del: string | undefined): string {
  if (add === undefined && del === undefined) return address;
  const { head, path } = splitAddress(address);
  const kept = del !== undefined && path.startsWith(del) ? path.slice(del.length) : path;
  return head + (add ?? '') + kept;
}

/** The reverse of `externalAddress`, for the address in the hub's reply attach (§1.2). */
export function internalAddress(address: string, add: string | undefined, del: string | undefined): string {
  if (add === undefined && del === undefined) return address;
  const { head, path } = splitAddress(address);
  const kept = add !== undefined && path.startsWith(add) ? path.slice(add.length) : path;
  return head + (del ?? '') + kept;
}
