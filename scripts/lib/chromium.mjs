// Chromium for the console's browser tests (test/console/): Debian's `chromium` package, driven by playwright-core.
// Installed with apt-get when /usr/bin/chromium is missing and we are root (CI: a clean Debian 12 machine);
// otherwise a clear message says what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw new Error(`apt-get ${args.join(' ')}: ${result.error.message}`);
  return result.status ?? 1;
}

export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `${CHROMIUM_PATH} is missing and setup is not running as root: install Debian's chromium package ` +
        '(sudo apt-get install -y --no-install-recommends chromium) and run npm run setup again',
    );
  }
  process.stderr.write('[setup] installing Debian chromium for the browser tests (apt-get)\n');
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  // A fresh machine may have no package lists yet: update once and retry.
  if (apt(install) !== 0 && (apt(['update']) !== 0 || apt(install) !== 0)) {
    throw new Error('apt-get install chromium failed: see the apt output above');
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}
