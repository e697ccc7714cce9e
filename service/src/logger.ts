// Structured JSON logs on stdout. Secrets that may appear in request data are redacted.
import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /**
   * `false` lets writes coalesce while one is in flight (far fewer syscalls under load); call
   * `logger.flush()` before exiting. Start-up failures log synchronously.
   */
  sync?: boolean;
  /** Fields added to every line, e.g. the active trace's ids when tracing is on. */
  mixin?: () => object;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const destination = pino.destination({ dest: 1, sync: options.sync ?? true });
  return pino(
    {
      level,
      ...(options.mixin ? { mixin: options.mixin } : {}),
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
