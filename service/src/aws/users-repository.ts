// Users in DynamoDB. The table's partition key is `email`: a conditional put makes the email
// unique even under parallel requests.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Page } from '../domain/paging.ts';
import {
  EmailTakenError,
  type UserItem,
  type UserListing,
  type UserRecords,
} from '../domain/users.ts';
import { decodeKeyCursor, nextCursor, type StartKey } from './key-cursor.ts';

export interface UserPage {
  items: UserItem[];
  /** The key to continue after, when there may be more. */
  nextKey: StartKey | undefined;
}

const USER_KEY_FIELDS = ['email'] as const;

export class UsersRepository implements UserRecords, UserListing {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  constructor(db: DynamoDBDocumentClient, table: string) {
    this.#db = db;
    this.#table = table;
  }

  async exists(email: string): Promise<boolean> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: { email }, ProjectionExpression: 'email' }),
    );
    return Item !== undefined;
  }

  /** The avatar key of the user stored under `email` (strongly consistent), if any. */
  async avatarKeyOf(email: string): Promise<string | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({
        TableName: this.#table,
        Key: { email },
        ProjectionExpression: 'avatar_key',
        ConsistentRead: true,
      }),
    );
    return typeof Item?.avatar_key === 'string' ? Item.avatar_key : undefined;
  }

  /** Writes the user unless the email exists; throws EmailTakenError then. */
  async create(user: UserItem): Promise<void> {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: user,
          ConditionExpression: 'attribute_not_exists(email)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new EmailTakenError(user.email);
      throw err;
    }
  }

  /**
   * One page of at most `limit` items; reads no more of the table than that. Aborting `signal`
   * cancels the read in flight.
   */
  async page(
    limit: number,
    startKey: StartKey | undefined,
    signal?: AbortSignal,
  ): Promise<UserPage> {
    const result = await this.#db.send(
      new ScanCommand({
        TableName: this.#table,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    const last = result.LastEvaluatedKey as StartKey | undefined;
    return { items: (result.Items ?? []) as UserItem[], nextKey: last };
  }

  /** One page of at most `limit` users after `cursor` (made by this method). */
  async pageAfter(limit: number, cursor: string | undefined): Promise<Page<UserItem>> {
    const startKey = cursor === undefined ? undefined : decodeKeyCursor(cursor, USER_KEY_FIELDS);
    const page = await this.page(limit, startKey);
    return { items: page.items, nextCursor: nextCursor(page.nextKey) };
  }

  /** Whether pageAfter would take `cursor`, without reading the table. */
  isValidCursor(cursor: string): boolean {
    try {
      decodeKeyCursor(cursor, USER_KEY_FIELDS);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Every user, a page of at most `pageSize` at a time, each page read only when the previous one
   * was taken (GET /users without ?limit streams these).
   */
  async *pages(pageSize: number, signal?: AbortSignal): AsyncGenerator<UserItem[]> {
    let startKey: StartKey | undefined;
    do {
      const page = await this.page(pageSize, startKey, signal);
      if (page.items.length > 0) yield page.items;
      startKey = page.nextKey;
    } while (startKey);
  }
}
