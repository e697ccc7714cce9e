// An avatar spooled to a temporary file (upload-spool.ts), as registration reads it: its size,
// its first bytes to tell its type, and its content streamed from disk, never whole in memory.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { AvatarUpload } from '../domain/registration-ports.ts';

export function spooledAvatar(path: string, size: number): AvatarUpload {
  return {
    size,
    head: (bytes) => readHead(path, bytes),
    content: () => createReadStream(path),
  };
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
