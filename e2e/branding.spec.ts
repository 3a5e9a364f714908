/**
 * White-label portals, in Debian's Chromium: an admin brands the workspace (name, colours)
 * and Harbor Dental (name, colour, logo) while the preview follows the unsaved changes, and
 * saves. Tom (Harbor Dental) and Emma (Keystone Logistics) then each see their own portal.
 * Unsafe custom CSS is refused with its line and column and nothing is saved. Custom domains:
 * added from the client's page, the DNS record to create, checked again and removed. Agents
 * see neither page. Screenshots under test-results/screens/branding-*.png. Every spec shares
 * one server and database, so what this file changes is put back at the end.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';

const PASSWORD = 'demo-password';
const shots = 'test-results/screens';

const WORKSPACE = { name: 'Brightline Help Desk', primary: '#5b21b6', accent: '#b45309' };
const HARBOR = { name: 'Harbor Dental Care', primary: '#0e7490' };
const DOMAIN = 'support.harbordental.example';
const UNSAFE_CSS = '/* Harbor Dental: a font from our CDN */\n@import url(https://evil.example/x.css);\n.site-header { border-top-width: 6px; }';

// A 64 × 64 PNG: a white sailboat on a teal disc, transparent around it.
const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAADqUlEQVR42u1bvYoUQRC+J5B5AWEfwGBBMLlkAiOjTc029AEEI2EThUNwhAMvUxQOFIRBvO' +
  'iSRU0OBAdEs4NFThMD50Q4Lhv7W7ahbaZ7+q9qZ++moILdmZ3u+urnq57t3toahFau3H2SCZ0InQkthc6F1kIbTevVtXJ1L36TbarRI6GF0KrFUF+tVs8a' +
  'bYLh00RG28CY9tXwBaHhui56AYSYRM5seBsQ+boKW7FGw3Ut2AqmGGhMnOcx9WHMEfJ1D41XqTSnLHTNhuj0MhufFoRV2DcbqnmKgkeS87f23nDVhHEM1Z' +
  'FV+++//3CyQxYCACnPQ+69fc/WJ/Qu7yGnZ+fN1ft7/asHHO2tlKcfPrO1zb2iPFWuPXjWH2rkWtyo8vH4pB9RwNnw6MJEi/Yo4Fzk6MJJi7bXWM26AGCm' +
  'xRE777sAwEiLxVrD3wQAIy1WbW0v+cBqobMJEy1mKgATDgBUurMJEy1OVABmHN6HuADARIszFYCSw/s+ADDQYqkCMOfwvg8ADLQ4VwGoObzvCwAxLdYqAC' +
  'ze9wWAmhZZAFC9HwIAJS2SA6B7PxQAKlokB0D3figAVLRIWgTbvB8DAAEt1qQ02Ob9GAAIaHFO1giZvB8LQGJaLMlaYZP3YwFITIszksWQzfspAEhIixOS' +
  '5bDN+6kASESLWfIXIvDMnVeHzf6nb8tJSsVnFDDqdf7t5++ah4dH/40NxXe4Zn0vGPNKDEZ3eV7Kl5+/lvenKmbbj/eXAKNAuhRR3Htz93UR/VIU3gSyLg' +
  'ObJoOCFhoVPqC3SPuew+s7LyqXMAOKKeXg67EeolbQ0RRFSGX8X0BcnOLhMBADqYpJhnrbt8DpY2M+kUarYv97TNywiHk6chyhrRqAzxHh6pVWcJTFed1/' +
  'kAKhkD7dpcqj8CF3AVJKoxEhKIZdKXTj0Uu3fUOuUQBkQ1dpsnqHigTdg00WzvsDxPNz28Au1RsGApwuz/gWNteCGb1h6sfp30I2EjKvbN6GIQDGFN6yNt' +
  'gAwTWZs2ojg9/ZegeHKCjINkmF8HGqZgigyyYo+Saprm1yCfh4OXE8x7cZQgqY3jUm2ybXtWHKxcuYpGvFR9gjKkxgIP2QCibQSTZK2naOmKqyKcfxPa67' +
  'AiLz3yXKDClAu19YCnLQlwp9FjBdVGioJTSnSdTt8iG521a9Q2qJpf+g2y5PfWBCLrJMYCAdOrpN+gMTnEdm4GGoY5TxHZkZDk0Nx+aGg5PD0dnh8PQFkn' +
  '/k7y69Es7HEQAAAABJRU5ErkJggg==',
  'base64',
);

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
let admin: StorageState | undefined;

/** `#0e7490` → `rgb(14, 116, 144)`, as getComputedStyle gives colours. */
const rgbOf = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

/**
 * Collects the pages' errors, less two kinds that are expected here: Chromium's note when
 * Playwright's own helpers look inside the preview frame (it allows no script, as meant),
 * and the browser's line about the 400s and 409 this file provokes on purpose (unsafe CSS,
 * a bad or taken domain), which the pages show in their own words.
 */
function watchErrors(ctx: BrowserContext, errors: string[]) {
  ctx.on('weberror', (e) => errors.push(e.error().message));
  ctx.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/^Blocked script execution in '.*\/staff\/branding-preview\/[0-9a-f-]+' because the document's frame is sandboxed/.test(text)) return;
    if (/status of (400|409)/.test(text) && /\/staff\/api\/(branding\/previews|clients\/[0-9a-f-]+\/branding|domains)$/.test(m.location().url)) return;
    errors.push(`${text} (${m.location().url})`);
  });
}

/** A page full height, so the sticky save bar sits at the bottom of the picture and not across it. */
async function snapWhole(page: Page, name: string) {
  const { width, height } = page.viewportSize()!;
  const full = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: Math.max(height, full) });
  await page.screenshot({ path: `${shots}/${name}.png` });
  await page.setViewportSize({ width, height });
}

/** Two screenshots side by side with captions, as one picture. */
async function sideBySide(browser: Browser, name: string, shotsWithCaptions: [Buffer, string][], width: number) {
  const ctx = await browser.newContext({ viewport: { width: width * 2 + 72, height: 400 } });
  const page = await ctx.newPage();
  await page.setContent(
    `<body style="margin:0;padding:24px;display:flex;gap:24px;align-items:flex-start;background:#d9e2ec;font:600 15px system-ui,sans-serif;color:#1f2933">${shotsWithCaptions
      .map(
        ([png, caption]) =>
          `<figure style="margin:0;width:${width}px"><figcaption style="margin:0 0 8px">${caption}</figcaption><img style="display:block;width:${width}px;box-shadow:0 2px 10px rgba(16,24,40,.18)" src="data:image/png;base64,${png.toString('base64')}"></figure>`,
      )
      .join('')}</body>`,
  );
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await ctx.close();
}

/** The staff API with the admin's session, for checks and for putting things back. */
async function adminApi(browser: Browser) {
  const ctx = await browser.newContext({ storageState: admin });
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const boot = (await (await ctx.request.get('/staff/api/bootstrap')).json()) as { session: { csrfToken: string } };
  const call = async <T>(method: string, path: string, data?: unknown): Promise<T> => {
    const res = await ctx.request.fetch(`/staff/api${path}`, {
      method,
      headers: { origin, 'x-csrf-token': boot.session.csrfToken },
      ...(data === undefined ? {} : { data }),
    });
    expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
    return (res.status() === 204 ? undefined : await res.json()) as T;
  };
  return { call, close: () => ctx.close() };
}

type Level = { values: { portalName: string | null; primaryColor: string | null; accentColor: string | null; customCss: string | null; logo: unknown; favicon: unknown } };
let before: { workspace: Level['values']; harbor: Level['values']; harborId: string } | undefined;

async function signInPortal(browser: Browser, email: string) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto('/portal/brightline');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'New ticket' }).first()).toBeVisible();
  // No reload: signing in switches the page's brand stylesheets to the client's at once.
  return { ctx, page };
}

const buttonBackground = (page: Page) =>
  page
    .locator('.page-header-action.btn-primary, .site-main .btn-primary')
    .first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);

test.afterAll(async ({ browser }) => {
  if (!admin || !before) return;
  const api = await adminApi(browser);
  const { workspace, harbor, harborId } = before;
  const restore = async (path: string, v: Level['values']) => {
    await api.call('PATCH', path, { portalName: v.portalName, primaryColor: v.primaryColor, accentColor: v.accentColor, customCss: v.customCss });
    const now = await api.call<Level>('GET', path);
    for (const kind of ['logo', 'favicon'] as const) if (now.values[kind] && !v[kind]) await api.call('DELETE', `${path}/${kind}`);
  };
  await restore(`/clients/${harborId}/branding`, harbor);
  await restore('/branding', workspace);
  const domains = await api.call<{ items: { id: string; hostname: string }[] }>('GET', '/domains');
  for (const d of domains.items) if (d.hostname === DOMAIN) await api.call('DELETE', `/domains/${d.id}`);
  await api.close();
});

test('an admin brands the workspace and Harbor Dental; each client’s contacts see their own portal', async ({ browser }) => {
  const staff = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  watchErrors(staff, errors);
  const page = await staff.newPage();

  // Settings → Branding, after signing in in place.
  await page.goto('/staff/settings');
  await page.getByLabel('Email').fill('sam@brightline.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Branding' }).click();
  await expect(page).toHaveURL(/\/staff\/settings\/branding$/);
  admin = await staff.storageState();

  const api = await adminApi(browser);
  const clients = await api.call<{ items: { id: string; name: string }[] }>('GET', '/clients');
  const harborId = clients.items.find((c) => c.name === 'Harbor Dental')!.id;
  before = {
    workspace: (await api.call<Level>('GET', '/branding')).values,
    harbor: (await api.call<Level>('GET', `/clients/${harborId}/branding`)).values,
    harborId,
  };

  const level = page.getByLabel('Branding for');
  const name = page.getByLabel('Portal name');
  const primary = page.getByLabel('Primary colour', { exact: true });
  const primaryPicker = page.getByLabel('Primary colour: colour picker');
  const accent = page.getByLabel('Accent colour', { exact: true });
  const frame = page.frameLocator('iframe[title="Portal preview"]');
  const saveBar = page.getByRole('group', { name: 'Save branding' });

  // The workspace default: name and both colours; the preview follows before anything is saved.
  await expect(level).toHaveValue('');
  await expect(name).toHaveAttribute('placeholder', 'Brightline IT Services');
  await expect(frame.locator('.site-header .brand-name')).toHaveText('Brightline IT Services');
  await name.fill(WORKSPACE.name);
  await primary.fill(WORKSPACE.primary);
  await expect(primaryPicker).toHaveValue(WORKSPACE.primary);
  await accent.fill(WORKSPACE.accent);
  await expect(saveBar.getByText('Unsaved changes')).toBeVisible();
  await expect(frame.locator('.site-header .brand-name')).toHaveText(WORKSPACE.name);
  await expect
    .poll(() => frame.locator('.page-header-action').evaluate((el) => getComputedStyle(el).backgroundColor))
    .toBe(rgbOf(WORKSPACE.primary));
  await expect(page.getByRole('status').filter({ hasText: 'Preview shows your unsaved changes.' })).toBeVisible();
  await saveBar.getByRole('button', { name: 'Save' }).click();
  const saved = page.getByRole('status').filter({ hasText: /^✓ Saved\. Every client/ });
  await expect(saved).toBeVisible();
  await expect(saved).toBeFocused();

  // Harbor Dental: its own name, primary colour (picked, then typed) and logo; the rest inherits.
  await level.selectOption({ label: 'Harbor Dental' });
  await expect(page).toHaveURL(new RegExp(`\\?client=${harborId}$`));
  await expect(name).toHaveAttribute('placeholder', WORKSPACE.name);
  await expect(page.getByText(`Inherits “${WORKSPACE.name}” from the workspace default`)).toBeVisible();
  await expect(primary).toHaveAttribute('placeholder', WORKSPACE.primary);
  await name.fill(HARBOR.name);
  await primaryPicker.fill('#123456');
  await expect(primary).toHaveValue('#123456');
  await primary.fill(HARBOR.primary.toUpperCase().slice(1)); // typed without # and in capitals
  await primary.blur();
  await expect(primary).toHaveValue(HARBOR.primary);
  await expect(primaryPicker).toHaveValue(HARBOR.primary);

  // Contrast is checked as the colours change, without blocking anything.
  await accent.fill('#fbbf24');
  const warning = page.getByRole('listitem').filter({ hasText: 'Accent-coloured text on white has a contrast of 1.66:1' });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('WCAG AA needs 4.5:1');
  await page.getByRole('button', { name: 'Reset to inherited accent colour' }).click();
  await expect(accent).toHaveValue('');
  await expect(warning).toBeHidden();

  // The logo is saved as soon as it is uploaded; the preview shows it.
  await page.getByLabel('Upload logo').setInputFiles({ name: 'harbor-logo.png', mimeType: 'image/png', buffer: LOGO_PNG });
  await expect(page.getByText('Logo saved: the portal shows it now. Your other changes are not saved yet.')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Current logo' })).toBeVisible();
  await expect(frame.locator('.site-header .brand-name')).toHaveText(HARBOR.name);
  await expect(frame.locator('.site-header img.brand-logo')).toBeVisible();
  await expect
    .poll(() => frame.locator('.page-header-action').evaluate((el) => getComputedStyle(el).backgroundColor))
    .toBe(rgbOf(HARBOR.primary));

  // Desktop and phone widths of the preview; the page as the admin sees it.
  await page.getByRole('button', { name: 'Phone' }).click();
  await expect(page.getByRole('button', { name: 'Phone' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('iframe[title="Portal preview"]')).toHaveAttribute('width', '390');
  await expect(frame.locator('.site-header img.brand-logo')).toBeVisible();
  await snapWhole(page, 'branding-staff-phone-preview');
  await page.getByRole('button', { name: 'Desktop' }).click();
  await expect(page.locator('iframe[title="Portal preview"]')).toHaveAttribute('width', '1120');
  await expect(page.getByRole('status').filter({ hasText: 'Preview shows your unsaved changes.' })).toBeVisible();
  await snapWhole(page, 'branding-staff');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('button', { name: 'Save' })).toBeVisible();
  await snapWhole(page, 'branding-staff-phone');
  await page.setViewportSize({ width: 1366, height: 900 });

  await saveBar.getByRole('button', { name: 'Save' }).click();
  const harborSaved = page.getByRole('status').filter({ hasText: 'Saved. Harbor Dental’s contacts see the new branding' });
  await expect(harborSaved).toBeFocused();
  const harbor = await api.call<Level>('GET', `/clients/${harborId}/branding`);
  expect(harbor.values).toMatchObject({ portalName: HARBOR.name, primaryColor: HARBOR.primary, accentColor: null, customCss: null });

  // Unsafe CSS: the problem with its line and column, live and on Save; nothing is saved.
  const css = page.getByRole('textbox', { name: 'Custom CSS' });
  await css.fill(UNSAFE_CSS);
  const problem = page.getByRole('button', { name: /^Line 2, column 1\s*@import is not allowed/ });
  await expect(problem).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Preview leaves out the new custom CSS until its problems are fixed.' })).toBeVisible();
  await saveBar.getByRole('button', { name: 'Save' }).click();
  await expect(saveBar.getByRole('alert')).toHaveText(/Not saved: the custom CSS has a problem\. Fix it \(listed under the CSS\) and save again\./);
  await expect(problem).toBeFocused();
  await snapWhole(page, 'branding-staff-css-problem');
  await problem.click();
  await expect(css).toBeFocused();
  expect(await css.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe(UNSAFE_CSS.indexOf('@import'));
  expect((await api.call<Level>('GET', `/clients/${harborId}/branding`)).values.customCss).toBeNull();
  page.once('dialog', (d) => void d.accept());
  await saveBar.getByRole('button', { name: 'Discard' }).click();
  await expect(css).toHaveValue('');
  await expect(saveBar.getByText('No unsaved changes.')).toBeVisible();
  await api.close();

  // Each contact sees their own client's portal.
  const tom = await signInPortal(browser, 'tom@harbordental.example');
  const emma = await signInPortal(browser, 'emma@keystonelogistics.example');
  watchErrors(tom.ctx, errors);
  watchErrors(emma.ctx, errors);
  await expect(tom.page.locator('.site-header .brand-name')).toHaveText(HARBOR.name);
  const logo = tom.page.locator('.site-header img.brand-logo');
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  expect(await buttonBackground(tom.page)).toBe(rgbOf(HARBOR.primary));
  await expect(emma.page.locator('.site-header .brand-name')).toHaveText(WORKSPACE.name);
  await expect(emma.page.locator('.site-header img.brand-logo')).toHaveCount(0);
  expect(await buttonBackground(emma.page)).toBe(rgbOf(WORKSPACE.primary));

  const desktop: [Buffer, string][] = [
    [await tom.page.screenshot(), `Tom · Harbor Dental (${HARBOR.primary})`],
    [await emma.page.screenshot(), `Emma · Keystone Logistics: the workspace default (${WORKSPACE.primary})`],
  ];
  await sideBySide(browser, 'branding-portals-desktop', desktop, 1280);
  for (const p of [tom.page, emma.page]) await p.setViewportSize({ width: 390, height: 844 });
  await expect(tom.page.locator('.site-header img.brand-logo')).toBeVisible();
  await expect(emma.page.locator('.site-header .brand-name')).toHaveText(WORKSPACE.name);
  const phone: [Buffer, string][] = [
    [await tom.page.screenshot(), 'Tom · Harbor Dental'],
    [await emma.page.screenshot(), 'Emma · Keystone Logistics'],
  ];
  await sideBySide(browser, 'branding-portals-phone', phone, 390);

  expect(errors).toEqual([]);
  await Promise.all([tom.ctx.close(), emma.ctx.close(), staff.close()]);
});

test('custom domain for a client: the DNS record to create, check again, remove', async ({ browser }) => {
  test.skip(!admin, 'needs the admin signed in by the first flow');
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, storageState: admin, permissions: ['clipboard-read', 'clipboard-write'] });
  const errors: string[] = [];
  watchErrors(ctx, errors);
  const page = await ctx.newPage();

  // From the client's page, with the client's portal chosen.
  await page.goto('/staff/clients');
  await page.getByRole('link', { name: 'Harbor Dental', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Branding' })).toHaveAttribute('href', /\/staff\/settings\/branding\?client=/);
  await page.getByRole('link', { name: 'Custom domain' }).click();
  await expect(page).toHaveURL(/\/staff\/settings\/domains\?client=/);
  await expect(page.getByLabel('Portal')).toHaveValue(before!.harborId);

  // The server's messages for a bad address.
  const host = page.getByLabel('Domain', { exact: true });
  await host.fill('https://support.harbordental.example/help');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByText('Enter a domain name you own, such as support.example.com (no https:// and no path).')).toBeVisible();
  await expect(host).toBeFocused();

  await host.fill(DOMAIN);
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByText(`${DOMAIN} was added for Harbor Dental.`)).toBeVisible();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: DOMAIN }) });
  await expect(card.getByRole('heading', { name: DOMAIN })).toBeFocused();
  await expect(card.getByText('Waiting for DNS')).toBeVisible();
  await expect(card.getByText('Portal of Harbor Dental')).toBeVisible();
  await expect(card.getByText(/Keeps checking until/)).toBeVisible();
  await expect(card.getByText(/Next check at \d|Checking now…/)).toBeVisible();
  await expect(card.getByRole('definition').filter({ hasText: 'CNAME' })).toBeVisible();
  await card.getByRole('button', { name: 'Copy name' }).click();
  await expect(card.getByText('Name copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(DOMAIN);

  // The list refreshes by itself while the domain waits: the server's reason appears.
  await expect(page.getByText('Refreshing every 10 seconds')).toBeVisible();
  await expect(card.locator('.domain-reason')).toBeVisible({ timeout: 30_000 });
  await card.getByRole('button', { name: `Check again ${DOMAIN}` }).click();
  await expect(card.getByText('Asked for a new check. The result shows here within a few seconds.')).toBeVisible();

  // The same address for another portal is refused with the server's message.
  await host.fill(DOMAIN);
  await page.getByLabel('Portal').selectOption({ label: 'Keystone Logistics' });
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByText('This domain is already in use. Remove it where it is used first, or choose another.')).toBeVisible();
  await snapWhole(page, 'branding-domains');
  await page.setViewportSize({ width: 390, height: 844 });
  await snapWhole(page, 'branding-domains-phone');
  await page.setViewportSize({ width: 1366, height: 900 });
  await host.fill('');

  // Remove, after saying so.
  await card.getByRole('button', { name: `Remove ${DOMAIN}` }).click();
  const confirm = card.getByRole('group', { name: `Remove ${DOMAIN}?` });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Remove domain' }).click();
  await expect(page.getByText(`${DOMAIN} was removed.`)).toBeVisible();
  await expect(page.getByRole('heading', { name: DOMAIN })).toHaveCount(0);
  await expect(page.getByText('No custom domains yet.')).toBeVisible();

  expect(errors).toEqual([]);
  await ctx.close();
});

test('agents see neither branding nor custom domains', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('/staff/settings/branding');
  await page.getByLabel('Email').fill('alex@brightline.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Only admins can change the portal’s branding. Ask an admin of your workspace.')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Settings' })).toHaveCount(0);
  await page.goto('/staff/settings/domains');
  await expect(page.getByText('Only admins can manage custom domains. Ask an admin of your workspace.')).toBeVisible();
  await ctx.close();
});
