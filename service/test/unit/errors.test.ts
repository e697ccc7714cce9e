import { expect } from 'chai';
import createHttpError from 'http-errors';
import { HttpError, toHttpError } from '../../src/http/errors.ts';

describe('error mapping', () => {
  it('keeps HttpErrors as they are', () => {
    const error = new HttpError(409, 'conflict', 'taken');
    expect(toHttpError(error)).to.equal(error);
  });

  it('maps body-parser and formidable limits to 413', () => {
    const formidableLike = Object.assign(new Error('options.maxTotalFileSize exceeded'), {
      httpCode: 413,
    });
    expect(toHttpError(formidableLike)?.status).to.equal(413);
    expect(toHttpError(createHttpError(413, 'request entity too large'))?.code).to.equal(
      'payload_too_large',
    );
  });

  it('maps invalid JSON to a 400 that says so', () => {
    const parseError = createHttpError(400, 'Unexpected token', { type: 'entity.parse.failed' });
    expect(toHttpError(parseError)).to.include({
      status: 400,
      message: 'request body is not valid JSON',
    });
  });

  it('tells a client that hung up mid-body (raw-body) from a bad request', () => {
    const aborted = createHttpError(400, 'request aborted', { type: 'request.aborted' });
    expect(toHttpError(aborted)).to.include({ status: 499, code: 'client_closed_request' });
  });

  it('keeps other client errors, hiding messages not meant for clients', () => {
    const hidden = Object.assign(new Error('secret internals'), { status: 422, expose: false });
    expect(toHttpError(hidden)).to.include({ status: 422, message: 'bad request' });
  });

  it('leaves unknown errors and server errors to the 500 path', () => {
    expect(toHttpError(new TypeError('boom'))).to.equal(undefined);
    expect(toHttpError(createHttpError(502))).to.equal(undefined);
    expect(toHttpError('string')).to.equal(undefined);
  });
});
