// HTTP probes as the kubelet runs them: success is a status of 200-399 within timeoutSeconds,
// tried every periodSeconds.
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Probe } from '../chart/rendered-pod.ts';
import { printLogs, state } from './docker.ts';
import { fail, log } from './report.ts';

export interface Answer {
  /** The HTTP status, or '000' when nothing answered within the timeout. */
  code: string;
  body: string;
}

/**
 * One kubelet HTTP probe: success is a status of 200-399 within timeoutSeconds. Each on a new
 * connection that closes after the answer, as the kubelet's: an idle keep-alive connection would
 * hold the app's graceful shutdown open until its keep-alive timeout.
 */
export function probeOnce(base: string, path: string, timeoutSeconds: number): Promise<Answer> {
  return new Promise((resolve) => {
    const noAnswer = () => {
      resolve({ code: '000', body: '' });
    };
    const request = get(
      `${base}${path}`,
      { agent: false, signal: AbortSignal.timeout(timeoutSeconds * 1000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', noAnswer);
        res.on('end', () => {
          resolve({ code: String(res.statusCode), body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    request.on('error', noAnswer);
  });
}

/** The app under probe: its published URL and its container, which must keep running. */
export interface ProbedApp {
  base: string;
  container: string;
}

/** Runs a probe the way the kubelet does until it gives `want`, for at most maxSeconds. */
export async function probeUntil(
  app: ProbedApp,
  name: string,
  p: Probe,
  want: 'pass' | 'fail',
  maxSeconds: number,
): Promise<Answer> {
  const deadline = performance.now() + maxSeconds * 1000;
  let last: Answer = { code: '000', body: '' };
  while (performance.now() <= deadline) {
    last = await probeOnce(app.base, p.path, p.timeout);
    const got = /^[23]\d\d$/.test(last.code) ? 'pass' : 'fail';
    if (got === want) {
      log(
        `ok   ${name} probe GET ${p.path} -> ${last.code} (${want}, timeout ${p.timeout}s): ${last.body.slice(0, 200)}`,
      );
      return last;
    }
    if (!state(app.container).startsWith('true')) {
      printLogs(app.container);
      fail('the container exited');
    }
    await sleep(p.period * 1000);
  }
  printLogs(app.container);
  return fail(
    `${name} probe GET ${p.path} did not ${want} within ${maxSeconds}s (last status ${last.code}: ${last.body.slice(0, 200)})`,
  );
}
