// Errors that reach clients: one JSON envelope, {"error":{"code","message","request_id"}},
// with the right status. Anything else becomes a 500 whose details stay in the log.
import type { Context } from 'koa';
import type { Logger } from 'pino';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const validationFailed = (message: string) =>
  new HttpError(400, 'validation_failed', message);
export const unauthorized = (message: string) =>
  new HttpError(401, 'unauthorized', message, { 'WWW-Authenticate': 'API-Key' });
export const notFound = (message = 'no such resource') => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const payloadTooLarge = (message: string) =>
  new HttpError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message: string) =>
  new HttpError(415, 'unsupported_media_type', message);
export const serviceUnavailable = (code: string, message: string) =>
  new HttpError(503, code, message, { 'Retry-After': '5' });

/**
 * The client hung up before its request body was read. Nobody reads the answer; the status (nginx's
 * 499) keeps it apart from real bad requests in the access log and in http_request_duration_seconds.
 */
export const clientClosedRequest = () =>
  new HttpError(499, 'client_closed_request', 'the client closed the connection mid-request');

/** An AWS call failed: the dependency is down or refused us; the client may retry later. */
export const dependencyFailed = (dependency: string) =>
  serviceUnavailable('dependency_unavailable', `${dependency} is unavailable, try again later`);

export interface ErrorBody {
  error: { code: string; message: string; request_id: string };
}

export function errorBody(code: string, message: string, requestId: string): ErrorBody {
  return { error: { code, message, request_id: requestId } };
}

/** What Koa itself and its body parsers throw (http-errors, formidable, co-body). */
interface ExposedError {
  status?: unknown;
  statusCode?: unknown;
  httpCode?: unknown;
  expose?: unknown;
  message?: unknown;
  type?: unknown;
}

/** Maps any thrown value to the HttpError a client may see. */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ExposedError;
  const status = [e.status, e.statusCode, e.httpCode].find(
    (value): value is number => typeof value === 'number',
  );
  if (status === 413) return payloadTooLarge('request body is too large');
  if (status === 415) return unsupportedMediaType('unsupported request content type');
  if (e.type === 'entity.parse.failed') return badRequest('request body is not valid JSON');
  if (e.type === 'request.aborted') return clientClosedRequest();
  if (status !== undefined && status >= 400 && status < 500) {
    const message = e.expose === true && typeof e.message === 'string' ? e.message : 'bad request';
    return new HttpError(status, 'bad_request', message);
  }
  return undefined;
}

/** After routing: a bodiless 404/405/501 means no route answered; make it a JSON error. */
export function throwIfUnrouted(ctx: Context): void {
  if (ctx.body != null) return;
  if (ctx.status === 404) throw notFound(`no route for ${ctx.method} ${ctx.path}`);
  // @koa/router answers a known path with a wrong method 405, or 501 for a method it does
  // not route at all; both come with Allow, and both are a wrong method for this path.
  if ((ctx.status === 405 || ctx.status === 501) && ctx.response.get('Allow')) {
    throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
  }
  if (ctx.status === 501)
    throw new HttpError(501, 'not_implemented', `${ctx.method} is not supported`);
}

/** The error boundary: shapes any thrown value into the JSON envelope; 500s keep their secrets. */
export function renderError(ctx: Context, err: unknown, logger: Logger): void {
  const requestId = String(ctx.state.requestId ?? '');
  const known = toHttpError(err);
  if (known) {
    ctx.status = known.status;
    ctx.set(known.headers);
    ctx.body = errorBody(known.code, known.message, requestId);
    if (known.status >= 500) logger.warn({ err, requestId }, known.message);
    return;
  }
  logger.error({ err, requestId }, 'unhandled error');
  ctx.status = 500;
  ctx.body = errorBody('internal_error', 'internal server error', requestId);
}
