// The avatar the browser uploads: a frame of one colour around a centred rectangle of another, not
// square, so that the size and both colours can be recognised in what the browser decoded.
import { PNG } from 'pngjs';

export type Rgb = [number, number, number];

export const AVATAR = { width: 160, height: 120 };
export const FRAME: Rgb = [0x1e, 0x88, 0xe5];
export const CENTRE: Rgb = [0xff, 0xb3, 0x00];
/** Largest difference per channel accepted between a drawn and a decoded pixel. */
const COLOUR_TOLERANCE = 2;

export function colourAt(x: number, y: number, width: number, height: number): Rgb {
  const inside = x >= width / 4 && x < (width * 3) / 4 && y >= height / 4 && y < (height * 3) / 4;
  return inside ? CENTRE : FRAME;
}

/** An RGBA PNG of the frame-and-centre picture, encoded by pngjs. */
export function avatarPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data.set([...colourAt(x, y, width, height), 0xff], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

export const sameColour = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length &&
  a.every((value, i) => Math.abs(value - (b[i] ?? Infinity)) <= COLOUR_TOLERANCE);

export const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
