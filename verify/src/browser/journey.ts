// What each step of the browser journey is given: the browser, the API, the assertions, the
// watch on the pages, where to record the step under way and where screenshots go.
import type { Browser, Page } from 'puppeteer-core';
import type { Checks } from './checks.ts';

export interface Journey {
  browser: Browser;
  /** The API, without a trailing slash. */
  baseUrl: string;
  checks: Checks;
  /** Sets the page's timeouts and records its errors; the page becomes the current one. */
  watch: (page: Page, label: string) => Page;
  /** Records the step under way (printed if it fails or the run limit is hit). */
  at: (step: string) => void;
  /** The path of a screenshot. */
  shot: (name: string) => string;
}
