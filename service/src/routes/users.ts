// GET /users and POST /user: users with avatar images. This module wires them: the /tmp budget
// for uploads, how a user is presented, the full listing and the register-user use case, each
// built from the app's dependencies so a test can replace any of them.
import type Router from '@koa/router';
import type { AppDependencies } from '../app-dependencies.ts';
import { registerUser } from '../domain/register-user.ts';
import { Counter } from 'prom-client';
import { exposeGauge } from '../http/metrics.ts';
import { UploadSpool } from '../uploads/upload-spool.ts';
import { registerGetUsers } from './get-users.ts';
import { registerPostUser } from './post-user.ts';
import { userPresenter } from './public-user.ts';
import { userForm } from './user-form.ts';
import { usersListing } from './users-listing.ts';

export function registerUserRoutes(router: Router, deps: AppDependencies): void {
  const { settings, users, avatars, logger, metrics } = deps;
  // Every upload is streamed to /tmp first; together they may hold at most this many bytes there.
  const spool = new UploadSpool(settings.UPLOAD_TMP_MAX_BYTES);
  exposeGauge(
    metrics,
    'avatar_upload_tmp_bytes',
    'Bytes of uploads in progress held in /tmp',
    () => spool.usedBytes,
  );
  exposeGauge(
    metrics,
    'avatar_upload_tmp_limit_bytes',
    'Bytes of /tmp that uploads in progress may hold together (UPLOAD_TMP_MAX_BYTES)',
    () => spool.capacityBytes,
  );
  const refused = new Counter({
    name: 'avatar_uploads_refused_total',
    help: 'Uploads refused with 503 upload_capacity, by reason (spool_full: the /tmp budget; no_space: the disk)',
    labelNames: ['reason'],
    registers: [metrics.registry],
  });
  for (const reason of ['spool_full', 'no_space']) refused.labels(reason).inc(0);
  const present = userPresenter(settings, avatars);

  registerGetUsers(router, {
    users,
    present,
    streamAllUsers: usersListing({ users, present, logger, metrics }),
    logger,
  });
  registerPostUser(router, {
    form: userForm({
      avatarMaxBytes: settings.AVATAR_MAX_BYTES,
      spool,
      logger,
      onRefused: (reason) => {
        refused.labels(reason).inc();
      },
    }),
    register: registerUser({
      avatars,
      users,
      cleanup: deps.cleanup,
      clock: deps.clock,
      isDefinitiveFailure: deps.isDefinitiveFailure,
      logger,
    }),
    present,
  });
}
