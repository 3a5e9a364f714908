/**
 * A newcomer on the embedded default tries the portal's sign-in methods with no mail
 * server: a contact signs up, an admin opens the confirmation mail on the staff Mailbox
 * page and hands over its link, the contact signs in with a magic link, turns on
 * two-step verification and signs in again with a code. Screenshots under test-results/screens.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { generate } from 'otplib';

const shots = 'test-results/screens';
const snap = (page: Page, name: string) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

/** An admin opens the newest mail to `to` with this subject in the Mailbox and returns its link. */
async function linkFromMailbox(browser: Browser, to: string, subject: string): Promise<string> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const page = await ctx.newPage();
  await page.goto('/staff');
  await page.getByLabel('Email').fill('sam@brightline.example');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Mailbox' }).click();
  const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).first();
  await expect(row).toBeVisible({ timeout: 15_000 });
  await row.getByRole('link').first().click();
  const link = page.getByRole('link', { name: /\/portal\/brightline\/(verify|magic)\// });
  await expect(link).toBeVisible();
  await snap(page, `staff-mailbox-${subject.split(' ')[0]!.toLowerCase()}`);
  const href = (await link.getAttribute('href'))!;
  await ctx.close();
  return href;
}

test('sign up, confirm from the Mailbox, magic link, two-step verification', async ({ browser }) => {
  const email = `newbie-${Date.now()}@harbordental.example`;
  const password = 'a long new password';
  const contact = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  contact.on('weberror', (e) => errors.push(e.error().message));
  const page = await contact.newPage();

  // Sign up (Harbor Dental's domain is known to the demo workspace).
  await page.goto('/portal/brightline');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill('Nora Newbie');
  await page.getByLabel('Work email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(/check your email|email is on its way/i).first()).toBeVisible();
  await snap(page, 'portal-registered');

  // The admin finds the confirmation mail on the Mailbox page; the contact opens its link.
  await page.goto(await linkFromMailbox(browser, email, 'Confirm your email'));
  await expect(page.getByRole('button', { name: /sign out/i })).toBeVisible({ timeout: 15_000 });
  await page.getByRole('button', { name: /sign out/i }).click();

  // Magic link.
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByText(/sign-in link/i).first()).toBeVisible();
  await page.goto(await linkFromMailbox(browser, email, 'Your sign-in link'));
  await expect(page.getByRole('link', { name: 'Account' })).toBeVisible({ timeout: 15_000 });

  // Two-step verification.
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Set up' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.locator('code.secret').textContent())!.replace(/\s+/g, '');
  await snap(page, 'portal-mfa-setup');
  const now = Math.floor(Date.now() / 1000);
  await page.getByLabel('6-digit code').fill(await generate({ secret, epoch: now }));
  await page.getByRole('button', { name: /confirm|turn on|verify/i }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
  await snap(page, 'portal-mfa-recovery-codes');
  await page.getByRole('button', { name: 'I have saved these codes' }).click();

  // Sign in again: password, then a code from the next time step.
  await page.getByRole('button', { name: /sign out/i }).click();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('form', { name: 'Two-step verification' })).toBeVisible();
  await snap(page, 'portal-mfa-step');
  await page.getByLabel('6-digit code').fill(await generate({ secret, epoch: now + 30 }));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('link', { name: 'Account' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(errors).toEqual([]);
  await contact.close();
});
