import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { staticRouteTable, staticRoutes } from '../../src/http/static-routes.ts';

/** A router with a static route, a parametric one, and a two-step static POST. */
function sampleRouter(calls: string[]): Router {
  const router = new Router();
  router.get('/status', (ctx) => {
    calls.push('status');
    ctx.body = { route: (ctx as unknown as { _matchedRoute: string })._matchedRoute };
  });
  router.get('/items/:id', (ctx) => {
    calls.push('item');
    ctx.body = { id: ctx.params.id };
  });
  router.post(
    '/items',
    async (ctx, next) => {
      calls.push('check');
      await next();
    },
    (ctx) => {
      calls.push('create');
      ctx.status = 201;
    },
  );
  return router;
}

async function serve(app: Koa): Promise<{ url: string; server: Server }> {
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('static route dispatch', () => {
  it('indexes the routes without parameters, with HEAD for GET', () => {
    const table = staticRouteTable([sampleRouter([])]);
    expect([...table.keys()].sort()).to.deep.equal(['/items', '/status']);
    expect([...table.get('/status')!.keys()].sort()).to.deep.equal(['GET', 'HEAD']);
    expect([...table.get('/items')!.keys()]).to.deep.equal(['POST']);
  });

  it('leaves a route to the routers when another route matches its path', () => {
    const router = new Router();
    router.get('/:page', (ctx) => (ctx.body = 'page'));
    router.get('/about', (ctx) => (ctx.body = 'about'));
    router.post('/about', (ctx) => (ctx.body = 'posted'));
    const table = staticRouteTable([router]);
    expect(table.get('/about')?.has('GET')).to.equal(false);
    expect(table.get('/about')?.has('POST')).to.equal(true);
  });

  it('leaves routers with router-level middleware or a host filter alone', () => {
    const withMiddleware = new Router();
    withMiddleware.use((_ctx, next) => next());
    withMiddleware.get('/a', (ctx) => (ctx.body = 'a'));
    const withHost = new Router({ host: 'example.com' });
    withHost.get('/b', (ctx) => (ctx.body = 'b'));
    expect(staticRouteTable([withMiddleware, withHost]).size).to.equal(0);
  });

  it('answers like the router would, and passes everything else to it', async () => {
    const calls: string[] = [];
    const router = sampleRouter(calls);
    const app = new Koa();
    app.use(staticRoutes([router]));
    app.use(async (ctx, next) => {
      calls.push(`router:${ctx.method} ${ctx.path}`);
      await next();
    });
    app.use(router.routes());
    app.use(router.allowedMethods());
    const { url, server } = await serve(app);
    try {
      const status = await fetch(`${url}/status`);
      expect(await status.json()).to.deep.equal({ route: '/status' });
      const created = await fetch(`${url}/items`, { method: 'POST' });
      expect(created.status).to.equal(201);
      expect(calls.splice(0)).to.deep.equal(['status', 'check', 'create']);

      // Not exact: the router serves them, with its own case and trailing-slash rules.
      expect(await (await fetch(`${url}/items/7`)).json()).to.deep.equal({ id: '7' });
      expect((await fetch(`${url}/status/`)).status).to.equal(200);
      expect((await fetch(`${url}/STATUS`)).status).to.equal(200);
      const wrongMethod = await fetch(`${url}/status`, { method: 'DELETE' });
      expect(wrongMethod.status).to.equal(405);
      expect(wrongMethod.headers.get('allow')).to.include('GET');
      expect(calls).to.deep.equal([
        'router:GET /items/7',
        'item',
        'router:GET /status/',
        'status',
        'router:GET /STATUS',
        'status',
        'router:DELETE /status',
      ]);
    } finally {
      server.close();
    }
  });
});
