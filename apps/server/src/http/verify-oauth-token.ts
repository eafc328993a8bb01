import { AppError } from '@airflow-mcp/core';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ALL_SCOPES, type Scope } from '../config.js';
import type { Principal } from '../mcp/define-tool.js';

export interface OAuthSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  tenantClaim: string;
}

/** `scope` claim values ("read", "airflow-mcp:write", "mcp.admin") -> our scopes. */
function scopesOf(payload: JWTPayload): Scope[] {
  const raw = payload.scope ?? payload.scp;
  const words = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/\s+/) : [];
  return ALL_SCOPES.filter((scope) =>
    words.some((w) => w === scope || w.endsWith(`:${scope}`) || w.endsWith(`.${scope}`)),
  );
}

/**
 * OAuth 2.1 resource-server mode: access tokens are JWTs signed by the configured issuer (keys from its JWKS, cached
 * and refreshed by kid), for this resource (audience), not expired; scopes and tenant come from their claims.
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
    const scopes = scopesOf(payload);
    if (scopes.length === 0) {
      throw new AppError('UNAUTHORIZED', 'The access token grants none of the scopes read, write, admin.');
    }
    const tenantClaim = payload[settings.tenantClaim];
    const tenant =
      typeof tenantClaim === 'string' && /^[a-z0-9][a-z0-9_-]{0,31}$/.test(tenantClaim) ? tenantClaim : 'default';
    return { keyId: `oauth:${String(payload.sub ?? 'unknown').slice(0, 64)}`, tenant, scopes };
  };
}
