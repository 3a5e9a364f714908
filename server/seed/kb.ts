/** Demo knowledge base: a few categories and articles of each visibility. */
import type { Sql } from '../platform/db/db.ts';
import { renderMarkdown } from '../modules/kb/render.ts';
import { slugify } from '../modules/kb/slug.ts';

type Article = { title: string; visibility: 'public' | 'contacts' | 'clients' | 'internal'; clients?: string[]; views: number; markdown: string };

const categories: { name: string; description: string; articles: Article[] }[] = [
  {
    name: 'Getting started',
    description: 'Signing in to the portal, tickets and two-step verification.',
    articles: [
      {
        title: 'Set up two-step verification',
        visibility: 'public',
        views: 41,
        markdown: `Two-step verification protects your account with a code from an authenticator app.\n\n1. Open **Account** in the portal.\n2. Choose **Turn on two-step verification** and scan the QR code with your app (Microsoft Authenticator, Google Authenticator, 1Password…).\n3. Enter the six-digit code, then **save your recovery codes** somewhere safe.\n\nLost your phone? Sign in with one of your recovery codes and set up the app again.`,
      },
      {
        title: 'How to write a ticket we can solve quickly',
        visibility: 'contacts',
        views: 18,
        markdown: `A good ticket saves a round trip:\n\n- **What happened** and what you expected instead.\n- **When** it started, and whether it happens every time.\n- The **exact error message** — a screenshot is best (paste it into the form).\n- **Who else** is affected.\n\nUrgent? Choose priority *Urgent* only when work has stopped.`,
      },
    ],
  },
  {
    name: 'Printers and scanners',
    description: 'Label printers, office printers and scanning to email.',
    articles: [
      {
        title: 'Label printer shows error E-204',
        visibility: 'public',
        views: 57,
        markdown: `Error **E-204** on a label printer means the paper path sensor cannot see the label gap.\n\n1. Open the top cover and remove any label stuck on the roller.\n2. Wipe the sensor (the small window under the roller) with a dry cloth.\n3. Close the cover and hold the **Feed** button for two seconds: the printer calibrates and feeds one blank label.\n\nStill beeping three times? Create a ticket and tell us the printer model.`,
      },
      {
        title: 'Printer prints blank pages',
        visibility: 'contacts',
        views: 23,
        markdown: `Blank pages usually mean an empty or dried toner cartridge.\n\n- Print the printer's **status page** (hold the power button for 5 seconds) and check the toner level.\n- Shake the toner cartridge gently and put it back.\n- Printing from one program only? Try saving as PDF and printing the PDF.\n\n| Symptom | Likely cause |\n|---|---|\n| Completely blank | Toner empty or sealed |\n| Faint stripes | Toner low |`,
      },
      {
        title: 'Scan a document to your email',
        visibility: 'contacts',
        views: 12,
        markdown: `On the office copier, press **Scan**, then **Email**, choose your name from the address book and press **Start**. The scan arrives as a PDF within a minute. Not in your inbox? Check the *Junk* folder.`,
      },
    ],
  },
  {
    name: 'Email and Office',
    description: 'Outlook, passwords, shared mailboxes and Microsoft 365.',
    articles: [
      {
        title: 'Outlook keeps asking for your password',
        visibility: 'contacts',
        views: 64,
        markdown: `When Outlook asks for your password again and again:\n\n1. Close Outlook.\n2. Open **Credential Manager** (search for it in the Start menu), choose **Windows Credentials** and remove the entries that start with *MicrosoftOffice*.\n3. Start Outlook and sign in once more.\n\nIf your password was changed recently, sign in to [Microsoft 365](https://www.office.com) first to check it works.`,
      },
      {
        title: 'Reset your email password',
        visibility: 'public',
        views: 38,
        markdown: `Forgot your email password? Use **Forgot password** on the Microsoft sign-in page and follow the steps; you will need the phone number or backup email you registered. No access to either? Create a ticket and we will verify it's you by phone.`,
      },
    ],
  },
  {
    name: 'Network and VPN',
    description: 'Working from home, Wi-Fi and the office network.',
    articles: [
      {
        title: 'Connect to the office VPN from home',
        visibility: 'contacts',
        views: 45,
        markdown: `1. Install **FortiClient VPN** from the Company Portal.\n2. Add a connection: *Remote gateway* \`vpn.example.net\`, port 443.\n3. Sign in with your usual email and password, then approve the prompt on your phone.\n\n> Slow connection? Disconnect and reconnect after closing large downloads.`,
      },
      {
        title: 'Restart the dental imaging server',
        visibility: 'clients',
        clients: ['Harbor Dental'],
        views: 9,
        markdown: `If X-ray images do not appear in the chair-side PCs: open the server cupboard, press the power button of the **imaging server** once, wait five minutes and try again. Never unplug it.`,
      },
      {
        title: 'Re-imaging a reception PC (technicians)',
        visibility: 'internal',
        views: 5,
        markdown: `Boot from the deployment USB, choose the *Reception* task sequence, and join the device to the client's tenant. Label printer drivers install from the client's software group.`,
      },
    ],
  },
];

export async function seedKb(tx: Sql, workspaceId: string, authorId: string, clientIds: Map<string, string>): Promise<void> {
  for (const [position, c] of categories.entries()) {
    const [cat] = await tx.query<{ id: string }>(
      'insert into kb_categories (workspace_id, slug, name, description, position) values ($1, $2, $3, $4, $5) returning id',
      [workspaceId, slugify(c.name), c.name, c.description, position],
    );
    for (const a of c.articles) {
      const { html, text } = renderMarkdown(a.markdown, 'http://localhost');
      const slug = slugify(a.title);
      const [row] = await tx.query<{ id: string }>(
        `insert into kb_articles (workspace_id, category_id, slug, title, markdown, html, body_text, status, visibility, views,
                                  author_staff_id, published_at, search)
         values ($1, $2, $3, $4, $5, $6, $7, 'published', $8, $9, $10, now(),
                 setweight(to_tsvector('english', $4), 'A') || setweight(to_tsvector('english', $7), 'B'))
         returning id`,
        [workspaceId, cat!.id, slug, a.title, a.markdown, html, text, a.visibility, a.views, authorId],
      );
      await tx.query('insert into kb_slugs (workspace_id, slug, article_id) values ($1, $2, $3)', [workspaceId, slug, row!.id]);
      for (const name of a.clients ?? []) {
        await tx.query('insert into kb_article_clients (workspace_id, article_id, client_id) values ($1, $2, $3)', [workspaceId, row!.id, clientIds.get(name)]);
      }
    }
  }
}
