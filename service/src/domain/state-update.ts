// The body of POST /update: what may change in the shared state.
import { z } from 'zod';
import { MESSAGE_MAX_LENGTH } from '../limits.ts';

export const stateUpdateSchema = z
  .strictObject({
    counter: z.int({ error: 'counter must be an integer' }).optional(),
    message: z
      .string({ error: 'message must be a string' })
      .max(MESSAGE_MAX_LENGTH, {
        error: `message must be at most ${MESSAGE_MAX_LENGTH} characters`,
      })
      .optional(),
  })
  .refine((body) => body.counter !== undefined || body.message !== undefined, {
    error: 'give counter, message or both',
  });

export type StateUpdate = z.infer<typeof stateUpdateSchema>;

export interface SharedState {
  counter: number;
  message: string;
  updated_at: string | null;
  version: number;
}

export const INITIAL_STATE: SharedState = { counter: 0, message: '', updated_at: null, version: 0 };

export function applyUpdate(current: SharedState, update: StateUpdate, now: Date): SharedState {
  return {
    counter: update.counter ?? current.counter,
    message: update.message ?? current.message,
    updated_at: now.toISOString(),
    version: current.version + 1,
  };
}
