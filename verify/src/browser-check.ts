// make browser-check: a real browser (headless Chromium through puppeteer-core) uses the running
// API as a person would. Swagger UI at /swagger posts a user with a real PNG avatar through "Try
// it out", and the avatar_url the page then shows is opened and must render as that very image.
// One line per assertion (ok / FAIL), screenshots in reports/browser/, exit status 1 on any
// failure. Every browser call has a timeout and the whole run is bounded (RUN_LIMIT_MS).
// The steps are in browser/ (swagger-post-user.ts, avatar-page.ts).
//   BASE_URL  the API (default http://localhost:8080)
//   CHROMIUM  the browser binary (default /usr/bin/chromium, Debian's chromium package)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { AVATAR, avatarPng } from './browser/avatar-image.ts';
import { openAvatar } from './browser/avatar-page.ts';
import { Checks, Stopped } from './browser/checks.ts';
import type { Journey } from './browser/journey.ts';
import { PageWatch } from './browser/page-watch.ts';
import { postUserThroughSwagger } from './browser/swagger-post-user.ts';
import { REPORTS, ROOT } from './lib/stack.ts';

const BASE_URL = (process.env.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUN_LIMIT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 10_000;

const SHOTS = join(REPORTS, 'browser');
const SHOT_NAMES = ['01-swagger.png', '02-post-user-response.png', '03-avatar.png', 'failure.png'];

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

const checks = new Checks();
const pages = new PageWatch(STEP_TIMEOUT_MS);
let browser: Browser | undefined;
let step = 'launch Chromium';
const at = (next: string) => {
  step = next;
};

const runLimit = setTimeout(() => {
  checks.check(false, `the run ends within ${RUN_LIMIT_MS / 1000} s`, `still at: ${step}`);
  console.log(checks.summary());
  browser?.process()?.kill('SIGKILL');
  process.exit(1);
}, RUN_LIMIT_MS);
runLimit.unref();

mkdirSync(SHOTS, { recursive: true });
for (const name of SHOT_NAMES) rmSync(join(SHOTS, name), { force: true });
const shot = (name: string) => join(SHOTS, name);
const workDir = mkdtempSync(join(tmpdir(), 'browser-check-'));

async function run(): Promise<void> {
  at('make the avatar PNG');
  const png = avatarPng(AVATAR.width, AVATAR.height);
  const avatarFile = join(workDir, 'avatar.png');
  writeFileSync(avatarFile, png);

  at(`launch ${CHROMIUM}`);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: LAUNCH_TIMEOUT_MS,
    protocolTimeout: LAUNCH_TIMEOUT_MS,
    defaultViewport: { width: 1280, height: 900 },
  });
  console.log(`browser-check: ${await browser.version()} against ${BASE_URL}`);

  const journey: Journey = {
    browser,
    baseUrl: BASE_URL,
    checks,
    watch: (page, label) => pages.watch(page, label),
    at,
    shot,
  };
  const avatarUrl = await postUserThroughSwagger(journey, png, avatarFile);
  await openAvatar(journey, avatarUrl);
}

try {
  await run();
} catch (err) {
  if (!(err instanceof Stopped)) {
    checks.check(false, step, (err instanceof Error ? err.message : String(err)).split('\n')[0]);
  }
}

if (checks.failed > 0) {
  try {
    const current = pages.current;
    if (current && !current.isClosed()) {
      await current.screenshot({ path: shot('failure.png'), fullPage: true });
      console.log(`browser-check: failure screenshot ${relative(ROOT, shot('failure.png'))}`);
    }
  } catch (err) {
    console.log(`browser-check: no failure screenshot: ${(err as Error).message.split('\n')[0]}`);
  }
  console.log(
    pages.errors.length > 0
      ? `browser-check: console errors of the pages:\n  ${pages.errors.join('\n  ')}`
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
console.log(checks.summary());
process.exit(checks.failed > 0 ? 1 : 0);
