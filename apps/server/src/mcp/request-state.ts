import { randomBytes } from 'node:crypto';
import { createRequestStateCodec, type ServerContext } from '@modelcontextprotocol/server';

/**
 * The multi round-trip `requestState` (2026-07-28) comes back from the client and must be trusted only when this
 * service minted it: HMAC-signed, ten minutes, bound to the method and the caller's key. The key is per process, so
 * every round of a flow must reach the same process (replicas behind a load balancer would need a shared key).
 */
export const requestStateCodec = createRequestStateCodec<Record<string, unknown>>({
  key: randomBytes(32),
  bind: (ctx: ServerContext) => `${ctx.mcpReq.method}\0${ctx.http?.authInfo?.clientId ?? ''}`,
});
