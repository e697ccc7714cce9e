// GET /users and POST /user: users with avatar images. The avatar goes to S3 first, then the user
// item is written with a conditional put; if that is refused the object is deleted again, and if
// its outcome is in doubt (a timeout) the object is checked later (domain/avatar-cleanup.ts), so
// neither an orphan object nor a user without an avatar is left behind.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { koaBody, type KoaBodyMiddlewareOptions } from 'koa-body';
import type { AppDependencies } from '../app-dependencies.ts';
import { EmailTakenError, type UserItem } from '../aws/users-repository.ts';
import { InvalidCursorError } from '../domain/paging.ts';
import { detectImageType, IMAGE_SNIFF_BYTES } from '../domain/image-type.ts';
import { parseEmail, parseName } from '../domain/user-input.ts';
import {
  badRequest,
  clientClosedRequest,
  conflict,
  dependencyFailed,
  HttpError,
  payloadTooLarge,
  unsupportedMediaType,
  validationFailed,
} from '../http/errors.ts';
import { exposeGauge } from '../http/metrics.ts';
import { cursorParam, invalidCursor, parseLimit } from '../http/pagination.ts';
import { UploadSpool, UploadSpoolFullError, type SpoolSession } from '../uploads/upload-spool.ts';
import { FORM_MAX_FIELDS, FORM_OVERHEAD_BYTES } from '../limits.ts';
import { usersListing } from './users-listing.ts';

// formidable's error codes (formidable/src/FormidableError.js): the client hanging up, and the
// limits set below.
const FORMIDABLE_ABORTED = 1002;
const FORMIDABLE_FIELDS_TOO_BIG = 1006;
const FORMIDABLE_TOO_MANY_FIELDS = 1007;
const FORMIDABLE_FILES_TOO_BIG = 1009;
const FORMIDABLE_TOO_MANY_FILES = 1015;
const FORMIDABLE_FILE_TOO_BIG = 1016;

export interface PublicUser {
  avatar_url: string;
  email: string;
  name: string;
}

interface UploadedFile {
  filepath: string;
  size: number;
}

/** Refused at once: the rest of the body is discarded, never spooled (http/refused-body.ts). */
const uploadSpoolFull = () =>
  new HttpError(
    503,
    'upload_capacity',
    'the server is holding as many uploads in progress as it allows, try again shortly',
    { 'Retry-After': '1' },
  );

const single = <T>(value: T | T[] | undefined): T | undefined =>
  Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;

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

/** The path formidable chose for a file (its VolatileFile has it; its typings omit it). */
function spoolPath(file: unknown): string {
  const path = (file as { filepath?: unknown } | undefined)?.filepath;
  if (typeof path !== 'string') throw new Error('formidable gave no path for the uploaded file');
  return path;
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export function registerUserRoutes(router: Router, deps: AppDependencies): void {
  const { settings, users, avatars, cleanup, logger, clock } = deps;
  // Every upload is streamed to /tmp first; together they may hold at most this many bytes there.
  const spool = new UploadSpool(settings.UPLOAD_TMP_MAX_BYTES);
  exposeGauge(
    deps.metrics,
    'avatar_upload_tmp_bytes',
    'Bytes of uploads in progress held in /tmp',
    () => spool.usedBytes,
  );

  async function present(user: UserItem, remember = true): Promise<PublicUser> {
    const avatarUrl =
      settings.AVATAR_URL_MODE === 'presigned'
        ? await avatars.presign(user.avatar_key, settings.AVATAR_URL_TTL, { remember })
        : user.avatar_url;
    return { avatar_url: avatarUrl, email: user.email, name: user.name };
  }
  const streamAllUsers = usersListing({ users, present, logger, metrics: deps.metrics });

  router.get('/users', async (ctx) => {
    const limit = parseLimit(ctx.query.limit, undefined);
    const cursor = cursorParam(ctx.query.cursor);
    if (limit === undefined) {
      if (cursor !== undefined) {
        if (!users.isValidCursor(cursor)) throw invalidCursor();
        throw validationFailed('cursor: only valid together with limit');
      }
      await streamAllUsers(ctx);
      return;
    }
    const page = await users.pageAfter(limit, cursor).catch((err: unknown) => {
      if (err instanceof InvalidCursorError) throw invalidCursor();
      return dynamoFailed(err);
    });
    if (page.nextCursor !== undefined) {
      const next = `/users?limit=${limit}&cursor=${page.nextCursor}`;
      ctx.set('Link', `<${next}>; rel="next"`);
    }
    ctx.body = await Promise.all(page.items.map((user) => present(user)));
  });

  const maxRequestBytes = settings.AVATAR_MAX_BYTES + FORM_OVERHEAD_BYTES;
  const avatarTooLarge = () =>
    payloadTooLarge(`avatar must be at most ${settings.AVATAR_MAX_BYTES} bytes`);

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

  /** Streams the form to temporary files (never whole into memory); stops at the size limits. */
  const formOptions = (files: SpoolSession): Partial<KoaBodyMiddlewareOptions> => ({
    multipart: true,
    json: false,
    urlencoded: false,
    text: false,
    formidable: {
      uploadDir: tmpdir(),
      fileWriteStreamHandler: (file) => files.writer(spoolPath(file)),
      maxFiles: 1,
      maxFileSize: settings.AVATAR_MAX_BYTES,
      maxTotalFileSize: settings.AVATAR_MAX_BYTES,
      maxFields: FORM_MAX_FIELDS,
      maxFieldsSize: FORM_OVERHEAD_BYTES,
      allowEmptyFiles: true,
      minFileSize: 0,
    },
  });

  /** formidable's limit errors and a full spool or disk, as the API's own errors. */
  function formError(err: unknown): unknown {
    if (err instanceof UploadSpoolFullError) return uploadSpoolFull();
    const { httpCode: status, code } = err as { httpCode?: unknown; code?: unknown };
    if (code === FORMIDABLE_ABORTED) return clientClosedRequest();
    if (code === 'ENOSPC') {
      logger.error({ err }, 'no space left for an upload in the temporary directory');
      return uploadSpoolFull();
    }
    if (code === FORMIDABLE_FILE_TOO_BIG || code === FORMIDABLE_FILES_TOO_BIG) {
      return avatarTooLarge();
    }
    if (code === FORMIDABLE_FIELDS_TOO_BIG) {
      return payloadTooLarge(
        `the name and email parts must be at most ${FORM_OVERHEAD_BYTES} bytes`,
      );
    }
    if (code === FORMIDABLE_TOO_MANY_FIELDS || code === FORMIDABLE_TOO_MANY_FILES) {
      return validationFailed(
        'the form must have only the fields name, email and avatar (one file)',
      );
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return badRequest('the multipart/form-data body could not be parsed');
    }
    return err;
  }

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

  router.post('/user', preflight, readForm, async (ctx) => {
    const files = (ctx.request.files ?? {}) as Record<string, UploadedFile | UploadedFile[]>;
    const fields = (ctx.request.body ?? {}) as Record<string, string | string[] | undefined>;
    const name = parseName(single(fields.name));
    const email = parseEmail(single(fields.email));
    const avatar = single(files.avatar);
    const problems: string[] = [];
    if (!name.ok) problems.push(`name ${name.problem}`);
    if (!email.ok) problems.push(`email ${email.problem}`);
    if (!avatar) problems.push('avatar is required (one image file)');
    else if (avatar.size === 0) problems.push('avatar is empty');
    if (!name.ok || !email.ok || !avatar || problems.length > 0) {
      throw validationFailed(problems.join('; '));
    }

    const type = detectImageType(await readHead(avatar.filepath, IMAGE_SNIFF_BYTES));
    if (!type) throw unsupportedMediaType('avatar must be a PNG, JPEG, GIF or WebP image');

    // Cheap early answer for the common case; the conditional put below is the real guard.
    if (await users.exists(email.value).catch(dynamoFailed)) {
      throw conflict(`email ${email.value} is already registered`);
    }

    const key = avatars.newKey(type);
    const stored = await avatars
      .put(key, createReadStream(avatar.filepath), avatar.size, type)
      .catch((err: unknown) => {
        logger.warn({ err, requestId: ctx.state.requestId }, 'avatar upload failed');
        // A timed-out upload may still be stored: have the object checked once it settled.
        if (!isDefinitiveFailure(err)) cleanup.schedule(key, email.value);
        throw dependencyFailed('S3');
      });

    const item: UserItem = {
      email: email.value,
      name: name.value,
      avatar_url: stored.url,
      avatar_key: stored.key,
      avatar_content_type: stored.contentType,
      created_at: clock.now().toISOString(),
    };
    try {
      await users.create(item);
    } catch (err) {
      if (err instanceof EmailTakenError || isDefinitiveFailure(err)) {
        // The user was certainly not written: the object goes now (or later, if S3 is down).
        await avatars.delete(key).catch((deleteErr: unknown) => {
          logger.warn(
            { err: deleteErr, key, requestId: ctx.state.requestId },
            'avatar delete failed',
          );
          cleanup.schedule(key, email.value);
        });
      } else {
        // A timed-out write may still land: deleting now could strip a real user of its avatar.
        cleanup.schedule(key, email.value);
      }
      if (err instanceof EmailTakenError) throw conflict(err.message);
      logger.warn({ err, requestId: ctx.state.requestId }, 'user write failed');
      throw dependencyFailed('DynamoDB');
    }
    ctx.status = 201;
    ctx.body = await present(item);
  });

  function dynamoFailed(err: unknown): never {
    logger.warn({ err }, 'DynamoDB call failed');
    throw dependencyFailed('DynamoDB');
  }
}
