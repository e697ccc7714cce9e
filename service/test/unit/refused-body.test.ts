import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'chai';
import { discardRefusedBody } from '../../src/http/refused-body.ts';

const CHUNK = 256 * 1024;

/**
 * A server that reads the first chunk of a body, stops reading and refuses it with 413, as the
 * service does when formidable hits the avatar limit (the request is left paused).
 */
async function refusingServer(lingerMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.once('data', () => {
      req.pause();
      res.writeHead(413, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"payload_too_large"}}');
      discardRefusedBody(req, lingerMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Outcome {
  status?: number;
  error?: string;
  closedAfterMs?: number;
  chunksSent: number;
}

/**
 * Sends `chunks` x 256 KiB, a chunk every `everyMs`, on a keep-alive connection (as browsers,
 * curl and fetch do). Once everything is sent it waits 300 ms for a reset, then hangs up.
 */
function upload(url: string, chunks: number, everyMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const outcome: Outcome = { chunksSent: 0 };
    const agent = new Agent({ keepAlive: true });
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'Content-Length': chunks * CHUNK },
    });
    req.on('response', (res) => {
      if (res.statusCode !== undefined) outcome.status = res.statusCode;
      res.resume();
    });
    req.on('error', (err) => (outcome.error ??= err.message));
    req.on('socket', (socket: Socket) => {
      socket.on('close', () => {
        outcome.closedAfterMs = performance.now() - started;
        agent.destroy();
        resolve(outcome);
      });
      req.on('finish', () => setTimeout(() => socket.destroy(), 300));
    });
    const timer = setInterval(() => {
      if (req.destroyed) {
        clearInterval(timer);
        return;
      }
      req.write(Buffer.alloc(CHUNK, 0x61));
      if (++outcome.chunksSent === chunks) {
        clearInterval(timer);
        req.end();
      }
    }, everyMs);
  });
}

describe('a body refused before it was read', () => {
  const servers: Server[] = [];
  const serve = async (lingerMs: number) => {
    const { server, url } = await refusingServer(lingerMs);
    servers.push(server);
    return url;
  };
  after(() => {
    servers.forEach((server) => server.close());
  });

  it('is read to its end, so the client gets the answer and no reset', async function () {
    this.timeout(20_000);
    const url = await serve(5_000);
    // 64 MiB at once: closing at the answer would race the client's writes and reset them.
    for (let round = 0; round < 5; round++) {
      const outcome = await upload(url, 256, 0);
      expect(outcome.status, `round ${round}`).to.equal(413);
      expect(outcome.error, `round ${round}`).to.equal(undefined);
      expect(outcome.chunksSent, `round ${round}`).to.equal(256);
    }
  });

  it('is cut off when the client is still sending after the linger time', async function () {
    this.timeout(10_000);
    const url = await serve(300);
    // 40 chunks, one every 50 ms: 2 s of sending against a 300 ms linger.
    const outcome = await upload(url, 40, 50);
    expect(outcome.status).to.equal(413);
    expect(outcome.closedAfterMs).to.be.within(250, 1500);
    expect(outcome.chunksSent).to.be.below(40);
  });
});
