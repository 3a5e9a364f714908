/**
 * The foundation flow, as people do it, in Debian's Chromium: a contact signs in and opens
 * a ticket; an agent finds it, replies and adds an internal note; the contact sees the
 * reply but never the note, and closes the ticket with a message. Screenshots of each
 * step (desktop and phone) are kept under test-results/screens.
 */
import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'demo-password';
const shots = 'test-results/screens';

async function snap(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

test('contact and agent work a ticket end to end', async ({ browser }) => {
  const subject = `Label printer jams on every order ${Date.now()}`;
  const note = `INTERNAL-ONLY check the firmware ${Date.now()}`;
  const contact = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const staff = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const errors: string[] = [];
  for (const ctx of [contact, staff]) {
    ctx.on('weberror', (e) => errors.push(e.error().message));
    ctx.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  }

  // The contact signs in and opens a ticket.
  const c = await contact.newPage();
  await c.goto('/portal/brightline');
  await expect(c.getByRole('heading', { level: 1 })).toContainText('Brightline IT Services');
  await snap(c, 'portal-sign-in');
  await c.getByLabel('Email').fill('tom@harbordental.example');
  await c.getByLabel('Password').fill(PASSWORD);
  await c.getByRole('button', { name: 'Sign in' }).click();
  await expect(c.getByRole('link', { name: 'New ticket' }).first()).toBeVisible();
  await snap(c, 'portal-ticket-list');
  await c.getByRole('link', { name: 'New ticket' }).first().click();
  await c.getByLabel('Subject').fill(subject);
  await c.getByLabel('Description').fill('Every label comes out crumpled since this morning.\nWe ship 200 orders a day.');
  await c.getByLabel('Priority').selectOption('high');
  await snap(c, 'portal-new-ticket');
  await c.getByRole('button', { name: 'Submit ticket' }).click();
  await expect(c.getByRole('heading', { level: 1 })).toContainText(subject);
  const number = Number((await c.getByText(/#\d+/).first().textContent())!.match(/#(\d+)/)![1]);
  expect(number).toBeGreaterThan(30);

  // The agent finds it in the queue, replies and adds a note.
  const s = await staff.newPage();
  await s.goto('/staff');
  await s.getByLabel('Email').fill('alex@brightline.example');
  await s.getByLabel('Password').fill(PASSWORD);
  await s.getByRole('button', { name: 'Sign in' }).click();
  await expect(s.getByRole('link', { name: subject })).toBeVisible();
  await snap(s, 'staff-queue');
  await s.getByRole('link', { name: subject }).click();
  await expect(s.getByRole('heading', { level: 1 })).toContainText(subject);
  await s.getByRole('button', { name: 'Assign to me' }).click();
  await expect(s.getByLabel('Assignee')).toHaveValue(/.+/);
  await s.getByLabel(/reply/i, { exact: false }).first().fill('Sorry about that! Please power-cycle the printer and tell us if it still jams.');
  await s.getByRole('button', { name: 'Send reply' }).click();
  await expect(s.getByText('Please power-cycle the printer')).toBeVisible();
  await s.getByRole('tab', { name: /internal note/i }).click();
  await s.getByLabel(/note/i).first().fill(note);
  await s.getByRole('button', { name: 'Add internal note' }).click();
  await expect(s.getByText(note)).toBeVisible();
  await snap(s, 'staff-ticket');

  // The contact sees the reply and the technician, never the note, and closes the ticket.
  await c.reload();
  await expect(c.getByText('Please power-cycle the printer')).toBeVisible();
  await expect(c.getByText('Alex Morgan').first()).toBeVisible();
  await expect(c.getByText(note)).toHaveCount(0);
  expect(await c.content()).not.toContain(note);
  await snap(c, 'portal-ticket');
  await c.getByRole('button', { name: 'Close ticket' }).click();
  await c.getByRole('button', { name: 'Confirm close' }).click();
  await expect(c.getByRole('alert').or(c.getByText(/closing message/i)).first()).toBeVisible(); // the message is required
  await c.getByLabel(/closing message/i).fill('Power-cycling fixed it, thank you!');
  await c.getByRole('button', { name: 'Confirm close' }).click();
  await expect(c.getByText(/this ticket is closed/i)).toBeVisible();
  await expect(c.getByRole('button', { name: 'Send reply' })).toHaveCount(0);
  await snap(c, 'portal-ticket-closed');

  // The agent sees it closed, with the customer's closing message.
  await s.reload();
  await expect(s.getByText('Power-cycling fixed it, thank you!')).toBeVisible();
  await expect(s.getByLabel('Status')).toBeDisabled();

  // Phone widths.
  await c.setViewportSize({ width: 390, height: 844 });
  await snap(c, 'portal-ticket-closed-phone');
  await c.goto('/portal/brightline');
  await snap(c, 'portal-ticket-list-phone');
  await s.setViewportSize({ width: 390, height: 844 });
  await s.goto('/staff');
  await snap(s, 'staff-queue-phone');

  expect(errors).toEqual([]);
  await contact.close();
  await staff.close();
});

test('a member cannot open a colleague\'s ticket by typing its address', async ({ page }) => {
  await page.goto('/portal/brightline');
  await page.getByLabel('Email').fill('priya@harbordental.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: 'New ticket' }).first()).toBeVisible();
  // Demo ticket 5 belongs to Tom, Priya's colleague at Harbor Dental.
  await page.goto('/portal/brightline/tickets/5');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/not found/i);
});
