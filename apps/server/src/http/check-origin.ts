/**
 * DNS-rebinding protection for /mcp (MCP spec, transports): the Host must name this service, and an Origin, when
 * present, must be on the allow-list. Matching is on hostname (and scheme for origins), port-agnostic.
 */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

export interface OriginPolicy {
  /** Extra accepted Host names besides loopback; "*" accepts any. */
  allowedHosts: readonly string[];
  /** Accepted origins: scheme://host (any port) or scheme://host:port; "*" accepts any. */
  allowedOrigins: readonly string[];
}

export function checkHostAndOrigin(
  host: string | undefined,
  origin: string | undefined,
  policy: OriginPolicy,
): string | undefined {
  if (!policy.allowedHosts.includes('*')) {
    const name = host === undefined ? undefined : hostnameOf(host);
    if (name === undefined) return 'Missing or malformed Host header';
    const allowed = LOOPBACK_NAMES.has(name) || policy.allowedHosts.some((h) => h.toLowerCase() === name);
    if (!allowed)
      return `Invalid Host: ${name}. Add it to MCP_ALLOWED_HOSTS if this service is meant to be reached by that name.`;
  }
  if (origin === undefined || policy.allowedOrigins.includes('*')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `Invalid Origin: ${origin}`;
  }
  const ok = policy.allowedOrigins.some((entry) => {
    try {
      const allowed = new URL(entry);
      return (
        allowed.protocol === parsed.protocol &&
        allowed.hostname === parsed.hostname &&
        (allowed.port === '' || allowed.port === parsed.port)
      );
    } catch {
      return false;
    }
  });
  return ok ? undefined : `Origin not allowed: ${parsed.origin}. Add it to MCP_ALLOWED_ORIGINS to accept it.`;
}
