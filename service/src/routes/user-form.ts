// The multipart form of POST /user: refused before a byte is read when it cannot be valid,
// otherwise streamed to spooled temporary files (never whole into memory) within the size limits,
// and those files removed once the request is answered.
import { tmpdir } from 'node:os';
import type { Context, Middleware, Next } from 'koa';
import { koaBody, type KoaBodyMiddlewareOptions } from 'koa-body';
import type { Logger } from 'pino';
import { payloadTooLarge, unsupportedMediaType } from '../http/errors.ts';
import { FORM_MAX_FIELDS, FORM_OVERHEAD_BYTES } from '../limits.ts';
import type { SpoolSession, UploadSpool } from '../uploads/upload-spool.ts';
import { userFormError, type UploadRefusal } from './user-form-errors.ts';

export interface UserFormFields {
  name: string | undefined;
  email: string | undefined;
  /** The spooled avatar; undefined when there was none, or more than one. */
  avatar: { filepath: string; size: number } | undefined;
}

const single = <T>(value: T | T[] | undefined): T | undefined =>
  Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;

/** The path formidable chose for a file (its VolatileFile has it; its typings omit it). */
function spoolPath(file: unknown): string {
  const path = (file as { filepath?: unknown } | undefined)?.filepath;
  if (typeof path !== 'string') throw new Error('formidable gave no path for the uploaded file');
  return path;
}

/** The fields of a form that readForm parsed. */
export function userFormFields(ctx: Context): UserFormFields {
  type File = UserFormFields['avatar'];
  const files = (ctx.request.files ?? {}) as Record<string, File | File[]>;
  const fields = (ctx.request.body ?? {}) as Record<string, string | string[] | undefined>;
  return { name: single(fields.name), email: single(fields.email), avatar: single(files.avatar) };
}

export interface UserFormOptions {
  avatarMaxBytes: number;
  spool: UploadSpool;
  logger: Logger;
  /** Told of every upload refused for lack of room (503 upload_capacity). */
  onRefused?: (reason: UploadRefusal) => void;
}

/** Two middlewares: preflight (headers only), then readForm (the body, to spooled files). */
export function userForm(options: UserFormOptions): {
  preflight: Middleware;
  readForm: Middleware;
} {
  const { avatarMaxBytes, spool, logger, onRefused = () => {} } = options;
  const maxRequestBytes = avatarMaxBytes + FORM_OVERHEAD_BYTES;
  const avatarTooLarge = () => payloadTooLarge(`avatar must be at most ${avatarMaxBytes} bytes`);
  const formError = (err: unknown) => userFormError(err, { avatarTooLarge, logger, onRefused });

  /** Rejects what cannot be a valid upload before a byte of the body is read. */
  async function preflight(ctx: Context, next: Next): Promise<void> {
    if (!ctx.is('multipart/form-data')) {
      throw unsupportedMediaType(
        'POST /user takes multipart/form-data with name, email and avatar',
      );
    }
    const declared = Number(ctx.get('Content-Length') || 0);
    if (declared > maxRequestBytes) {
      throw avatarTooLarge();
    }
    await next();
  }

  const formOptions = (files: SpoolSession): Partial<KoaBodyMiddlewareOptions> => ({
    multipart: true,
    json: false,
    urlencoded: false,
    text: false,
    formidable: {
      uploadDir: tmpdir(),
      fileWriteStreamHandler: (file) => files.writer(spoolPath(file)),
      maxFiles: 1,
      maxFileSize: avatarMaxBytes,
      maxTotalFileSize: avatarMaxBytes,
      maxFields: FORM_MAX_FIELDS,
      maxFieldsSize: FORM_OVERHEAD_BYTES,
      allowEmptyFiles: true,
      minFileSize: 0,
    },
  });

  /** Parses the form into spooled files, removed (and their bytes given back) once answered. */
  async function readForm(ctx: Context, next: Next): Promise<void> {
    const files = spool.session();
    try {
      try {
        await koaBody(formOptions(files))(ctx, () => Promise.resolve());
      } catch (err) {
        throw formError(files.failure() ?? err);
      }
      const failure = files.failure();
      if (failure) throw formError(failure);
      await next();
    } finally {
      await files.dispose();
    }
  }

  return { preflight, readForm };
}
