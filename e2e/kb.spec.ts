/**
 * The help center in the portal, in Debian's Chromium: a contact writing a ticket is offered
 * a matching article, reads it without losing the draft and marks it helpful; a suggestion
 * opened and then left without a ticket is recorded (a deflection), one followed by a ticket
 * is not. Search shows the matching words highlighted. A visitor who is not signed in reads
 * the public articles. Screenshots (desktop and phone) under test-results/screens/kb-*.png.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';

const PASSWORD = 'demo-password';
const shots = 'test-results/screens';
const snap = (page: Page, name: string) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
let contact: StorageState;

// One sign-in for the file, by a contact no other flow uses: sign-ins are rate limited per
// address and account, and the suite signs in often.
test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/portal/brightline');
  await page.getByLabel('Email').fill('emma@keystonelogistics.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'Help center' })).toBeVisible();
  contact = await context.storageState();
  await context.close();
});

async function signedIn(browser: Browser, width = 1280, height = 800) {
  const context = await browser.newContext({ viewport: { width, height }, storageState: contact });
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(e.error().message));
  context.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const page = await context.newPage();
  await page.goto('/portal/brightline');
  await expect(page.getByRole('link', { name: 'Help center' })).toBeVisible();
  return { context, page, errors };
}

test('a contact writing a ticket is offered an article, reads it in place and marks it helpful', async ({ browser }) => {
  const { context, page, errors } = await signedIn(browser);
  const deflections: string[] = [];
  page.on('request', (r) => r.url().includes('/api/kb/deflections') && deflections.push(r.postData() ?? ''));

  await page.getByRole('link', { name: 'New ticket' }).first().click();
  await expect(page.getByRole('heading', { name: 'Help articles' })).toBeVisible();
  await page.getByLabel('Subject').fill('Printer prints blank pages');
  await page.getByLabel('Description').fill('Every page comes out white since this morning.');

  const panel = page.getByRole('complementary', { name: 'These articles might help' });
  const suggestion = panel.getByRole('button', { name: 'Printer prints blank pages' });
  await expect(suggestion).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /might help with this/ })).toHaveCount(1);
  await snap(page, 'kb-new-ticket-suggestions');

  // The article opens over the form; the draft stays.
  await suggestion.click();
  const dialog = page.getByRole('dialog', { name: 'Printer prints blank pages' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('cell', { name: 'Toner empty or sealed' })).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Printer prints blank pages' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Yes' }).click();
  await expect(dialog.getByText('Thanks for your feedback!')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Yes' })).toHaveAttribute('aria-pressed', 'true');
  await expect(dialog.getByRole('button', { name: 'No' })).toHaveAttribute('aria-pressed', 'false');
  await page.screenshot({ path: `${shots}/kb-new-ticket-article.png` });
  await dialog.getByRole('button', { name: 'Back to my ticket' }).click();
  await expect(dialog).toBeHidden();
  await expect(suggestion).toBeFocused();
  await expect(page.getByLabel('Subject')).toHaveValue('Printer prints blank pages');

  // The vote is remembered: the article page shows it, and it can be changed.
  const article = await context.newPage();
  await article.goto('/portal/brightline/kb/printer-prints-blank-pages');
  await expect(article.getByRole('heading', { level: 1 })).toHaveText('Printer prints blank pages');
  await expect(article.getByRole('button', { name: 'Yes' })).toHaveAttribute('aria-pressed', 'true');
  await expect(article.getByText('You found this article helpful.')).toBeVisible();
  await article.getByRole('button', { name: 'No' }).click();
  await expect(article.getByText('You said this article didn’t help.')).toBeVisible();
  await expect(article.getByRole('link', { name: 'Create a ticket' }).first()).toBeVisible();
  await article.getByRole('button', { name: 'Yes' }).click();
  await expect(article.getByText('Thanks for your feedback! You found this article helpful.')).toBeVisible();
  await article.close();

  // Sent as a ticket after all: no deflection.
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Printer prints blank pages');
  await page.waitForTimeout(300);
  expect(deflections).toEqual([]);

  // Opened a suggestion and left without a ticket: recorded once.
  await page.getByRole('link', { name: 'New ticket' }).first().click();
  await page.getByLabel('Subject').fill('VPN from home does not connect');
  await panel.getByRole('button', { name: 'Connect to the office VPN from home' }).click();
  await expect(page.getByRole('dialog')).toContainText('FortiClient');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  const recorded = page.waitForResponse((r) => r.url().includes('/api/kb/deflections'));
  await page.getByRole('link', { name: 'My tickets' }).click();
  expect((await recorded).status()).toBe(204);
  expect(deflections).toHaveLength(1);
  expect(JSON.parse(deflections[0]!)).toMatchObject({ query: expect.stringContaining('VPN from home') });

  expect(errors).toEqual([]);
  await context.close();
});

test('help center search highlights the matching words', async ({ browser }) => {
  const { context, page, errors } = await signedIn(browser);
  await page.getByRole('link', { name: 'Help center' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How can we help?');
  await expect(page.getByRole('heading', { name: 'Browse by topic' })).toBeVisible();
  await snap(page, 'kb-home');

  // Results as you type, then the full results page.
  const box = page.getByRole('searchbox', { name: 'Search help articles' });
  await box.fill('printer');
  await expect(page.getByRole('heading', { name: 'Top results' })).toBeVisible();
  await expect(page.locator('.kb-instant mark').first()).toHaveText(/printer/i);
  await box.press('Enter');
  await expect(page).toHaveURL(/\/kb\/search\?q=printer$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Search results');
  await expect(page.getByRole('status').filter({ hasText: /articles? match/ })).toContainText('“printer”');
  const results = page.getByRole('list', { name: /Articles matching “printer”/ });
  await expect(results.getByRole('link', { name: 'Printer prints blank pages' })).toBeVisible();
  await expect(results.getByRole('link', { name: 'Label printer shows error E-204' })).toBeVisible();
  await expect(results.locator('mark').first()).toHaveText(/printer/i);
  await snap(page, 'kb-search');

  // Nothing found: a way forward.
  await box.fill('qwxzv');
  await box.press('Enter');
  await expect(page.getByRole('heading', { name: 'No articles match “qwxzv”' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create a ticket' }).first()).toBeVisible();

  // Phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/portal/brightline/kb/search?q=password');
  await expect(page.locator('.kb-hit mark').first()).toBeVisible();
  await snap(page, 'kb-search-phone');
  await page.goto('/portal/brightline/tickets/new');
  await page.getByLabel('Subject').fill('Outlook asks for my password');
  await expect(page.getByRole('link', { name: /help articles? might answer this/i })).toBeVisible();
  await snap(page, 'kb-new-ticket-phone');

  expect(errors).toEqual([]);
  await context.close();
});

test('a visitor who is not signed in reads public articles', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(e.error().message));
  const page = await context.newPage();

  await page.goto('/portal/brightline');
  await page.getByRole('link', { name: 'Browse help articles' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How can we help?');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in', exact: true })).toBeVisible();
  const popular = page.getByRole('region', { name: 'Popular articles' });
  await expect(popular.getByRole('link', { name: 'Label printer shows error E-204' })).toBeVisible();
  // Articles for signed-in contacts only are not listed.
  await expect(page.getByRole('link', { name: 'Printer prints blank pages' })).toHaveCount(0);
  await snap(page, 'kb-home-visitor');

  await popular.getByRole('link', { name: 'Label printer shows error E-204' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Label printer shows error E-204');
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Printers and scanners' })).toBeVisible();
  await expect(page.getByText(/Updated /).first()).toBeVisible();
  await expect(page.locator('.kb-body ol li')).toHaveCount(3);
  await page.getByRole('button', { name: 'Yes' }).click();
  await expect(page.getByText('Thanks for your feedback!')).toBeVisible();
  await snap(page, 'kb-article-visitor');

  // A contacts-only article asks the visitor to sign in, which comes back to it.
  await page.goto('/portal/brightline/kb/printer-prints-blank-pages');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Article not found');
  const signIn = page.getByRole('main').getByRole('link', { name: 'Sign in', exact: true });
  await expect(signIn).toHaveAttribute('href', /\?next=%2Fportal%2Fbrightline%2Fkb%2Fprinter-prints-blank-pages$/);
  await signIn.click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/portal/brightline/kb/label-printer-shows-error-e-204');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Label printer shows error E-204');
  await snap(page, 'kb-article-phone');

  expect(errors).toEqual([]);
  await context.close();
});
