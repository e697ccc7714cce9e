// Baseline: a bare Koa 3 app (the service's Koa version) answering GET /status with the same body.
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/status') ctx.body = { result: 'success' };
});
app.listen(Number(process.env.PORT), '127.0.0.1');
