/**
 * Live chat, as people do it, in two browsers: a technician goes online on the Chats page; a
 * contact starts a chat from the portal's "Chat with us"; the technician sees it waiting
 * (who, and the first message) and accepts it; each writes once and sees the other's message
 * arrive live; the technician ends the chat and the contact follows the link to the ticket
 * the chat was saved as, with the whole conversation in its thread. Screenshots of the
 * portal panel in each state are kept under test-results/screens.
 */
import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'demo-password';
const shots = 'test-results/screens';

async function snap(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png` });
}

test('a contact chats with a technician and finds the chat saved as a ticket', async ({ browser }) => {
  const stamp = Date.now();
  const first = `Outlook keeps asking for my password ${stamp}`;
  const fromAgent = `Hi Tom, I can help. Desktop app or web? ${stamp}`;
  const fromContact = `The desktop app, on Windows ${stamp}`;

  const staff = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const contact = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  for (const ctx of [contact, staff]) {
    ctx.on('weberror', (e) => errors.push(e.error().message));
    ctx.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  }

  // The technician signs in and is available for chat.
  const s = await staff.newPage();
  await s.goto('/staff/chats');
  await s.getByLabel('Email').fill('alex@brightline.example');
  await s.getByLabel('Password').fill(PASSWORD);
  await s.getByRole('button', { name: 'Sign in' }).click();
  const available = s.getByRole('switch', { name: 'Available for chat' });
  await expect(available).toHaveAttribute('aria-checked', /true|false/);
  if ((await available.getAttribute('aria-checked')) !== 'true') await available.click();
  await expect(available).toHaveAttribute('aria-checked', 'true');
  await expect(s.getByText('You are online')).toBeVisible();

  // The contact signs in to the portal and opens the chat.
  const c = await contact.newPage();
  await c.goto('/portal/brightline');
  await c.getByLabel('Email').fill('tom@harbordental.example');
  await c.getByLabel('Password').fill(PASSWORD);
  await c.getByRole('button', { name: 'Sign in' }).click();
  await expect(c.getByRole('link', { name: 'New ticket' }).first()).toBeVisible();
  const launcher = c.getByRole('button', { name: 'Chat with us' });
  await launcher.click();
  await expect(launcher).toHaveAttribute('aria-expanded', 'true');
  const panel = c.getByRole('dialog');
  await expect(panel.getByLabel('Your message')).toBeFocused();
  await panel.getByLabel('Your message').fill(first);
  await snap(c, 'e2e-chat-start');
  await panel.getByRole('button', { name: 'Start chat' }).click();
  await expect(panel.getByText('Waiting for a technician…').first()).toBeVisible();
  await expect(panel.getByRole('log')).toContainText(first);
  await snap(c, 'e2e-chat-waiting');

  // The technician sees who is waiting and what they wrote, and accepts.
  const card = s.locator('.chat-card-waiting').filter({ hasText: first });
  await expect(card).toContainText('Tom Becker');
  await expect(card).toContainText(first);
  await card.getByRole('button', { name: 'Accept' }).click();
  const staffBox = s.getByLabel('Message', { exact: true });
  await expect(staffBox).toBeVisible();

  // The contact sees the technician join.
  await expect(panel.getByRole('heading', { name: 'Alex Morgan' })).toBeVisible();

  // One message each way, each seen live by the other.
  await staffBox.fill(fromAgent);
  await staffBox.press('Enter');
  await expect(panel.getByRole('log')).toContainText(fromAgent);
  const contactBox = panel.getByLabel('Message', { exact: true });
  await contactBox.fill(fromContact);
  await contactBox.press('Enter');
  await expect(s.getByRole('log')).toContainText(fromContact);
  // The technician has the page open: the contact's message shows as read.
  await expect(panel.getByText('Read', { exact: true })).toBeVisible();
  await snap(c, 'e2e-chat-active');

  // The technician ends the chat; it becomes a ticket.
  await s.getByRole('button', { name: 'End chat' }).click();
  await s.getByRole('button', { name: 'End and save as ticket' }).click();
  const saved = panel.getByText(/This chat was saved as ticket #\d+/);
  await expect(saved).toBeVisible();
  const number = Number((await saved.textContent())!.match(/#(\d+)/)![1]);
  await expect(panel.getByText('Alex Morgan ended the chat.')).toBeVisible();
  await snap(c, 'e2e-chat-closed');

  // The contact opens the ticket: the whole conversation is its thread.
  await panel.getByRole('link', { name: `Open ticket #${number}` }).click();
  await expect(c).toHaveURL(new RegExp(`/portal/brightline/tickets/${number}$`));
  await expect(c.getByRole('heading', { level: 1 })).toContainText(`#${number}`);
  await expect(c.getByRole('dialog')).toHaveCount(0);
  const thread = c.locator('.thread');
  await expect(thread).toContainText(first);
  await expect(thread).toContainText(fromAgent);
  await expect(thread).toContainText(fromContact);
  await snap(c, 'e2e-chat-ticket');

  expect(errors).toEqual([]);
  await contact.close();
  await staff.close();
});
