import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

export interface TokenIssuer {
  /** The issuer URL; its JWKS is at `<url>/.well-known/jwks.json`. */
  url: string;
  /** An RS256 access token from this issuer for `audience`, valid five minutes. */
  sign(claims: Record<string, unknown>, audience: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The JWKS side of an OAuth authorization server, on a free local port, with a key made for the test: what the
 * service fetches to verify access tokens (MCP_OAUTH_ISSUER). Tokens are signed here the way the server would sign them.
 */
export async function startTokenIssuer(): Promise<TokenIssuer> {
  const pair = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    sign: (claims, audience) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(url)
        .setAudience(audience)
        .setSubject('console-user')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(pair.privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
