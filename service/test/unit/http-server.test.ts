// The graceful shutdown of the HTTP server as a keep-alive client sees it: a request written on
// an idle connection just as shutdown starts is answered (with Connection: close), not reset.
import { Agent, request } from 'node:http';
import { expect } from 'chai';
import Koa from 'koa';
import { shutdownState, startHttpServer } from '../../src/lifecycle/http-server.ts';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

function get(port: number, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The server of the service around an app that answers 200 "ok". */
function startOkServer(): ReturnType<typeof startHttpServer> {
  const koa = new Koa();
  koa.use((ctx) => {
    ctx.body = 'ok';
  });
  return startHttpServer(koa, { port: 0, host: '127.0.0.1', state: shutdownState() });
}

describe('graceful shutdown and keep-alive clients', () => {
  it('answers a request sent on an idle keep-alive connection as shutdown starts, then closes it', async () => {
    const running = await startOkServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(running.port, agent);
      expect(first.connection).to.equal('keep-alive');

      // The client writes its next request on the idle connection; the server learns of the
      // shutdown before it reads that request.
      const second = get(running.port, agent);
      const drained = running.shutdown(5000);

      const answer = await second;
      expect(answer).to.deep.equal({ status: 200, connection: 'close', body: 'ok' });
      expect(await drained).to.equal(true);
    } finally {
      agent.destroy();
      running.server.closeAllConnections();
    }
  });

  it('refuses new connections once shutdown started', async () => {
    const running = await startOkServer();
    await running.shutdown(1000);
    const agent = new Agent({ keepAlive: false });
    const refused = await get(running.port, agent).then(
      () => undefined,
      (err: unknown) => (err as NodeJS.ErrnoException).code,
    );
    expect(refused).to.equal('ECONNREFUSED');
  });
});
