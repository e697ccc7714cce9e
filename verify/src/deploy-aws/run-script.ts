// Runs terraform/scripts/aws.sh (make deploy-aws, make destroy-aws) as the check needs it: its
// output kept in a log file and in memory, each line handed over as it comes.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

export interface Run {
  code: number | null;
  output: string;
}

/** Runs the script with its output in <logDir>/<name>.log; onLine sees each line as it comes. */
export type RunScript = (
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
  signal?: AbortSignal,
) => Promise<Run>;

/** A runner of one script; a run that takes longer than ten minutes is sent SIGTERM. */
export function scriptRunner(script: string, logDir: string): RunScript {
  return (name, args, env, onLine, signal) => {
    const file = createWriteStream(join(logDir, `${name}.log`));
    let output = '';
    let pending = '';
    return new Promise((resolve, reject) => {
      const child = spawn(script, args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
      const take = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        file.write(text);
        output += text;
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) onLine?.(line);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', (err) => {
        if (!signal?.aborted) reject(err);
      });
      const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        file.end();
        resolve({ code, output });
      });
    });
  };
}
