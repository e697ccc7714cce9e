// The bare servers the service is measured against (src/baselines/): a bare Koa app and a bare
// node:http server, each a child process on a free port.
import { join } from 'node:path';
import { freePort, start, waitForHttp, type Started } from '../lib/proc.ts';
import { REPORTS } from '../lib/stack.ts';

export interface Baseline {
  url: string;
  process: Started;
}

export async function startBaseline(file: string, name: string): Promise<Baseline> {
  const port = await freePort();
  const started = start(process.execPath, [join(import.meta.dirname, '../baselines', file)], {
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production' },
    logFile: join(REPORTS, `bench-${name}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/status`, { statuses: [200], process: started });
  return { url, process: started };
}
