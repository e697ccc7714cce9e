// Users in DynamoDB. The table's partition key is `email`: a conditional put makes the email
// unique even under parallel requests.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

/** The item as stored: the brief's string attributes plus what the service needs. */
export interface UserItem {
  email: string;
  name: string;
  avatar_url: string;
  avatar_key: string;
  avatar_content_type: string;
  created_at: string;
}

export interface UserPage {
  items: UserItem[];
  /** The key to continue after, when there may be more. */
  nextKey: Record<string, string> | undefined;
}

export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`email ${email} is already registered`);
    this.name = 'EmailTakenError';
  }
}

export const USER_KEY_FIELDS = ['email'] as const;

export class UsersRepository {
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

  /** One page of at most `limit` items; reads no more of the table than that. */
  async page(limit: number, startKey: Record<string, string> | undefined): Promise<UserPage> {
    const result = await this.#db.send(
      new ScanCommand({
        TableName: this.#table,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const last = result.LastEvaluatedKey as Record<string, string> | undefined;
    return { items: (result.Items ?? []) as UserItem[], nextKey: last };
  }

  /** Every user, read page by page (GET /users without ?limit, as the brief has it). */
  async all(): Promise<UserItem[]> {
    const users: UserItem[] = [];
    let startKey: Record<string, string> | undefined;
    do {
      const page = await this.page(1000, startKey);
      users.push(...page.items);
      startKey = page.nextKey;
    } while (startKey);
    return users;
  }
}
