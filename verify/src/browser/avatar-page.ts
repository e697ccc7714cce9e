// Step 3 of make browser-check: the avatar_url Swagger UI showed opens as a PNG, and the browser
// decodes it to the uploaded image (its size, the frame's and the centre's colours).
import { AVATAR, CENTRE, FRAME, rgb, sameColour } from './avatar-image.ts';
import type { Journey } from './journey.ts';

export async function openAvatar(
  { browser, checks, watch, at, shot }: Journey,
  avatarUrl: string,
): Promise<void> {
  at('open the avatar_url');
  const avatar = watch(await browser.newPage(), 'avatar');
  await avatar.setViewport({ width: 480, height: 360 });
  const opened = await avatar.goto(avatarUrl, { waitUntil: 'load' });
  const contentType = opened?.headers()['content-type'] ?? '';
  checks.check(
    opened?.status() === 200,
    'the avatar_url answers 200',
    `status ${opened?.status()}`,
  );
  checks.check(
    (contentType.split(';')[0] ?? '').trim() === 'image/png',
    `the avatar_url answers Content-Type image/png`,
    `Content-Type ${contentType || '(none)'}`,
  );
  at('wait for the avatar image to load');
  await avatar.waitForFunction(() => document.querySelector('img')?.complete === true);
  const rendered = await avatar.$eval(
    'img',
    (img, centre) => {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      const colour = (x: number, y: number) =>
        img.naturalWidth > 0 && context
          ? [...context.getImageData(x, y, 1, 1).data.slice(0, 3)]
          : [];
      context?.drawImage(img, 0, 0);
      return {
        width: img.naturalWidth,
        height: img.naturalHeight,
        corner: colour(0, 0),
        centre: colour(centre.x, centre.y),
      };
    },
    { x: AVATAR.width / 2, y: AVATAR.height / 2 },
  );
  checks.check(
    rendered.width === AVATAR.width && rendered.height === AVATAR.height,
    `the page shows the avatar decoded as a ${AVATAR.width}x${AVATAR.height} image`,
    `naturalWidth x naturalHeight is ${rendered.width}x${rendered.height}`,
  );
  checks.check(
    sameColour(rendered.corner, FRAME) && sameColour(rendered.centre, CENTRE),
    `the decoded avatar has the uploaded colours (${rgb(FRAME)} frame, ${rgb(CENTRE)} centre)`,
    `corner ${rgb(rendered.corner)}, centre ${rgb(rendered.centre)}`,
  );
  await avatar.screenshot({ path: shot('03-avatar.png') });
}
