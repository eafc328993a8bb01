import type { FastifyInstance } from 'fastify';

/** A dependency the service needs; `check` throws (with a readable message) when the dependency is down. */
export interface ReadinessCheck {
  name: string;
  /** A required dependency that is down makes /readyz answer 503. */
  required: boolean;
  check(signal: AbortSignal): Promise<Record<string, unknown> | void>;
}

export interface HealthRouteOptions {
  checks: readonly ReadinessCheck[];
  timeoutMs?: number;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number) {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const details = await Promise.race([check.check(controller.signal), timeout]);
    return {
      status: 'up' as const,
      required: check.required,
      latency_ms: Math.round(performance.now() - started),
      ...(details ?? {}),
    };
  } catch (error) {
    return {
      status: 'down' as const,
      required: check.required,
      latency_ms: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function healthRoutes(app: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 3000;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(options.checks.map(async (c) => [c.name, await runCheck(c, timeoutMs)] as const));
    const ready = results.every(([, r]) => r.status === 'up' || !r.required);
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });
}
