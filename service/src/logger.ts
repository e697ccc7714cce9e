// Structured JSON logs on stdout. Secrets that may appear in request data are redacted.
import { pino, type Logger } from 'pino';

/**
 * `sync: false` lets writes coalesce while one is in flight (far fewer syscalls under load);
 * call `logger.flush()` before exiting. Start-up failures log synchronously.
 */
export function createLogger(level: string, options: { sync?: boolean } = {}): Logger {
  const destination = pino.destination({ dest: 1, sync: options.sync ?? true });
  return pino(
    {
      level,
      base: { service: 'sre-kit-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers["api-key"]', 'req.headers["x-api-key"]', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
