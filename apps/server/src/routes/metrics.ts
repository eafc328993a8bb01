import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/create-metrics.js';

export async function metricsRoutes(app: FastifyInstance, options: { metrics: Metrics }): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.header('content-type', options.metrics.registry.contentType).send(body);
  });
}
