// Registers a user with an avatar. The image goes to storage first, then the user is written
// with a conditional put on its email. If the write was refused, the object is deleted again; if
// its outcome is in doubt (a timeout), the object is checked later (avatar-cleanup.ts), since the
// write may still land. So neither an orphan object nor a user without an avatar is left behind.
import type { Logger } from 'pino';
import { detectImageType, IMAGE_SNIFF_BYTES } from './image-type.ts';
import type {
  AvatarStorage,
  AvatarUpload,
  CleanupScheduler,
  Clock,
  DefinitiveFailureCheck,
  StoredAvatar,
} from './registration-ports.ts';
import { parseNewUser } from './user-input.ts';
import { EmailTakenError, type UserItem, type UserRecords } from './users.ts';

export interface Registration {
  name: unknown;
  email: unknown;
  /** Undefined when the form had no avatar, or more than one. */
  avatar: AvatarUpload | undefined;
  requestId: string;
}

export type RegistrationResult =
  | { outcome: 'created'; user: UserItem }
  | { outcome: 'invalid'; problems: string[] }
  | { outcome: 'unsupported_image' }
  | { outcome: 'email_taken'; email: string }
  | { outcome: 'unavailable'; dependency: 'S3' | 'DynamoDB' };

export interface RegisterUserPorts {
  avatars: AvatarStorage;
  users: UserRecords;
  cleanup: CleanupScheduler;
  clock: Clock;
  isDefinitiveFailure: DefinitiveFailureCheck;
  logger: Logger;
}

export type RegisterUser = (registration: Registration) => Promise<RegistrationResult>;

export function registerUser(ports: RegisterUserPorts): RegisterUser {
  const { avatars, users, cleanup, clock, isDefinitiveFailure, logger } = ports;

  return async function register(registration) {
    const { requestId } = registration;
    const form = parseNewUser(registration.name, registration.email, registration.avatar);
    if (!form.ok) return { outcome: 'invalid', problems: form.problems };
    const { name, email, avatar } = form;
    const type = detectImageType(await avatar.head(IMAGE_SNIFF_BYTES));
    if (!type) return { outcome: 'unsupported_image' };

    const unavailable = (dependency: 'S3' | 'DynamoDB', err: unknown, message: string) => {
      logger.warn({ err, requestId }, message);
      return { outcome: 'unavailable', dependency } as const;
    };
    // A cheap early answer for the common case; the conditional write below is the real guard.
    let taken: boolean;
    try {
      taken = await users.exists(email);
    } catch (err) {
      return unavailable('DynamoDB', err, 'DynamoDB call failed');
    }
    if (taken) return { outcome: 'email_taken', email };

    const key = avatars.newKey(type);
    let stored: StoredAvatar;
    try {
      stored = await avatars.put(key, avatar.content(), avatar.size, type);
    } catch (err) {
      // A timed-out upload may still be stored: have the object checked once it settled.
      if (!isDefinitiveFailure(err)) cleanup.schedule(key, email);
      return unavailable('S3', err, 'avatar upload failed');
    }

    const user: UserItem = {
      email,
      name,
      avatar_url: stored.url,
      avatar_key: stored.key,
      avatar_content_type: stored.contentType,
      created_at: clock.now().toISOString(),
    };
    try {
      await users.create(user);
      return { outcome: 'created', user };
    } catch (err) {
      const emailTaken = err instanceof EmailTakenError;
      // The user was certainly not written: the object goes now (or later, if storage is down).
      if (emailTaken || isDefinitiveFailure(err)) await undoUpload(key, email, requestId);
      // A timed-out write may still land: deleting now could strip a real user of its avatar.
      else cleanup.schedule(key, email);
      if (emailTaken) return { outcome: 'email_taken', email };
      return unavailable('DynamoDB', err, 'user write failed');
    }
  };

  async function undoUpload(key: string, email: string, requestId: string): Promise<void> {
    try {
      await avatars.delete(key);
    } catch (err) {
      logger.warn({ err, key, requestId }, 'avatar delete failed');
      cleanup.schedule(key, email);
    }
  }
}
