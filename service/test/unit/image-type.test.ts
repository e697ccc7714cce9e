import { expect } from 'chai';
import { detectImageType } from '../../src/domain/image-type.ts';
import { gifBytes, jpegBytes, pngImage, svgBytes, webpBytes } from '../support/images.ts';

describe('detectImageType', () => {
  it('recognises PNG, JPEG, GIF and WebP by their bytes', () => {
    expect(detectImageType(pngImage())).to.deep.equal({
      contentType: 'image/png',
      extension: 'png',
    });
    expect(detectImageType(jpegBytes())?.contentType).to.equal('image/jpeg');
    expect(detectImageType(gifBytes())?.contentType).to.equal('image/gif');
    expect(detectImageType(webpBytes())?.contentType).to.equal('image/webp');
  });

  it('rejects SVG, text, truncated signatures and RIFF files that are not WebP', () => {
    expect(detectImageType(svgBytes())).to.equal(undefined);
    expect(detectImageType(Buffer.from('hello world!'))).to.equal(undefined);
    expect(detectImageType(Buffer.from([0x89, 0x50, 0x4e]))).to.equal(undefined);
    expect(detectImageType(Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1'))).to.equal(undefined);
    expect(detectImageType(new Uint8Array())).to.equal(undefined);
  });
});
