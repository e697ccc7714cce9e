// An answer given before the request body was read (413 for an oversized avatar, 503 when the
// upload spool is full, 401 before POST /update's JSON is read): the client is still sending. Closing the socket
// at once, as Node does after a `Connection: close` answer, makes the kernel reset the connection
// when more of the body arrives, and the reset can reach the client before it has read the
// answer: it sees EPIPE or ECONNRESET instead of the JSON error. So the rest of the body is read
// and thrown away, for a bounded time (nginx's lingering close), and the socket is closed only if
// the client is still sending after that.
import type { IncomingMessage } from 'node:http';

/** How long a refused body may keep arriving before the connection is cut. */
export const REFUSED_BODY_LINGER_MS = 2_000;

export function discardRefusedBody(req: IncomingMessage, lingerMs = REFUSED_BODY_LINGER_MS): void {
  if (req.complete || req.destroyed) return;
  const cut = setTimeout(() => req.socket.destroy(), lingerMs);
  const settled = () => {
    clearTimeout(cut);
  };
  req.once('end', settled);
  req.once('close', settled);
  req.resume();
}
