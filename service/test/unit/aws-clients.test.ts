import { expect } from 'chai';
import { createAwsClients } from '../../src/aws/clients.ts';

const settings = {
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  S3_PUBLIC_ENDPOINT: undefined,
  AWS_CONNECT_TIMEOUT_MS: 1000,
  AWS_REQUEST_TIMEOUT_MS: 1000,
};

describe('AWS clients', () => {
  // The SDK's logger middleware makes a redacted copy of every command's input and output for
  // logger.info whenever the logger has an info method, even one that discards it.
  for (const given of ['no logger', 'the service logger'] as const) {
    it(`give the SDK a logger without info (${given})`, () => {
      const warned: unknown[] = [];
      const clients = createAwsClients(
        settings,
        given === 'no logger'
          ? undefined
          : { debug: () => undefined, warn: (m) => warned.push(m), error: () => undefined },
      );
      try {
        for (const client of [clients.dynamoBase, clients.s3]) {
          const logger = client.config.logger as unknown as Record<string, unknown>;
          expect(logger).to.not.have.property('info');
          expect(logger.warn).to.be.a('function');
        }
        if (given === 'the service logger') {
          clients.dynamoBase.config.logger.warn('w');
          expect(warned).to.deep.equal(['w']);
        }
      } finally {
        clients.destroy();
      }
    });
  }
});
