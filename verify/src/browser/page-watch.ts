// Every page of the run records its console errors, uncaught exceptions and failed requests (for
// the report of a failure); the last page opened is the current one (for its screenshot).
import type { Page } from 'puppeteer-core';

export class PageWatch {
  readonly errors: string[] = [];
  current: Page | undefined;
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  watch(page: Page, label: string): Page {
    page.setDefaultTimeout(this.#timeoutMs);
    page.setDefaultNavigationTimeout(this.#timeoutMs);
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`[${label}] console: ${message.text()}`);
    });
    page.on('pageerror', (error) =>
      this.errors.push(
        `[${label}] uncaught: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    page.on('requestfailed', (request) =>
      this.errors.push(
        `[${label}] request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`,
      ),
    );
    this.current = page;
    return page;
  }
}
