// make browser-check: a real browser (headless Chromium through puppeteer-core) uses the running
// API as a person would. Swagger UI at /swagger posts a user with a real PNG avatar through "Try
// it out", and the avatar_url the page then shows is opened and must render as that very image.
// One line per assertion (ok / FAIL), screenshots in reports/browser/, exit status 1 on any
// failure. Every browser call has a timeout and the whole run is bounded (RUN_LIMIT_MS).
//   BASE_URL  the API (default http://localhost:8080)
//   CHROMIUM  the browser binary (default /usr/bin/chromium, Debian's chromium package)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { REPORTS, ROOT } from './lib/stack.ts';

const BASE_URL = (process.env.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUN_LIMIT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;
/** POST /user stores the avatar in S3 and the user in DynamoDB before it answers. */
const RESPONSE_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

const API_TITLE = 'sre-kit API'; // info.title of service/src/openapi/spec.ts
/** Swagger UI's id of an operation: operations-<tag>-<operationId> (POST /user is createUser). */
const OPERATION = '#operations-users-createUser';
const SHOTS = join(REPORTS, 'browser');
const SHOT_NAMES = ['01-swagger.png', '02-post-user-response.png', '03-avatar.png', 'failure.png'];

// The avatar: a frame of one colour around a centred rectangle of another, not square, so that
// the size and both colours can be recognised in what the browser decoded.
const AVATAR = { width: 160, height: 120 };
const FRAME: Rgb = [0x1e, 0x88, 0xe5];
const CENTRE: Rgb = [0xff, 0xb3, 0x00];
/** Largest difference per channel accepted between a drawn and a decoded pixel. */
const COLOUR_TOLERANCE = 2;

type Rgb = [number, number, number];

function colourAt(x: number, y: number, width: number, height: number): Rgb {
  const inside = x >= width / 4 && x < (width * 3) / 4 && y >= height / 4 && y < (height * 3) / 4;
  return inside ? CENTRE : FRAME;
}

/** An RGBA PNG of the frame-and-centre picture, encoded by pngjs. */
function avatarPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data.set([...colourAt(x, y, width, height), 0xff], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

const sameColour = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length &&
  a.every((value, i) => Math.abs(value - (b[i] ?? Infinity)) <= COLOUR_TOLERANCE);
const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;

let passed = 0;
let failed = 0;

function check(ok: boolean, what: string, detail?: string): boolean {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'FAIL'} ${what}${!ok && detail ? ` (${detail})` : ''}`);
  return ok;
}

/** A failed assertion the next steps depend on: the run stops after its FAIL line. */
class Stopped extends Error {}

function must(ok: boolean, what: string, detail?: string): asserts ok {
  if (!check(ok, what, detail)) throw new Stopped(what);
}

function summary(): string {
  return `browser-check: ${passed} passed, ${failed} failed`;
}

if (!existsSync(CHROMIUM)) {
  console.error(
    `browser-check: CHROMIUM=${CHROMIUM} does not exist; install Chromium (Debian: apt-get install -y chromium) or set CHROMIUM to a Chromium or Chrome binary`,
  );
  process.exit(2);
}
try {
  new URL(BASE_URL);
} catch {
  console.error(`browser-check: BASE_URL=${BASE_URL} is not a URL (e.g. http://localhost:8080)`);
  process.exit(2);
}

let browser: Browser | undefined;
/** The page the run is on, for the screenshot of a failure. */
let current: Page | undefined;
let step = 'launch Chromium';
const pageErrors: string[] = [];

const runLimit = setTimeout(() => {
  check(false, `the run ends within ${RUN_LIMIT_MS / 1000} s`, `still at: ${step}`);
  console.log(summary());
  browser?.process()?.kill('SIGKILL');
  process.exit(1);
}, RUN_LIMIT_MS);
runLimit.unref();

mkdirSync(SHOTS, { recursive: true });
for (const name of SHOT_NAMES) rmSync(join(SHOTS, name), { force: true });
const shot = (name: string) => join(SHOTS, name);
const workDir = mkdtempSync(join(tmpdir(), 'browser-check-'));

/** Every page records its console errors, uncaught exceptions and failed requests. */
function watch(page: Page, label: string): Page {
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`[${label}] console: ${message.text()}`);
  });
  page.on('pageerror', (error) =>
    pageErrors.push(
      `[${label}] uncaught: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
  page.on('requestfailed', (request) =>
    pageErrors.push(
      `[${label}] request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`,
    ),
  );
  current = page;
  return page;
}

async function run(): Promise<void> {
  step = 'make the avatar PNG';
  const png = avatarPng(AVATAR.width, AVATAR.height);
  const avatarFile = join(workDir, 'avatar.png');
  writeFileSync(avatarFile, png);

  step = `launch ${CHROMIUM}`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: LAUNCH_TIMEOUT_MS,
    protocolTimeout: LAUNCH_TIMEOUT_MS,
    defaultViewport: { width: 1280, height: 900 },
  });
  console.log(`browser-check: ${await browser.version()} against ${BASE_URL}`);

  // 1. Swagger UI shows the API and its POST /user operation.
  step = `open ${BASE_URL}/swagger`;
  const swagger = watch(await browser.newPage(), 'swagger');
  const loaded = await swagger.goto(`${BASE_URL}/swagger`, { waitUntil: 'load' });
  must(loaded?.status() === 200, 'GET /swagger answers 200', `status ${loaded?.status()}`);
  step = 'wait for Swagger UI to render the document';
  await swagger.waitForSelector('.info .title', { visible: true });
  const title = await swagger.$eval('.info .title', (h1) =>
    h1.textContent.replace(/\s+/g, ' ').trim(),
  );
  must(
    title.startsWith(API_TITLE),
    `Swagger UI shows the API title "${title}"`,
    `wanted "${API_TITLE}"`,
  );
  step = 'find POST /user';
  await swagger.waitForSelector(`${OPERATION} .opblock-summary`, { visible: true });
  const summaryLine = await swagger.$eval(`${OPERATION} .opblock-summary`, (row) => ({
    method: row.querySelector('.opblock-summary-method')?.textContent.trim(),
    path: row.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
  }));
  must(
    summaryLine.method === 'POST' && summaryLine.path === '/user',
    'Swagger UI shows the operation POST /user',
    `found ${summaryLine.method} ${summaryLine.path}`,
  );
  await swagger.screenshot({ path: shot('01-swagger.png'), fullPage: true });

  // 2. Try it out: name, a new email and the PNG file, Execute; the response panel shows 201.
  step = 'expand POST /user and click "Try it out"';
  await swagger.locator(`${OPERATION} .opblock-summary-control`).click();
  await swagger.locator(`${OPERATION} button.try-out__btn::-p-text(Try it out)`).click();
  const name = 'Browser Check';
  const email = `browser-${Date.now()}@example.com`;
  step = 'fill in name, email and avatar';
  await swagger.locator(`${OPERATION} tr[data-property-name="name"] input`).fill(name);
  await swagger.locator(`${OPERATION} tr[data-property-name="email"] input`).fill(email);
  const fileInput = await swagger.waitForSelector(
    `${OPERATION} tr[data-property-name="avatar"] input[type="file"]`,
  );
  if (!fileInput) throw new Error('no file input for avatar');
  await fileInput.uploadFile(avatarFile);
  const chosen = await fileInput.evaluate((input) => ({
    name: input.files?.[0]?.name,
    size: input.files?.[0]?.size,
  }));
  must(
    chosen.name === 'avatar.png' && chosen.size === png.length,
    `the avatar input holds avatar.png (${png.length} bytes)`,
    `holds ${chosen.name ?? 'nothing'} (${chosen.size ?? 0} bytes)`,
  );
  step = 'click Execute and wait for the response panel';
  await swagger.locator(`${OPERATION} button.execute`).click();
  const live = `${OPERATION} .live-responses-table`;
  // The table's head has a "Code" cell of the same class: the answer is the body's row.
  await swagger.waitForSelector(`${live} tbody tr.response .response-col_status`, {
    timeout: RESPONSE_TIMEOUT_MS,
  });
  step = 'read the response shown';
  const shown = await swagger.$eval(live, (table) => ({
    status: table.querySelector('tbody tr.response .response-col_status')?.textContent.trim() ?? '',
    body:
      table.querySelector('tbody tr.response .response-col_description .highlight-code pre')
        ?.textContent ?? '',
  }));
  const bodyLine = shown.body.replace(/\s+/g, ' ').slice(0, 300);
  const responseTable = await swagger.$(live);
  await responseTable?.evaluate((table) => {
    table.scrollIntoView({ block: 'start' });
  });
  await swagger.evaluate(() => {
    window.scrollBy(0, -60); // the "Server response" heading too
  });
  await swagger.screenshot({ path: shot('02-post-user-response.png') });
  must(
    /^201\b/.test(shown.status),
    'the response panel shows code 201',
    `shows ${shown.status}: ${bodyLine}`,
  );
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(shown.body);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // reported next
  }
  must(body !== undefined, 'the response body shown is a JSON object', bodyLine);
  check(body.email === email, `the response body shows the email ${email}`, bodyLine);
  check(body.name === name, `the response body shows the name "${name}"`, bodyLine);
  const avatarUrl = typeof body.avatar_url === 'string' ? body.avatar_url : '';
  must(/^https?:\/\//.test(avatarUrl), 'the response body shows an avatar_url', bodyLine);

  // 3. The avatar_url shown opens as the uploaded image.
  step = 'open the avatar_url';
  const avatar = watch(await browser.newPage(), 'avatar');
  await avatar.setViewport({ width: 480, height: 360 });
  const opened = await avatar.goto(avatarUrl, { waitUntil: 'load' });
  const contentType = opened?.headers()['content-type'] ?? '';
  check(opened?.status() === 200, 'the avatar_url answers 200', `status ${opened?.status()}`);
  check(
    (contentType.split(';')[0] ?? '').trim() === 'image/png',
    `the avatar_url answers Content-Type image/png`,
    `Content-Type ${contentType || '(none)'}`,
  );
  step = 'wait for the avatar image to load';
  await avatar.waitForFunction(() => document.querySelector('img')?.complete === true);
  const rendered = await avatar.$eval(
    'img',
    (img, at) => {
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
        centre: colour(at.x, at.y),
      };
    },
    { x: AVATAR.width / 2, y: AVATAR.height / 2 },
  );
  check(
    rendered.width === AVATAR.width && rendered.height === AVATAR.height,
    `the page shows the avatar decoded as a ${AVATAR.width}x${AVATAR.height} image`,
    `naturalWidth x naturalHeight is ${rendered.width}x${rendered.height}`,
  );
  check(
    sameColour(rendered.corner, FRAME) && sameColour(rendered.centre, CENTRE),
    `the decoded avatar has the uploaded colours (${rgb(FRAME)} frame, ${rgb(CENTRE)} centre)`,
    `corner ${rgb(rendered.corner)}, centre ${rgb(rendered.centre)}`,
  );
  await avatar.screenshot({ path: shot('03-avatar.png') });
}

try {
  await run();
} catch (err) {
  if (!(err instanceof Stopped)) {
    check(false, step, (err instanceof Error ? err.message : String(err)).split('\n')[0]);
  }
}

if (failed > 0) {
  try {
    if (current && !current.isClosed()) {
      await current.screenshot({ path: shot('failure.png'), fullPage: true });
      console.log(`browser-check: failure screenshot ${relative(ROOT, shot('failure.png'))}`);
    }
  } catch (err) {
    console.log(`browser-check: no failure screenshot: ${(err as Error).message.split('\n')[0]}`);
  }
  console.log(
    pageErrors.length > 0
      ? `browser-check: console errors of the pages:\n  ${pageErrors.join('\n  ')}`
      : 'browser-check: the pages logged no console errors',
  );
}

if (browser) {
  const closing = browser.close().then(
    () => true,
    () => false,
  );
  const closed = await Promise.race([
    closing,
    new Promise<false>((resolve) =>
      setTimeout(() => {
        resolve(false);
      }, CLOSE_TIMEOUT_MS).unref(),
    ),
  ]);
  if (!closed) browser.process()?.kill('SIGKILL');
}
rmSync(workDir, { recursive: true, force: true });
clearTimeout(runLimit);
console.log(`browser-check: screenshots in ${relative(ROOT, SHOTS)}/`);
console.log(summary());
process.exit(failed > 0 ? 1 : 0);
