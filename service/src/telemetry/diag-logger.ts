// The OpenTelemetry SDK's own messages (export failures, dropped spans) as pino JSON lines.
import type { DiagLogger } from '@opentelemetry/api';
import { createLogger } from '../logger.ts';

export function diagLogger(): DiagLogger {
  const log = createLogger('warn').child({ component: 'opentelemetry' });
  const write =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]) => {
      log[level](args.length > 0 ? { detail: args.map(String) } : {}, message);
    };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}
