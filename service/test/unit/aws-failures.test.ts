import { expect } from 'chai';
import { isDefinitiveFailure } from '../../src/aws/failures.ts';

/** An AWS SDK service error as it arrives: the HTTP status is in $metadata. */
const serviceError = (httpStatusCode: number) =>
  Object.assign(new Error('service error'), { $metadata: { httpStatusCode } });

describe('AWS failure classification', () => {
  it('takes a 4xx answer as definitive: the call was refused, nothing was written', () => {
    for (const status of [400, 403, 404, 409, 499]) {
      expect(isDefinitiveFailure(serviceError(status)), String(status)).to.equal(true);
    }
  });

  it('takes 5xx, timeouts and dropped connections as in doubt', () => {
    expect(isDefinitiveFailure(serviceError(500))).to.equal(false);
    expect(isDefinitiveFailure(serviceError(503))).to.equal(false);
    const timeout = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    expect(isDefinitiveFailure(timeout)).to.equal(false);
    expect(isDefinitiveFailure(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).to.equal(
      false,
    );
    expect(isDefinitiveFailure(Object.assign(new Error('x'), { $metadata: {} }))).to.equal(false);
    expect(isDefinitiveFailure(null)).to.equal(false);
    expect(isDefinitiveFailure(undefined)).to.equal(false);
  });
});
