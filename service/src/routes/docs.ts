// GET /openapi.json and GET /swagger: Swagger UI from the swagger-ui-dist package on disk, so it
// works offline and loads nothing from a CDN.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Router from '@koa/router';
import { notFound } from '../http/errors.ts';
import { setDocumentSecurityHeaders } from '../http/request-context.ts';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// Inline scripts are forbidden by the Content-Security-Policy: the start-up code is its own asset.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>sre-kit API</title>
    <link rel="stylesheet" href="/swagger/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/swagger/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/swagger/swagger-ui-bundle.js"></script>
    <script src="/swagger/swagger-ui-standalone-preset.js"></script>
    <script src="/swagger/swagger-initializer.js"></script>
  </body>
</html>
`;

export function registerDocsRoutes(router: Router, document: object): void {
  // The package's folder only: its main module would load the browser bundles into the server.
  const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const body = JSON.stringify(document);

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });

  router.get('/swagger', (ctx) => {
    setDocumentSecurityHeaders(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });

  router.get('/swagger/:asset', (ctx) => {
    const asset = ctx.params.asset ?? '';
    ctx.set('Cache-Control', 'public, max-age=3600');
    if (asset === 'swagger-initializer.js') {
      ctx.type = 'application/javascript; charset=utf-8';
      ctx.body = INITIALIZER;
      return;
    }
    const type = ASSETS[asset];
    if (!type) throw notFound(`no Swagger UI asset named ${asset}`);
    ctx.type = type;
    ctx.body = createReadStream(join(assetsDir, asset));
  });
}
