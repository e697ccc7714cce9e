// Structured JSON logs on stdout. Secrets that may appear in request data are redacted.
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'sre-kit-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers["api-key"]', 'req.headers["x-api-key"]', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
