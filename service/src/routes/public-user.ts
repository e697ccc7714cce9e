// A user as clients see it: name, email and an avatar URL, presigned or the object's own URL
// depending on AVATAR_URL_MODE. Key, content type and creation time stay inside.
import type { AppSettings, Avatars } from '../app-dependencies.ts';
import type { UserItem } from '../domain/users.ts';

export interface PublicUser {
  avatar_url: string;
  email: string;
  name: string;
}

/** `remember`: whether a presigned URL made for this user is worth caching. */
export type PresentUser = (user: UserItem, remember?: boolean) => Promise<PublicUser>;

export function userPresenter(
  settings: Pick<AppSettings, 'AVATAR_URL_MODE' | 'AVATAR_URL_TTL'>,
  avatars: Pick<Avatars, 'presign'>,
): PresentUser {
  return async (user, remember = true) => {
    const avatarUrl =
      settings.AVATAR_URL_MODE === 'presigned'
        ? await avatars.presign(user.avatar_key, settings.AVATAR_URL_TTL, { remember })
        : user.avatar_url;
    return { avatar_url: avatarUrl, email: user.email, name: user.name };
  };
}
