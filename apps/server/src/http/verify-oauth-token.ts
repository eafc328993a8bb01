import { isTenantName } from '@airflow-mcp/agent';
import { AppError } from '@airflow-mcp/core';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ALL_SCOPES, type Scope } from '../config.js';
import type { Principal } from '../mcp/define-tool.js';

export interface OAuthSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  tenantClaim: string;
  /** The tenant of tokens without a tenant claim; unset = such tokens are refused. */
  defaultTenant?: string | undefined;
  /** Tokens may also grant `<scopePrefix>:read|write|admin`; unset = only the bare words. */
  scopePrefix?: string | undefined;
}

/**
 * The `scope` (or `scp`) claim -> our scopes, each word matched exactly: `read`, `write`, `admin`, or with the
 * configured prefix `<prefix>:admin`. Anything else (`billing:admin`, `mcp.admin`, `superadmin`) grants nothing.
 */
function scopesOf(payload: JWTPayload, scopePrefix: string | undefined): Scope[] {
  const raw = payload.scope ?? payload.scp;
  const words = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/\s+/) : [];
  return ALL_SCOPES.filter((scope) =>
    words.some((w) => w === scope || (scopePrefix !== undefined && w === `${scopePrefix}:${scope}`)),
  );
}

/**
 * OAuth 2.1 resource-server mode: access tokens are JWTs signed by the configured issuer (keys from its JWKS, cached
 * and refreshed by kid), for this resource (audience), not expired; scopes and tenant come from their claims. A
 * token whose tenant claim is missing is refused (403) unless a default tenant is configured; one whose claim is not
 * a valid tenant name is always refused: it never falls back to a tenant that sees more.
 */
export function createOAuthVerifier(settings: OAuthSettings) {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 });
  return async function verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: 30,
      }));
    } catch (error) {
      const why = (error as { code?: string }).code ?? 'invalid';
      throw new AppError(
        'UNAUTHORIZED',
        why === 'ERR_JWT_EXPIRED'
          ? 'The access token has expired: get a new one from the authorization server.'
          : why === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? `The access token is not for this server (issuer must be ${settings.issuer}, audience ${settings.audience}).`
            : 'The access token is not valid (signature, format or key).',
      );
    }
    const scopes = scopesOf(payload, settings.scopePrefix);
    if (scopes.length === 0) {
      const accepted = settings.scopePrefix
        ? `read, write, admin (or ${settings.scopePrefix}:read, ${settings.scopePrefix}:write, ${settings.scopePrefix}:admin)`
        : 'read, write, admin';
      throw new AppError('FORBIDDEN', `The access token grants none of the scopes ${accepted}.`);
    }
    return { keyId: `oauth:${String(payload.sub ?? 'unknown').slice(0, 64)}`, tenant: tenantOf(payload), scopes };
  };

  function tenantOf(payload: JWTPayload): string {
    const claim = payload[settings.tenantClaim];
    if (claim === undefined || claim === null || claim === '') {
      if (settings.defaultTenant !== undefined) return settings.defaultTenant;
      throw new AppError(
        'FORBIDDEN',
        `The access token has no "${settings.tenantClaim}" claim, and this server needs one to know whose DAGs the caller may see: ask the authorization server to add it (or the operator to set MCP_OAUTH_DEFAULT_TENANT).`,
      );
    }
    if (typeof claim !== 'string' || !isTenantName(claim)) {
      throw new AppError(
        'FORBIDDEN',
        `The access token's "${settings.tenantClaim}" claim is not a valid tenant name (a lowercase letter, then up to 30 lowercase letters or digits): ask the authorization server for a token with a valid one.`,
      );
    }
    return claim;
  }
}
