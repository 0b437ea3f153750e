/**
 * An origin pattern: `scheme://host[:port]` (http or https, nothing after the host), with `*.` before
 * the host for any subdomain (not the domain itself) and `:*` for any port. The scheme is part of
 * it, so plain http matches only where a pattern says so.
 */
export interface OriginPattern {
  protocol: string;
  /** Lower-case host, or the domain after `*.` when `wildcard`. */
  host: string;
  wildcard: boolean;
  /** '' for the scheme's default port, as URL.port gives it; '*' for any. */
  port: string;
}

/** The pattern, or null when it is not `http(s)://[*.]host[:port|:*]` with nothing else. */
export function parseOriginPattern(pattern: string): OriginPattern | null {
  const match = /^(https?):\/\/(\*\.)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}|\*))?$/.exec(pattern);
  if (match === null) return null;
  const [, scheme = '', star, host = '', port] = match;
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..')) return null;
  // Normalised the way URL normalises a request URL (default port dropped), so the two compare equal.
  let normalised: URL;
  try {
    normalised = new URL(`${scheme}://${host}${port === undefined || port === '*' ? '' : `:${port}`}`);
  } catch {
    return null;
  }
  return { protocol: `${scheme}:`, host: normalised.hostname, wildcard: star !== undefined, port: port === '*' ? '*' : normalised.port };
}

/** True when `url`'s scheme, host and port are the pattern's. */
export function matchesOriginPattern(url: URL, pattern: OriginPattern): boolean {
  if (pattern.protocol !== url.protocol || (pattern.port !== '*' && pattern.port !== url.port)) return false;
  return pattern.wildcard ? url.hostname.endsWith(`.${pattern.host}`) : url.hostname === pattern.host;
}
