import { expect } from 'chai';
import { clientIp, normalizeIp } from '../../src/http/client-ip.ts';

describe('client IP', () => {
  it('uses the TCP peer by default and ignores X-Forwarded-For', () => {
    expect(clientIp({ peer: '10.1.2.3', forwardedFor: '8.8.8.8', trustProxy: false })).to.equal(
      '10.1.2.3',
    );
  });

  it('with TRUST_PROXY takes the entry the nearest proxy added (the last)', () => {
    expect(
      clientIp({ peer: '10.0.0.1', forwardedFor: '1.1.1.1, 8.8.8.8', trustProxy: true }),
    ).to.equal('8.8.8.8');
    expect(clientIp({ peer: '10.0.0.1', forwardedFor: '8.8.8.8', trustProxy: true })).to.equal(
      '8.8.8.8',
    );
  });

  it('falls back to the peer when X-Forwarded-For is absent or garbage', () => {
    expect(clientIp({ peer: '10.0.0.1', forwardedFor: undefined, trustProxy: true })).to.equal(
      '10.0.0.1',
    );
    expect(clientIp({ peer: '10.0.0.1', forwardedFor: 'not-an-ip', trustProxy: true })).to.equal(
      '10.0.0.1',
    );
    expect(clientIp({ peer: '10.0.0.1', forwardedFor: ' , ', trustProxy: true })).to.equal(
      '10.0.0.1',
    );
  });

  it('normalises mapped IPv4, brackets and ports', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).to.equal('127.0.0.1');
    expect(normalizeIp('[2001:db8::1]:443')).to.equal('2001:db8::1');
    expect(normalizeIp('203.0.113.9:5000')).to.equal('203.0.113.9');
    expect(normalizeIp('2001:db8::1')).to.equal('2001:db8::1');
    expect(normalizeIp('example.com')).to.equal(undefined);
  });
});
