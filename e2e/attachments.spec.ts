/**
 * Attachments as people use them, in Debian's Chromium: a contact drops a screenshot and a
 * PDF onto the new-ticket form, watches them upload and sends; both show on the ticket. The
 * contact pastes a screenshot into a reply. An agent downloads the files byte for byte and
 * attaches a file to an internal note, which the contact never sees. An admin changes the
 * limits. Screenshots (desktop and phone) under test-results/screens.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';

const PASSWORD = 'demo-password';
const shots = 'test-results/screens';
const snap = (page: Page, name: string) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

/** A small, valid PDF (what a scanner would send). */
const PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
);

/** Draws a fake error dialog on a canvas in the page and returns it as PNG bytes. */
async function screenshotPng(page: Page, text: string): Promise<Buffer> {
  const bytes = await page.evaluate(async (label) => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 300;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#e8eef6';
    g.fillRect(0, 0, 480, 300);
    g.fillStyle = '#ffffff';
    g.fillRect(60, 60, 360, 180);
    g.fillStyle = '#b42318';
    g.fillRect(60, 60, 360, 36);
    g.fillStyle = '#ffffff';
    g.font = 'bold 18px sans-serif';
    g.fillText('Printer error', 76, 85);
    g.fillStyle = '#1f2933';
    g.font = '16px sans-serif';
    g.fillText(label, 80, 140);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }, text);
  return Buffer.from(bytes);
}

type FileSpec = { name: string; type: string; bytes: number[] };
const spec = (name: string, type: string, bytes: Buffer): FileSpec => ({ name, type, bytes: [...bytes] });

/** A DataTransfer holding these files, built in the page (as a real drag from the desktop would). */
const dataTransferOf = (page: Page, files: FileSpec[]) =>
  page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return dt;
  }, files);

async function signInPortal(ctx: BrowserContext, email: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto('/portal/brightline');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'New ticket' }).first()).toBeVisible();
  return page;
}

async function signInStaff(ctx: BrowserContext, email: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto('/staff');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/^(Admin|Agent)$/).first()).toBeAttached();
  return page;
}

function watchErrors(ctx: BrowserContext, errors: string[]) {
  ctx.on('weberror', (e) => errors.push(e.error().message));
  ctx.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
}

test('files on a new ticket, a pasted screenshot, downloads and an internal file', async ({ browser }) => {
  const subject = `Label printer shows an error ${Date.now()}`;
  const contact = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const staff = await browser.newContext({ viewport: { width: 1366, height: 850 }, acceptDownloads: true });
  const errors: string[] = [];
  watchErrors(contact, errors);
  watchErrors(staff, errors);

  // The contact drops a screenshot and a PDF onto the new-ticket form.
  const c = await signInPortal(contact, 'tom@harbordental.example');
  await c.getByRole('link', { name: 'New ticket' }).first().click();
  await c.getByLabel('Subject').fill(subject);
  await c.getByLabel('Description').fill('The printer shows this error on every order. Scan of the last label attached.');
  const png = await screenshotPng(c, 'E-204: paper path blocked');
  const files = [spec('printer-error.png', 'image/png', png), spec('last-label-scan.pdf', 'application/pdf', PDF)];
  const form = c.getByRole('form', { name: 'New ticket' });
  const dataTransfer = await dataTransferOf(c, files);
  await form.dispatchEvent('dragenter', { dataTransfer });
  await expect(c.getByText('Drop files to attach')).toBeVisible();
  await snap(c, 'portal-attach-dragover');
  await form.dispatchEvent('drop', { dataTransfer });
  await expect(c.getByText('Drop files to attach')).toHaveCount(0);

  // Each file uploads on its own, to completion.
  for (const f of files) {
    await expect(c.getByRole('progressbar', { name: `Upload of ${f.name}` })).toHaveAttribute('value', '100');
  }
  const list = c.getByRole('list', { name: 'Files to send' });
  await expect(list.getByText('Uploaded')).toHaveCount(2);
  await expect(list).toContainText('PDF document');

  // Too large a file is refused before it is sent; a wrong file can be removed.
  await c.getByLabel('Attach files').setInputFiles({ name: 'huge-backup.zip', mimeType: 'application/zip', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 1) });
  await expect(c.getByText('“huge-backup.zip” is larger than the 10 MB limit.')).toBeVisible();
  await c.getByLabel('Attach files').setInputFiles({ name: 'wrong-file.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one\n') });
  const wrong = list.getByRole('listitem').filter({ hasText: 'wrong-file.txt' });
  await expect(wrong).toBeVisible();
  await expect(c.getByRole('progressbar', { name: 'Upload of wrong-file.txt' })).toHaveAttribute('value', '100');
  await c.getByRole('button', { name: 'Remove wrong-file.txt' }).click();
  await expect(wrong).toHaveCount(0);
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await snap(c, 'portal-new-ticket-files');

  await c.getByRole('button', { name: 'Submit ticket' }).click();
  await expect(c.getByRole('heading', { level: 1 })).toContainText(subject);
  const number = Number((await c.getByText(/#\d+/).first().textContent())!.match(/#(\d+)/)![1]);
  const original = c.locator('.message-original');
  const thumb = original.getByRole('img', { name: 'printer-error.png' });
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
  await expect(original.getByRole('link', { name: /last-label-scan\.pdf/ })).toContainText(/PDF document · \d+ bytes/);

  // A screenshot pasted into the reply box becomes an attachment of the reply.
  const pasted = await screenshotPng(c, 'Still blocked after restart');
  await c.getByLabel('Your reply').fill('Restarted it, same error:');
  await c.getByLabel('Your reply').evaluate((el, bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, [...pasted]);
  const shot = c.getByRole('list', { name: 'Files to send' }).getByRole('listitem').filter({ hasText: /screenshot-\d{4}-\d{2}-\d{2}-\d{4}\.png/ });
  await expect(shot).toBeVisible();
  await expect(c.getByLabel('Your reply')).toHaveValue('Restarted it, same error:');
  await c.getByRole('button', { name: 'Send reply' }).click();
  await expect(c.getByText('Restarted it, same error:')).toBeVisible();
  await expect(c.locator('.thread .message').last().getByRole('img', { name: /^screenshot-.*\.png$/ })).toBeVisible();
  await expect(c.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
  await snap(c, 'portal-ticket-attachments');

  // The agent opens the ticket and downloads both files, byte for byte.
  const s = await signInStaff(staff, 'alex@brightline.example');
  await s.goto(`/staff/tickets/${number}`);
  await expect(s.getByRole('heading', { level: 1 })).toContainText(subject);
  const request = s.locator('.thread > li').first();
  for (const [name, bytes] of [
    ['printer-error.png', png],
    ['last-label-scan.pdf', PDF],
  ] as const) {
    const [download] = await Promise.all([s.waitForEvent('download'), request.getByRole('link', { name: new RegExp(`Download ${name.replace('.', '\\.')}`) }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    expect(Buffer.compare(await readFile((await download.path())!), bytes)).toBe(0);
  }

  // A file on an internal note is marked internal, and only staff see it.
  const secret = `router-config-${Date.now()}.txt`;
  await s.getByRole('tab', { name: /internal note/i }).click();
  await s.getByLabel(/note/i).first().fill('Firmware log from the printer, for us only.');
  await s.getByLabel('Attach files').setInputFiles({ name: secret, mimeType: 'text/plain', buffer: Buffer.from('admin password: hunter2\n') });
  await expect(s.getByRole('progressbar', { name: `Upload of ${secret}` })).toHaveAttribute('value', '100');
  await snap(s, 'staff-note-with-file');
  await s.getByRole('button', { name: 'Add internal note' }).click();
  const note = s.locator('.message-note').last();
  await expect(note).toContainText('Firmware log from the printer');
  await expect(note.getByRole('link', { name: new RegExp(secret.replace('.', '\\.')) })).toContainText('Internal');
  await expect(s.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
  await snap(s, 'staff-ticket-attachments');

  await c.reload();
  await expect(c.getByText('Restarted it, same error:')).toBeVisible();
  await expect(c.getByText(secret)).toHaveCount(0);
  expect(await c.content()).not.toContain(secret);

  // Phone widths.
  await c.setViewportSize({ width: 390, height: 844 });
  await snap(c, 'portal-ticket-attachments-phone');
  await c.goto('/portal/brightline/tickets/new');
  await c.getByRole('form', { name: 'New ticket' }).dispatchEvent('drop', { dataTransfer: await dataTransferOf(c, files) });
  await expect(c.getByRole('progressbar', { name: 'Upload of last-label-scan.pdf' })).toHaveAttribute('value', '100');
  await snap(c, 'portal-new-ticket-files-phone');
  await s.setViewportSize({ width: 390, height: 844 });
  await s.reload();
  await expect(s.getByText('Firmware log from the printer')).toBeVisible();
  await snap(s, 'staff-ticket-attachments-phone');

  expect(errors).toEqual([]);
  await contact.close();
  await staff.close();
});

test('an admin sets the attachment limits', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signInStaff(ctx, 'sam@brightline.example');
  await page.goto('/staff/settings');
  const files = page.getByLabel('Files per upload');
  const size = page.getByLabel('Max file size (MB)');
  await expect(files).toHaveValue('10');
  await expect(size).toHaveValue('10');
  await files.fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Enter a whole number of files from 1 to 50')).toBeVisible();
  await expect(files).toBeFocused();
  await files.fill('5');
  await size.fill('25');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.getByRole('heading', { name: 'Attachments' }).scrollIntoViewIfNeeded();
  await snap(page, 'staff-settings-attachments');
  await page.reload();
  await expect(page.getByLabel('Files per upload')).toHaveValue('5');
  await expect(page.getByLabel('Max file size (MB)')).toHaveValue('25');

  // The portal checks against the new limits.
  const contact = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const c = await signInPortal(contact, 'tom@harbordental.example');
  await c.goto('/portal/brightline/tickets/new');
  await expect(c.getByText('Up to 5 files, 25 MB each.')).toBeVisible();
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `note-${i + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`note ${i + 1}\n`) }));
  await c.getByLabel('Attach files').setInputFiles(six);
  await expect(c.getByText('You can attach at most 5 files.')).toBeVisible();
  await expect(c.getByRole('list', { name: 'Files to send' }).getByRole('listitem')).toHaveCount(5);

  // Back to the defaults for the other flows.
  await page.getByLabel('Files per upload').fill('10');
  await page.getByLabel('Max file size (MB)').fill('10');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await ctx.close();
  await contact.close();
});

test('a failed upload holds the ticket back until retried; a lost answer does not create it twice', async ({ browser }) => {
  const subject = `Scanner drops the network ${Date.now()}`;
  const contact = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  contact.on('weberror', (e) => errors.push(e.error().message));
  const c = await signInPortal(contact, 'tom@harbordental.example');
  await c.goto('/portal/brightline/tickets/new');
  await c.getByLabel('Subject').fill(subject);
  await c.getByLabel('Description').fill('The scanner loses its connection every hour. Event log attached.');

  // The upload cannot reach the server: the file says so, and the ticket is not sent without it.
  const uploads = '**/portal/brightline/api/uploads';
  await c.route(uploads, (route) => route.abort('connectionrefused'));
  await c.getByLabel('Attach files').setInputFiles({ name: 'event-log.txt', mimeType: 'text/plain', buffer: Buffer.from('09:00 link down\n10:00 link down\n') });
  const row = c.getByRole('listitem').filter({ hasText: 'event-log.txt' });
  await expect(row).toContainText('Not uploaded');
  await expect(row).toContainText('Upload failed. Check your connection and try again.');
  await c.getByRole('button', { name: 'Submit ticket' }).click();
  await expect(c.getByRole('alert').filter({ hasText: '“event-log.txt” did not upload. Retry or remove it before sending.' })).toBeVisible();
  await snap(c, 'portal-upload-failed');
  await c.unroute(uploads);
  await c.getByRole('button', { name: 'Retry event-log.txt' }).click();
  await expect(c.getByRole('progressbar', { name: 'Upload of event-log.txt' })).toHaveAttribute('value', '100');

  // A slow upload: Submit waits for it. The server then creates the ticket, but its answer is lost.
  await c.route(uploads, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  const keys: string[] = [];
  let lose = true;
  await c.route('**/portal/brightline/api/tickets', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push((await route.request().headerValue('idempotency-key')) ?? '');
    if (!lose) return route.continue();
    lose = false;
    await route.fetch();
    await route.abort('connectionreset');
  });
  await c.getByLabel('Attach files').setInputFiles({ name: 'scanner-settings.pdf', mimeType: 'application/pdf', buffer: PDF });
  await c.getByRole('button', { name: 'Submit ticket' }).click();
  await expect(c.getByRole('button', { name: 'Waiting for uploads…' })).toBeVisible();
  await expect(c.getByRole('alert').filter({ hasText: 'Cannot reach the server' })).toBeVisible();

  // Trying again gives the ticket that was created, not a second one.
  await c.getByRole('button', { name: 'Submit ticket' }).click();
  await expect(c.getByRole('heading', { level: 1 })).toContainText(subject);
  expect(keys).toHaveLength(2);
  expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(keys[1]).toBe(keys[0]);
  await expect(c.locator('.message-original').getByRole('link', { name: /event-log\.txt/ })).toBeVisible();
  await expect(c.locator('.message-original').getByRole('link', { name: /scanner-settings\.pdf/ })).toBeVisible();
  await c.goto('/portal/brightline');
  await expect(c.getByRole('link', { name: subject })).toHaveCount(1);

  expect(errors).toEqual([]);
  await contact.close();
});
