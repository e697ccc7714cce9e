// Child processes of a measurement run: started here, always stopped when the run ends (normal
// exit, error, Ctrl-C), plus free ports, HTTP waits and resident-memory readings from /proc.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        // SIGCONT first: a frozen (SIGSTOPped) emulator would otherwise never see the SIGKILL reap.
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
process.on('uncaughtException', (err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  console.error(err);
  killAll();
  process.exit(1);
});

export interface Started {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts a process whose stdout and stderr go to logFile; it is killed when this run ends. */
export function start(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): Started {
  const out = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
  });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal, at: performance.now() });
      });
    },
  );
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { child, pid: child.pid, exited };
}

export async function stop(started: Started, timeoutMs = 5000): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  started.child.kill('SIGCONT');
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), timeoutMs);
  await started.exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Polls url until it answers with one of the statuses (any status when none given). */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; statuses?: number[]; process?: Started } = {},
): Promise<number> {
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  let last = 'no answer';
  while (performance.now() < deadline) {
    if (options.process && options.process.child.exitCode !== null) {
      throw new Error(`process for ${url} exited with ${options.process.child.exitCode}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (!options.statuses || options.statuses.includes(res.status)) return res.status;
      last = `status ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`${url} did not become ready: ${last}`);
}

/** Resident memory of a process from /proc: current (VmRSS) and peak since start or reset (VmHWM). */
export function memory(pid: number): { rssKiB: number; hwmKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux: "5" to clear_refs), so the next peak is this phase's. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every intervalMs as a cross-check of VmHWM; stop() returns the largest seen. */
export function sampleRss(pid: number, intervalMs = 50): { stop(): number } {
  let max = 0;
  const read = () => {
    try {
      max = Math.max(max, memory(pid).rssKiB);
    } catch {
      // process gone
    }
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return max;
    },
  };
}

export const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/**
 * Keeps every thread of pid on the given CPU (taskset -a), so that a load generator and the server
 * it measures do not take turns on the same core. False where that cannot be done (one CPU, or no
 * taskset); pass cpu undefined to let the process run on every CPU again.
 */
export function pinToCpu(pid: number, cpu: number | undefined): boolean {
  const cpus = availableParallelism();
  if (cpus < 2) return false;
  try {
    execFileSync(
      'taskset',
      ['-a', '-pc', cpu === undefined ? `0-${cpus - 1}` : String(cpu), String(pid)],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}
