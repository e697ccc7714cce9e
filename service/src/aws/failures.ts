// How a failed AWS call ended: refused (nothing was written) or in doubt (it may still be
// applied). Deciding what to undo after a failure depends on this, see domain/register-user.ts.

/**
 * An AWS service error with a 4xx status (missing table or bucket, access denied, validation):
 * the call was refused and nothing was written. Timeouts, dropped connections and 5xx are not
 * definitive: the call may have been applied after all.
 */
export function isDefinitiveFailure(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
