// The HTTP server around the Koa app, with timeouts that cut off slow clients, and a graceful
// shutdown: readiness turns 503, the listener closes, every response tells its keep-alive client
// to reconnect elsewhere, in-flight requests finish, idle connections end at their keep-alive
// timeout, and whatever is still open after the shutdown timeout is cut.
import { createServer, type Server } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Lifecycle } from '../app-dependencies.ts';

export const SERVER_TIMEOUTS = {
  /** All request headers must arrive within this time (slowloris). */
  headersTimeoutMs: 10_000,
  /** The whole request, body included, must arrive within this time. */
  requestTimeoutMs: 60_000,
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two timeouts above (its default, 30 s, lets them overrun by that much). */
  connectionsCheckingIntervalMs: 2_000,
} as const;

export interface RunningServer {
  server: Server;
  port: number;
  lifecycle: Lifecycle;
  /** Starts the graceful shutdown; resolves true when everything drained in time. */
  shutdown(timeoutMs: number): Promise<boolean>;
}

export function shutdownState(): Lifecycle & { begin(): void } {
  let shuttingDown = false;
  return {
    isShuttingDown: () => shuttingDown,
    begin() {
      shuttingDown = true;
    },
  };
}

export async function startHttpServer(
  koa: Koa,
  options: { port: number; host?: string; state: ReturnType<typeof shutdownState> },
): Promise<RunningServer> {
  const { state } = options;
  const handler = koa.callback();
  const server = createServer(
    { connectionsCheckingInterval: SERVER_TIMEOUTS.connectionsCheckingIntervalMs },
    (req, res) => {
      // While draining, tell keep-alive clients to reconnect (to another replica).
      if (state.isShuttingDown()) res.setHeader('Connection', 'close');
      void handler(req, res);
    },
  );
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeoutMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let shutdown: Promise<boolean> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    lifecycle: state,
    shutdown(timeoutMs: number) {
      shutdown ??= new Promise<boolean>((resolve) => {
        state.begin();
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
        timer.unref();
        // Stop accepting connections, and nothing more. http.Server#close() would also close
        // every idle keep-alive connection at once, and a client writing its next request on one
        // of them at that moment gets a connection reset instead of an answer (Node's http.Agent
        // does not retry it). An idle connection ends instead with its next response, which
        // carries Connection: close, or at its keep-alive timeout, as it would without shutdown.
        NetServer.prototype.close.call(server, () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      return shutdown;
    },
  };
}
