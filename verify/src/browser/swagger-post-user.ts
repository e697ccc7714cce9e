// Steps 1 and 2 of make browser-check: Swagger UI at /swagger shows the API and its POST /user
// operation; "Try it out" with a name, a new email and the avatar file, then Execute: the response
// panel shows 201 and the user, whose avatar_url is returned for step 3.
import type { Checks } from './checks.ts';
import type { Journey } from './journey.ts';

const API_TITLE = 'sre-kit API'; // info.title of service/src/openapi/spec.ts
/** Swagger UI's id of an operation: operations-<tag>-<operationId> (POST /user is createUser). */
const OPERATION = '#operations-users-createUser';
/** POST /user stores the avatar in S3 and the user in DynamoDB before it answers. */
const RESPONSE_TIMEOUT_MS = 30_000;

/** Posts a user with the avatar (`png`, saved as `avatarFile`) through Swagger UI; its avatar_url. */
export async function postUserThroughSwagger(
  journey: Journey,
  png: Buffer,
  avatarFile: string,
): Promise<string> {
  const { browser, baseUrl, watch, at, shot } = journey;
  // must() narrows: TypeScript wants its receiver declared with its type.
  const checks: Checks = journey.checks;
  // 1. Swagger UI shows the API and its POST /user operation.
  at(`open ${baseUrl}/swagger`);
  const swagger = watch(await browser.newPage(), 'swagger');
  const loaded = await swagger.goto(`${baseUrl}/swagger`, { waitUntil: 'load' });
  checks.must(loaded?.status() === 200, 'GET /swagger answers 200', `status ${loaded?.status()}`);
  at('wait for Swagger UI to render the document');
  await swagger.waitForSelector('.info .title', { visible: true });
  const title = await swagger.$eval('.info .title', (h1) =>
    h1.textContent.replace(/\s+/g, ' ').trim(),
  );
  checks.must(
    title.startsWith(API_TITLE),
    `Swagger UI shows the API title "${title}"`,
    `wanted "${API_TITLE}"`,
  );
  at('find POST /user');
  await swagger.waitForSelector(`${OPERATION} .opblock-summary`, { visible: true });
  const summaryLine = await swagger.$eval(`${OPERATION} .opblock-summary`, (row) => ({
    method: row.querySelector('.opblock-summary-method')?.textContent.trim(),
    path: row.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
  }));
  checks.must(
    summaryLine.method === 'POST' && summaryLine.path === '/user',
    'Swagger UI shows the operation POST /user',
    `found ${summaryLine.method} ${summaryLine.path}`,
  );
  await swagger.screenshot({ path: shot('01-swagger.png'), fullPage: true });

  // 2. Try it out: name, a new email and the PNG file, Execute; the response panel shows 201.
  at('expand POST /user and click "Try it out"');
  await swagger.locator(`${OPERATION} .opblock-summary-control`).click();
  await swagger.locator(`${OPERATION} button.try-out__btn::-p-text(Try it out)`).click();
  const name = 'Browser Check';
  const email = `browser-${Date.now()}@example.com`;
  at('fill in name, email and avatar');
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
  checks.must(
    chosen.name === 'avatar.png' && chosen.size === png.length,
    `the avatar input holds avatar.png (${png.length} bytes)`,
    `holds ${chosen.name ?? 'nothing'} (${chosen.size ?? 0} bytes)`,
  );
  at('click Execute and wait for the response panel');
  await swagger.locator(`${OPERATION} button.execute`).click();
  const live = `${OPERATION} .live-responses-table`;
  // The table's head has a "Code" cell of the same class: the answer is the body's row.
  await swagger.waitForSelector(`${live} tbody tr.response .response-col_status`, {
    timeout: RESPONSE_TIMEOUT_MS,
  });
  at('read the response shown');
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
  checks.must(
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
  checks.must(body !== undefined, 'the response body shown is a JSON object', bodyLine);
  checks.check(body.email === email, `the response body shows the email ${email}`, bodyLine);
  checks.check(body.name === name, `the response body shows the name "${name}"`, bodyLine);
  const avatarUrl = typeof body.avatar_url === 'string' ? body.avatar_url : '';
  checks.must(/^https?:\/\//.test(avatarUrl), 'the response body shows an avatar_url', bodyLine);
  return avatarUrl;
}
