#!/usr/bin/env node
// Entry point for every npm script: makes sure a supported Node runs the command, installs what is missing
// (npm packages, the build, the Airflow virtualenv when the command needs it), then runs the command.
// Written in plain JavaScript that the machine's older Node can still execute, because this is the file that
// fetches a newer one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSupportedNode, isSupportedNode } from './lib/node-runtime.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { ensureEmbeddingModel } from './lib/embedding-model.mjs';
import { runTestLanes } from './lib/test-lanes.mjs';
import { ensureNpmPackages, ensureBuild } from './lib/workspace.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [command = 'help', ...rest] = process.argv.slice(2);

const wantedMajor = process.env.AIRFLOW_MCP_NODE_MAJOR;
if (!isSupportedNode(process.versions.node) || (wantedMajor && process.versions.node.split('.')[0] !== wantedMajor)) {
  const node = ensureSupportedNode();
  const result = spawnSync(node.bin, [fileURLToPath(import.meta.url), command, ...rest], {
    stdio: 'inherit',
    env: node.env,
    cwd: root,
  });
  process.exit(result.status ?? 1);
}

function run(bin, args, options = {}) {
  const result = spawnSync(bin, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const node = process.execPath;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const cli = join(root, 'apps', 'server', 'bin', 'airflow-mcp.js');
const airflowScript = join(root, 'airflow', 'scripts', 'airflow-local.mjs');

/** The default embedder's model (cache, hash-checked, once); without it the service uses the hashing embedder. */
function installEmbeddingModel() {
  try {
    ensureEmbeddingModel();
  } catch (error) {
    process.stderr.write(`[setup] no local embedding model (${error.message}); the hashing embedder will be used\n`);
  }
}

function prepare({ build = true } = {}) {
  ensureNpmPackages(root);
  if (build) ensureBuild(root);
}

const commands = {
  setup() {
    prepare();
    installEmbeddingModel();
    // Debian's chromium, the console's browser tests' browser (test/support/launch-browser.ts).
    ensureChromium();
    // The Python MCP SDK, the tests' 2025-11-25 client: a cached virtualenv from its hash-checked lock.
    const client = run(node, [join(root, 'scripts', 'python-mcp-client.mjs'), 'venv'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (client !== 0) return client;
    // The tests' MariaDB: pinned Debian packages unpacked into the cache (scripts/mariadb-local.mjs), not installed.
    return run(node, [join(root, 'scripts', 'mariadb-local.mjs'), 'install', '--json'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  },
  test() {
    prepare();
    // No arguments: every suite, in two lanes at once (scripts/lib/test-lanes.mjs); with arguments, one vitest.
    if (rest.length === 0)
      return runTestLanes({ root, node, vitest: bin('vitest'), runScript: fileURLToPath(import.meta.url) });
    return run(node, [bin('vitest'), 'run', ...rest]);
  },
  vitest() {
    prepare();
    return run(node, [bin('vitest'), ...rest]);
  },
  start() {
    prepare();
    installEmbeddingModel();
    return run(node, [cli, 'serve', ...rest]);
  },
  demo() {
    prepare();
    installEmbeddingModel();
    return run(node, [join(root, 'scripts', 'demo.mjs'), ...rest]);
  },
  'airflow-up'() {
    prepare({ build: false });
    return run(node, [airflowScript, 'up', ...rest]);
  },
  'airflow-down'() {
    return run(node, [airflowScript, 'down', ...rest]);
  },
  conformance() {
    prepare();
    return run(node, [join(root, 'scripts', 'conformance.mjs'), ...rest]);
  },
  pack() {
    prepare();
    return run(node, [join(root, 'scripts', 'pack-npm.mjs'), ...rest]);
  },
  'docker-check'() {
    return run(node, [join(root, 'scripts', 'docker', 'check-build.mjs'), ...rest]);
  },
  cli() {
    prepare();
    return run(node, [cli, ...rest]);
  },
  bench() {
    prepare();
    const [name, ...args] = rest;
    return run(node, [join(root, 'scripts', 'bench', `${name}.mjs`), ...args]);
  },
  // The planning evaluation needs node:sqlite (Node 22.5+): run it on the supported Node, after the build.
  'eval-planning'() {
    prepare();
    return run(node, [join(root, 'packages', 'agent', 'scripts', 'eval-planning.mjs'), ...rest]);
  },
  'airflow-lock'() {
    return run(node, [airflowScript, 'lock', ...rest]);
  },
  help() {
    process.stdout.write(
      'usage: node scripts/run.mjs <setup|test|vitest|start|demo|airflow-up|airflow-down|conformance|docker-check|cli|bench <name>|eval-planning|airflow-lock> [args]\n',
    );
    return 0;
  },
};

const handler = commands[command];
if (!handler) {
  process.stderr.write(`unknown command "${command}"\n`);
  commands.help();
  process.exit(2);
}
if (!existsSync(join(root, 'package.json'))) throw new Error(`not a checkout: ${root}`);
process.exit(await handler());
