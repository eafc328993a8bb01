import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

/** RFC 9728 protected-resource metadata, so MCP clients find the authorization server for this resource. */
export async function oauthMetadataRoutes(app: FastifyInstance, options: { config: Config }): Promise<void> {
  const oauth = options.config.mcp.oauth;
  if (!oauth) return;
  const body = {
    resource: `${options.config.mcp.publicUrl}/mcp`,
    authorization_servers: [oauth.issuer],
    scopes_supported: ['read', 'write', 'admin'],
    bearer_methods_supported: ['header'],
    resource_name: 'airflow-mcp-rag',
  };
  app.get('/.well-known/oauth-protected-resource', async () => body);
  app.get('/.well-known/oauth-protected-resource/mcp', async () => body);
}
