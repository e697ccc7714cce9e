// POST /user: the form (user-form.ts) goes to the register-user use case, and its outcome
// becomes the answer: 201 with the new user, or the error a client can act on.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { RegisterUser, RegistrationResult } from '../domain/register-user.ts';
import {
  conflict,
  dependencyFailed,
  unsupportedMediaType,
  validationFailed,
} from '../http/errors.ts';
import { spooledAvatar } from '../uploads/spooled-avatar.ts';
import type { PresentUser, PublicUser } from './public-user.ts';
import { userFormFields } from './user-form.ts';

export interface PostUserOptions {
  form: { preflight: Middleware; readForm: Middleware };
  register: RegisterUser;
  present: PresentUser;
}

export function registerPostUser(router: Router, options: PostUserOptions): void {
  const { form, register, present } = options;

  router.post('/user', form.preflight, form.readForm, async (ctx) => {
    const { name, email, avatar } = userFormFields(ctx);
    const result = await register({
      name,
      email,
      avatar: avatar && spooledAvatar(avatar.filepath, avatar.size),
      requestId: String(ctx.state.requestId),
    });
    const user = await created(result, present);
    ctx.status = 201;
    ctx.body = user;
  });
}

/** The new user as clients see it, or the error that answers the refusal. */
async function created(result: RegistrationResult, present: PresentUser): Promise<PublicUser> {
  switch (result.outcome) {
    case 'created':
      return present(result.user);
    case 'invalid':
      throw validationFailed(result.problems.join('; '));
    case 'unsupported_image':
      throw unsupportedMediaType('avatar must be a PNG, JPEG, GIF or WebP image');
    case 'email_taken':
      throw conflict(`email ${result.email} is already registered`);
    case 'unavailable':
      throw dependencyFailed(result.dependency);
  }
}
