// GET /users: with ?limit, one page and a Link to the next (its cursor is opaque, made and read
// by the user listing); without it, every user streamed (users-listing.ts).
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { InvalidCursorError } from '../domain/paging.ts';
import type { UserListing } from '../domain/users.ts';
import { dependencyFailed, validationFailed } from '../http/errors.ts';
import { cursorParam, invalidCursor, parseLimit } from '../http/pagination.ts';
import type { PresentUser } from './public-user.ts';

export interface GetUsersOptions {
  users: UserListing;
  present: PresentUser;
  streamAllUsers: (ctx: Context) => Promise<void>;
  logger: Logger;
}

export function registerGetUsers(router: Router, options: GetUsersOptions): void {
  const { users, present, streamAllUsers, logger } = options;

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
      logger.warn({ err }, 'DynamoDB call failed');
      throw dependencyFailed('DynamoDB');
    });
    if (page.nextCursor !== undefined) {
      const next = `/users?limit=${limit}&cursor=${page.nextCursor}`;
      ctx.set('Link', `<${next}>; rel="next"`);
    }
    ctx.body = await Promise.all(page.items.map((user) => present(user)));
  });
}
