#!/usr/bin/env node
// Checks docker-compose.yml without a Docker engine: loads it with compose-go (the loader behind
// `docker compose config`, built once from scripts/compose-check into the cache), for the default and the
// monitoring profile, then checks what the loader does not: build contexts have a Dockerfile, bind-mounted files
// exist, every service with depends_on condition service_healthy points at a service with a healthcheck.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cache =
  process.env.AIRFLOW_MCP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airflow-mcp');
const bin = join(cache, 'bin', 'compose-check');

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
}

if (!existsSync(bin) || process.env.REBUILD_COMPOSE_CHECK === '1') {
  mkdirSync(dirname(bin), { recursive: true });
  const built = run('go', ['build', '-o', bin, '.'], { cwd: join(root, 'scripts', 'compose-check'), stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('could not build scripts/compose-check (needs Go and the Go module proxy)');
    process.exit(1);
  }
}

const problems = [];
for (const profiles of [[], ['monitoring']]) {
  const label = profiles.length ? `profile ${profiles.join(',')}` : 'default profile';
  const result = run(bin, [join(root, 'docker-compose.yml'), ...profiles], {
    cwd: root,
    // The file requires its secrets (no fixed fallbacks): obviously fake values stand in for a user's .env here.
    env: {
      ...process.env,
      COMPOSE_PROJECT_NAME: 'airflow-mcp-rag',
      POSTGRES_PASSWORD: 'fake-for-compose-check',
      AIRFLOW_ADMIN_PASSWORD: 'fake-for-compose-check',
      AIRFLOW_PASSWORD: 'fake-for-compose-check',
      AIRFLOW_JWT_SECRET: 'fake-for-compose-check',
      AIRFLOW_API_SECRET_KEY: 'fake-for-compose-check',
    },
  });
  if (result.status !== 0) {
    problems.push(`${label}: ${result.stderr.trim()}`);
    continue;
  }
  const project = JSON.parse(result.stdout);
  const services = project.services ?? {};
  for (const [name, service] of Object.entries(services)) {
    if (service.build) {
      const dockerfile = join(service.build.context, service.build.dockerfile ?? 'Dockerfile');
      if (!existsSync(dockerfile))
        problems.push(`${label}: service ${name} builds from ${dockerfile}, which does not exist`);
    }
    for (const volume of service.volumes ?? []) {
      if (volume.type === 'bind' && !existsSync(volume.source))
        problems.push(`${label}: service ${name} mounts ${volume.source}, which does not exist`);
    }
    for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
      if (condition.condition === 'service_healthy' && !services[dependency]?.healthcheck) {
        problems.push(`${label}: ${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
      }
    }
  }
  console.log(
    `compose ${label}: ${Object.keys(services).length} services (${Object.keys(services).sort().join(', ')}) load`,
  );
}
if (problems.length) {
  console.error(`docker-compose.yml problems:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log('docker-compose.yml: OK');
