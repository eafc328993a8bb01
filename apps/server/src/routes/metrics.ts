import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sha256Hex, type Config } from '../config.js';
import { checkHostAndOrigin } from '../http/check-origin.js';
import type { Metrics } from '../observability/create-metrics.js';

/**
 * Who may scrape /metrics: with METRICS_TOKEN, only `Authorization: Bearer <METRICS_TOKEN>` (compared in constant
 * time); without it, nobody when the service has authentication (API keys or OAuth), everybody otherwise (a
 * loopback service without keys). Returns the refusal, or undefined.
 */
export function metricsRefusal(
  authorization: string | undefined,
  config: Pick<Config, 'metrics'> & { mcp: Pick<Config['mcp'], 'apiKeys' | 'oauth'> },
): string | undefined {
  const token = config.metrics.token;
  if (token === undefined) {
    return config.mcp.apiKeys.length > 0 || config.mcp.oauth !== undefined
      ? '/metrics is closed on a service with authentication: set METRICS_TOKEN and scrape with "Authorization: Bearer <METRICS_TOKEN>".'
      : undefined;
  }
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const ok =
    presented !== undefined &&
    timingSafeEqual(Buffer.from(sha256Hex(presented), 'hex'), Buffer.from(sha256Hex(token), 'hex'));
  return ok ? undefined : '/metrics needs "Authorization: Bearer <METRICS_TOKEN>".';
}

export async function metricsRoutes(
  app: FastifyInstance,
  options: { metrics: Metrics; config: Config },
): Promise<void> {
  const { config } = options;
  app.get('/metrics', async (request, reply) => {
    const badHost = checkHostAndOrigin(request.headers.host, request.headers.origin, config.mcp);
    if (badHost !== undefined) return reply.code(403).send({ error: `Forbidden: ${badHost}`, code: 'FORBIDDEN' });
    const refusal = metricsRefusal(request.headers.authorization, config);
    if (refusal !== undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="airflow-mcp-metrics"')
        .send({ error: refusal, code: 'UNAUTHORIZED' });
    }
    const body = await options.metrics.registry.metrics();
    return reply.header('content-type', options.metrics.registry.contentType).send(body);
  });
}
