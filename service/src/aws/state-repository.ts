// The shared state and its audit log, in one DynamoDB table keyed (pk, sk):
//   pk=STATE sk=CURRENT            the current state, with a version number
//   pk=LOG   sk=<version, padded>  one audit entry per version (newest first by sort key)
// An update writes both in one transaction, conditional on the version it read, so concurrent
// updates are never lost and the log never disagrees with the state.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  VersionConflictError,
  type AuditEntry,
  type AuditPage,
  type StateStore,
} from '../domain/state-store.ts';
import { INITIAL_STATE, type SharedState } from '../domain/state-update.ts';
import { decodeKeyCursor, nextCursor, type StartKey } from './key-cursor.ts';

const STATE_KEY = { pk: 'STATE', sk: 'CURRENT' } as const;
const LOG_PARTITION = 'LOG';
const VERSION_DIGITS = 15;
const LOG_KEY_FIELDS = ['pk', 'sk'] as const;

const versionKey = (version: number) => String(version).padStart(VERSION_DIGITS, '0');

export class StateRepository implements StateStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  constructor(db: DynamoDBDocumentClient, table: string) {
    this.#db = db;
    this.#table = table;
  }

  async read(): Promise<SharedState> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: STATE_KEY, ConsistentRead: true }),
    );
    if (!Item) return INITIAL_STATE;
    return {
      counter: Number(Item.counter),
      message: String(Item.message),
      updated_at: typeof Item.updated_at === 'string' ? Item.updated_at : null,
      version: Number(Item.version),
    };
  }

  /** Writes `next` (whose version is previous + 1) and its audit entry, or neither. */
  async write(next: SharedState, requestId: string): Promise<void> {
    const previous = next.version - 1;
    const entry: AuditEntry = {
      version: next.version,
      counter: next.counter,
      message: next.message,
      updated_at: next.updated_at ?? '',
      request_id: requestId,
    };
    try {
      await this.#db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.#table,
                Item: { ...STATE_KEY, ...next },
                ...(previous === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : {
                      ConditionExpression: 'version = :previous',
                      ExpressionAttributeValues: { ':previous': previous },
                    }),
              },
            },
            {
              Put: {
                TableName: this.#table,
                Item: { pk: LOG_PARTITION, sk: versionKey(next.version), ...entry },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      const conflict =
        err instanceof TransactionCanceledException &&
        (err.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
      if (conflict) throw new VersionConflictError();
      throw err;
    }
  }

  /** Audit entries, newest first, after `cursor` (made by this method). */
  async log(limit: number, cursor: string | undefined): Promise<AuditPage> {
    const startKey = cursor === undefined ? undefined : decodeKeyCursor(cursor, LOG_KEY_FIELDS);
    const result = await this.#db.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :log',
        ExpressionAttributeValues: { ':log': LOG_PARTITION },
        ScanIndexForward: false,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = (result.Items ?? []).map((item): AuditEntry => ({
      version: Number(item.version),
      counter: Number(item.counter),
      message: String(item.message),
      updated_at: String(item.updated_at),
      request_id: String(item.request_id),
    }));
    return { items, nextCursor: nextCursor(result.LastEvaluatedKey as StartKey | undefined) };
  }
}
