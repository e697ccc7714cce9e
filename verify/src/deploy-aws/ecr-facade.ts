// ECR as `make deploy-aws-check` needs it: moto answers the ECR API, a local registry (the
// distribution project's `registry`) stores what `docker push` sends. This proxy stands in front of
// the registry and does what ECR's registry endpoint does with a pushed tag: the manifest becomes an
// image of the repository (moto's PutImage), so `aws ecr describe-images`, `list-images` and
// `batch-delete-image` see it; an immutable tag that exists is refused, as ECR refuses it.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { PutImageCommand, type ECRClient } from '@aws-sdk/client-ecr';

export interface EcrFacade {
  server: Server;
  port: number;
  /** Every manifest PUT that reached the proxy, as `<repository>:<reference>`. */
  manifestPuts: string[];
  close(): Promise<void>;
}

const MANIFEST_PUT = /^\/v2\/(.+)\/manifests\/([^/]+)$/;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      chunks.push(c);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export async function startEcrFacade(options: {
  registryPort: number;
  ecr: ECRClient;
  port: number;
}): Promise<EcrFacade> {
  const manifestPuts: string[] = [];
  const server = createServer((req, res) => {
    const forward = (body?: Buffer) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: options.registryPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`registry unreachable: ${err.message}`);
      });
      if (body) upstream.end(body);
      else req.pipe(upstream);
    };
    const match = req.method === 'PUT' ? MANIFEST_PUT.exec(req.url ?? '') : null;
    if (!match) {
      forward();
      return;
    }
    const [, repository, reference] = match as unknown as [string, string, string];
    void readBody(req).then(async (body) => {
      manifestPuts.push(`${repository}:${reference}`);
      // Pushes by digest (the parts of an index) are not tags: only the registry stores them.
      if (!reference.startsWith('sha256:')) {
        try {
          await options.ecr.send(
            new PutImageCommand({
              repositoryName: repository,
              imageTag: reference,
              imageManifest: body.toString('utf8'),
              imageManifestMediaType: req.headers['content-type'],
            }),
          );
        } catch (err) {
          const e = err as Error;
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              errors: [{ code: 'TAG_INVALID', message: `${e.name}: ${e.message}` }],
            }),
          );
          return;
        }
      }
      forward(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    server,
    port: options.port,
    manifestPuts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
