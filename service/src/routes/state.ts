// The shared-variable service: GET /state, POST /update (API key), GET /logs (audit entries).
import { timingSafeEqual, createHash } from 'node:crypto';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import type { AppDependencies } from '../app-dependencies.ts';
import { InvalidCursorError } from '../domain/paging.ts';
import { StateContentionError } from '../domain/state-service.ts';
import { stateUpdateSchema } from '../domain/state-update.ts';
import {
  HttpError,
  dependencyFailed,
  serviceUnavailable,
  unauthorized,
  unsupportedMediaType,
  validationFailed,
} from '../http/errors.ts';
import { cursorParam, invalidCursor, parseLimit } from '../http/pagination.ts';
import { DEFAULT_LOG_PAGE, JSON_BODY_LIMIT } from '../limits.ts';

/** Compares two secrets in time that does not depend on where they differ (nor their lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function registerStateRoutes(router: Router, deps: AppDependencies): void {
  const { settings, state, clock, startedAt, logger } = deps;

  async function requireApiKey(ctx: Context, next: Next): Promise<void> {
    const expected = settings.API_KEY;
    if (!expected) {
      throw serviceUnavailable(
        'not_configured',
        'POST /update is not configured: API_KEY is unset',
      );
    }
    const given = ctx.get('API-Key') || ctx.get('X-API-Key');
    if (!given || !sameSecret(given, expected)) {
      throw unauthorized('missing or wrong API key (header API-Key or X-API-Key)');
    }
    await next();
  }

  async function requireJson(ctx: Context, next: Next): Promise<void> {
    if (!ctx.is('application/json'))
      throw unsupportedMediaType('POST /update takes application/json');
    await next();
  }

  const parseJson = koaBody({
    json: true,
    jsonStrict: true,
    jsonLimit: JSON_BODY_LIMIT,
    multipart: false,
    urlencoded: false,
    text: false,
  });

  const uptimeSeconds = () =>
    Math.max(0, Math.floor((clock.now().getTime() - startedAt.getTime()) / 1000));

  const stateFailed = (err: unknown): never => {
    if (err instanceof InvalidCursorError) throw invalidCursor();
    if (err instanceof StateContentionError) {
      throw new HttpError(409, 'conflict', err.message, { 'Retry-After': '1' });
    }
    logger.warn({ err }, 'state call failed');
    throw dependencyFailed('DynamoDB');
  };

  router.get('/state', async (ctx) => {
    const current = await state.read().catch(stateFailed);
    ctx.body = {
      counter: current.counter,
      message: current.message,
      updated_at: current.updated_at,
      uptime_seconds: uptimeSeconds(),
    };
  });

  router.post('/update', requireApiKey, requireJson, parseJson, async (ctx) => {
    const parsed = stateUpdateSchema.safeParse(ctx.request.body);
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((issue) => issue.message).join('; '));
    }
    const next = await state.update(parsed.data, String(ctx.state.requestId)).catch(stateFailed);
    ctx.body = {
      counter: next.counter,
      message: next.message,
      updated_at: next.updated_at,
      uptime_seconds: uptimeSeconds(),
    };
  });

  router.get('/logs', async (ctx) => {
    const limit = parseLimit(ctx.query.limit, DEFAULT_LOG_PAGE) ?? DEFAULT_LOG_PAGE;
    const cursor = cursorParam(ctx.query.cursor);
    const page = await state.log(limit, cursor).catch(stateFailed);
    ctx.body = {
      items: page.items,
      next_cursor: page.nextCursor ?? null,
    };
  });
}
