// Why a POST /user form could not be read, as the API's own errors: formidable's limit errors,
// a client that hung up, and a full spool or disk.
import type { Logger } from 'pino';
import {
  badRequest,
  clientClosedRequest,
  HttpError,
  payloadTooLarge,
  validationFailed,
} from '../http/errors.ts';
import { FORM_OVERHEAD_BYTES } from '../limits.ts';
import { UploadSpoolFullError } from '../uploads/upload-spool.ts';

// formidable's error codes (formidable/src/FormidableError.js): the client hanging up, and the
// limits set below.
const FORMIDABLE_ABORTED = 1002;
const FORMIDABLE_FIELDS_TOO_BIG = 1006;
const FORMIDABLE_TOO_MANY_FIELDS = 1007;
const FORMIDABLE_FILES_TOO_BIG = 1009;
const FORMIDABLE_TOO_MANY_FILES = 1015;
const FORMIDABLE_FILE_TOO_BIG = 1016;

/** Refused at once: the rest of the body is discarded, never spooled (http/refused-body.ts). */
const uploadSpoolFull = () =>
  new HttpError(
    503,
    'upload_capacity',
    'the server is holding as many uploads in progress as it allows, try again shortly',
    { 'Retry-After': '1' },
  );

/** Why an upload was refused for lack of room: the spool's budget, or the disk itself. */
export type UploadRefusal = 'spool_full' | 'no_space';

export interface FormErrorOptions {
  avatarTooLarge: () => HttpError;
  logger: Logger;
  /** Told of every upload refused with 503 upload_capacity (avatar_uploads_refused_total). */
  onRefused: (reason: UploadRefusal) => void;
}

/** formidable's limit errors and a full spool or disk, as the API's own errors. */
export function userFormError(err: unknown, options: FormErrorOptions): unknown {
  const { avatarTooLarge, logger, onRefused } = options;
  if (err instanceof UploadSpoolFullError) {
    onRefused('spool_full');
    return uploadSpoolFull();
  }
  const { httpCode: status, code } = err as { httpCode?: unknown; code?: unknown };
  if (code === FORMIDABLE_ABORTED) return clientClosedRequest();
  if (code === 'ENOSPC') {
    logger.error({ err }, 'no space left for an upload in the temporary directory');
    onRefused('no_space');
    return uploadSpoolFull();
  }
  if (code === FORMIDABLE_FILE_TOO_BIG || code === FORMIDABLE_FILES_TOO_BIG) {
    return avatarTooLarge();
  }
  if (code === FORMIDABLE_FIELDS_TOO_BIG) {
    return payloadTooLarge(`the name and email parts must be at most ${FORM_OVERHEAD_BYTES} bytes`);
  }
  if (code === FORMIDABLE_TOO_MANY_FIELDS || code === FORMIDABLE_TOO_MANY_FILES) {
    return validationFailed('the form must have only the fields name, email and avatar (one file)');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return badRequest('the multipart/form-data body could not be parsed');
  }
  return err;
}
