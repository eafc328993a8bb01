import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';

export interface SandboxResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** How the process was confined: 'namespaces' (no network, read-only filesystem but `scratch`, rlimits) or 'none'. */
  sandbox: 'namespaces' | 'none';
}

export interface SandboxOptions {
  /** The only writable folder. */
  scratch: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Address-space limit in bytes (default 3 GiB) and CPU seconds (default 120). */
  memoryBytes?: number;
  cpuSeconds?: number;
  /** 'auto' confines when Linux namespaces are available here, 'off' never. */
  mode?: 'auto' | 'off';
}

// Inside fresh mount and network namespaces: keep `scratch` writable, remount everything else read-only.
const CONFINE = `set -e
mount --make-rprivate /
mount --bind "$1" "$1"
for m in $(awk '{print $2}' /proc/self/mounts | sort -u); do
  case "$m" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|"$1") ;; *) mount -o remount,bind,ro "$m" 2>/dev/null || true ;; esac
done
shift
exec "$@"`;

let available: boolean | undefined;
function namespacesAvailable(): boolean {
  if (available !== undefined) return available;
  if (!existsSync('/usr/bin/unshare') || !existsSync('/usr/bin/prlimit')) return (available = false);
  const root = process.getuid?.() === 0;
  const probe = spawnSync(
    '/usr/bin/unshare',
    [
      ...(root ? [] : ['--map-root-user']),
      '--mount',
      '--net',
      '--fork',
      '--',
      'sh',
      '-c',
      'mount --make-rprivate / && true',
    ],
    { stdio: 'ignore', timeout: 5000 },
  );
  return (available = probe.status === 0);
}

/** A confined process started by startSandboxed: its stdin (when asked for), its wall-clock limit, its outcome. */
export interface SandboxedProcess {
  stdin: Writable | null;
  /** Restarts the wall-clock limit: SIGKILL `timeoutMs` from now (the outcome then says timedOut). */
  limit(timeoutMs: number): void;
  /** Whether the process or the pending limit keep this Node process alive (a spare waiting for work does not). */
  hold(held: boolean): void;
  kill(): void;
  exited: boolean;
  result: Promise<SandboxResult>;
}

/**
 * Runs a command confined with what Linux offers here: new network namespace (no network at all), new mount
 * namespace with every filesystem read-only except `scratch`, rlimits on memory, CPU time, file size and open files,
 * a wall-clock timeout (SIGKILL), and only the environment given. Falls back to an unconfined run (reported as
 * sandbox 'none') where namespaces are not permitted, e.g. in a locked-down container.
 */
export function runSandboxed(
  command: string,
  args: readonly string[],
  options: SandboxOptions,
): Promise<SandboxResult> {
  return startSandboxed(command, args, options).result;
}

/** runSandboxed, started: with `stdin` the process reads what the caller writes, and its limit can be moved. */
export function startSandboxed(
  command: string,
  args: readonly string[],
  options: SandboxOptions & { stdin?: boolean },
): SandboxedProcess {
  const confine = options.mode !== 'off' && namespacesAvailable();
  const limits = [
    `--as=${options.memoryBytes ?? 3 * 1024 ** 3}`,
    `--cpu=${options.cpuSeconds ?? 120}`,
    `--fsize=${256 * 1024 ** 2}`,
    '--nofile=512',
  ];
  const root = process.getuid?.() === 0;
  const [bin, argv] = confine
    ? [
        '/usr/bin/prlimit',
        [
          ...limits,
          '--',
          '/usr/bin/unshare',
          ...(root ? [] : ['--map-root-user']),
          '--mount',
          '--net',
          '--fork',
          '--kill-child',
          '--',
          'sh',
          '-c',
          CONFINE,
          'sandbox',
          options.scratch,
          command,
          ...args,
        ],
      ]
    : [command, [...args]];
  const child = spawn(bin, argv as string[], {
    env: options.env,
    cwd: options.scratch,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let timedOut = false;
  let held = true;
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = (timeoutMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    if (!held) timer.unref();
  };
  limit(options.timeoutMs);
  const handle: SandboxedProcess = {
    stdin: child.stdin,
    limit,
    hold(hold) {
      held = hold;
      for (const h of [child, child.stdin, child.stdout, child.stderr, timer]) {
        const ref = h as { ref?: () => void; unref?: () => void } | null | undefined;
        if (hold) ref?.ref?.();
        else ref?.unref?.();
      }
    },
    kill,
    exited: false,
    result: new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-1_000_000)));
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
      // A process that is gone before it read its input must not take this one down with EPIPE.
      child.stdin?.on('error', () => undefined);
      child.on('error', (error) => {
        clearTimeout(timer);
        handle.exited = true;
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        handle.exited = true;
        resolve({ code, stdout, stderr, timedOut, sandbox: confine ? 'namespaces' : 'none' });
      });
    }),
  };
  return handle;
}
