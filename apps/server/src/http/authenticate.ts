import { timingSafeEqual } from 'node:crypto';
import { AppError } from '@airflow-mcp/core';
import { ALL_SCOPES, sha256Hex, type ApiKeyConfig } from '../config.js';
import type { Principal } from '../mcp/define-tool.js';

export const ANONYMOUS_PRINCIPAL: Principal = { keyId: 'anonymous', tenant: 'default', scopes: ALL_SCOPES };

/**
 * Resolves the bearer key of a request to a principal. Keys are kept only as sha256 hashes and compared in
 * constant time against every configured key (no early exit that would leak which one matched).
 */
export function authenticate(authorization: string | undefined, keys: readonly ApiKeyConfig[]): Principal {
  if (keys.length === 0) return ANONYMOUS_PRINCIPAL;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) {
    throw new AppError('UNAUTHORIZED', 'This endpoint needs an API key: send it as "Authorization: Bearer <key>".');
  }
  const presented = Buffer.from(sha256Hex(match[1]), 'hex');
  let found: ApiKeyConfig | undefined;
  for (const key of keys) {
    if (timingSafeEqual(presented, Buffer.from(key.sha256, 'hex')) && found === undefined) found = key;
  }
  if (!found)
    throw new AppError('UNAUTHORIZED', 'The API key is not valid. Check the key, or ask an administrator for one.');
  return { keyId: found.sha256.slice(0, 12), tenant: found.tenant, scopes: found.scopes };
}
