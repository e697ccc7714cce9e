import { expect } from 'chai';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import type { AppDependencies } from '../../src/app-dependencies.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { openApiDocument } from '../../src/openapi/spec.ts';

/** Route registration only: no dependency is called. */
const inertDependencies = {
  settings: {
    TRUST_PROXY: false,
    AVATAR_MAX_BYTES: 1024,
    UPLOAD_TMP_MAX_BYTES: 1024,
    AVATAR_URL_MODE: 'presigned',
    AVATAR_URL_TTL: 60,
    API_KEY: undefined,
  },
  logger: pino({ level: 'silent' }),
  metrics: createMetrics(),
} as unknown as AppDependencies;

function routedOperations(): string[] {
  const { routers } = createApp(inertDependencies, 'test');
  return routers
    .flatMap((router) => router.stack)
    .flatMap((layer) =>
      layer.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`),
    );
}

function documentedOperations(): string[] {
  const { paths } = openApiDocument('test');
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('OpenAPI document', () => {
  it('documents every route, and routes everything it documents', () => {
    expect(documentedOperations().sort()).to.deep.equal(routedOperations().sort());
  });

  it('is OpenAPI 3.1 with a unique operationId per operation', () => {
    const document = openApiDocument('1.2.3');
    expect(document.openapi).to.equal('3.1.0');
    expect(document.info.version).to.equal('1.2.3');
    const ids = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation: { operationId: string }) => operation.operationId),
    );
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('resolves every $ref', () => {
    const document = openApiDocument('test');
    const refs = JSON.stringify(document).match(/"\$ref":"#\/components\/schemas\/(\w+)"/g) ?? [];
    for (const ref of refs) {
      const name = /schemas\/(\w+)/.exec(ref)?.[1] ?? '';
      expect(document.components.schemas, ref).to.have.property(name);
    }
  });
});
