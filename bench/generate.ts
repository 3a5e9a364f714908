/**
 * A deterministic data set for benches: many tenants of very different sizes, loaded into
 * PostgreSQL with COPY, or into an embedded database directory (PGlite). Workspaces, clients,
 * contacts, tickets and KB articles follow a Zipf-like skew (workspace i weighs 1/(i+1)^1.1;
 * a workspace's clients and a client's contacts the same), so a few tenants are big and most
 * are small. Tickets arrive over the last two years (more of them lately), are numbered 1..n
 * per workspace in time order, and carry threads of public replies, internal notes and the
 * status changes the application itself would have written.
 *
 * The knowledge base: each workspace has a few categories and articles (at least 5) about
 * everyday IT support (printers, VPN, email, passwords, Wi-Fi, laptops…), mostly published,
 * some drafts; visible to the public, to contacts, to chosen clients (kb_article_clients) or
 * to staff only. Bodies are Markdown rendered by the application's renderer (each distinct
 * body once), slugs are allocated as saving an article does (kb_slugs holds the current one),
 * and the search vectors are computed afterwards by the database with the application's
 * expression. The big and small workspaces each get 10 published printer articles every
 * contact may see, so the manifest's KB search ("printer") finds at least 10 for the member.
 * No votes, deflections or failed searches are generated (helpful counts are 0; views are not).
 *
 * The same parameters and seed give the same rows: every random choice comes from seeded
 * PRNGs and every id is derived from (seed, kind, index), so foreign keys are written without
 * reading anything back, and nothing larger than the directory (ids of clients, contacts and
 * staff) is held in memory: tickets, messages and CCs are generated on the fly and streamed
 * to three COPY connections at once. (The rows are the same on both targets but for the
 * search vectors, which follow the server's stemmer: PGlite 0.5 is PostgreSQL 18.)
 *
 * PostgreSQL: by default the foreign keys, primary/unique keys and indexes of the loaded
 * tables are dropped before the load and re-created afterwards (exactly as they were, from
 * the catalog), which validates every key and reference in bulk; `--keep-constraints` loads
 * with everything in place instead (slower; tickets then go in before their messages).
 *
 * PGlite (`--embedded-dir`, a new or empty directory: what Portico opens as DATA_DIR/pg when
 * DATABASE_URL is unset): created and migrated by the application's migrate(), then loaded on
 * its one connection with the keys in place, each table as COPY … FROM '/dev/blob' in chunks
 * of at most 16 MB, and closed at the end so that Portico can open it.
 *
 * Then it creates known sessions, runs VACUUM (ANALYZE) and writes bench/results/dataset.json
 * (the manifest: sessions, the big and small workspaces, their KB search and its hit count).
 *
 *   npm run bench:generate -- --quick                 (a few seconds; database portico_bench, created fresh)
 *   npm run bench:generate                            (full size: 200 workspaces … 5,000,000 messages, 20,000 articles, about a minute)
 *   npm run bench:generate -- --workspaces 200 --clients 1000 --contacts 20000 --tickets 200000 --messages 1000000 --articles 5000
 *   npm run bench:generate -- --database-url postgres://… --seed 7 --verify
 *   npm run bench:generate -- --quick --embedded-dir ./data/pg --verify       (then: DATA_DIR=./data npm start)
 */
import { once } from 'node:events';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { PGlite } from '@electric-sql/pglite';
import { hash as argon2 } from '@node-rs/argon2';
import { renderMarkdown } from '../server/modules/kb/render.ts';
import { searchArticles } from '../server/modules/kb/search.ts';
import { slugify } from '../server/modules/kb/slug.ts';
import { checkPassword } from '../server/platform/auth/passwords.ts';
import { hashToken } from '../server/platform/auth/tokens.ts';
import { PGLITE_EXTENSIONS, openPglite, openPostgres, pgliteDb, type Db, type Sql } from '../server/platform/db/db.ts';
import { migrate } from '../server/platform/db/migrate.ts';
import { freshDatabase } from './lib.ts';

// ---------------------------------------------------------------------------------------------
// Options

export type Sizes = { workspaces: number; clients: number; contacts: number; tickets: number; messages: number; articles: number };

export const FULL: Sizes = { workspaces: 200, clients: 5_000, contacts: 100_000, tickets: 1_000_000, messages: 5_000_000, articles: 20_000 };
export const QUICK: Sizes = { workspaces: 20, clients: 200, contacts: 4_000, tickets: 20_000, messages: 100_000, articles: 1_000 };

export type GenerateOptions = Partial<Sizes> & {
  /** Default 1. */
  seed?: number;
  /** Load into this (migrated or empty) database; default: a fresh `portico_bench` on 127.0.0.1. */
  databaseUrl?: string;
  /**
   * Load into an embedded database (PGlite) created in this directory instead (it must not
   * exist or be empty): the directory Portico opens as `DATA_DIR/pg` when DATABASE_URL is unset.
   * Always loads with the keys in place (`keepConstraints`).
   */
  embeddedDir?: string;
  /** The data set's "now" (tickets span the two years before it); default: today 00:00 UTC. */
  now?: Date;
  /** Where to write the manifest; default bench/results/dataset.json; null: don't write one. */
  manifestPath?: string | null;
  /** Load with every index and foreign key in place instead of re-creating them afterwards. */
  keepConstraints?: boolean;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
};

/** The password of every generated contact and staff member. */
export const PASSWORD = 'bench-password';
const DEFAULT_DB = 'portico_bench';
const DEFAULT_MANIFEST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'dataset.json');

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Tickets are created over this span before `now`. */
const SPAN = 730 * DAY;

// ---------------------------------------------------------------------------------------------
// Randomness: mulberry32, and ids derived from (seed, kind, index)

class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  u32(): number {
    let t = (this.a = (this.a + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Exponential with this mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  /** One of `table`'s values, by weight. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of table) total += w;
    let u = this.next() * total;
    for (const [v, w] of table) if ((u -= w) < 0) return v;
    return table[table.length - 1]![0];
  }
  /** `bytes` random bytes as base64url (a session token). */
  token(bytes = 32): string {
    const b = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) b[i] = this.u32() & 0xff;
    return b.toString('base64url');
  }
}

/** MurmurHash3's finaliser: a bijection on 32-bit integers. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashLabel(seed: number, label: string): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  for (let i = 0; i < label.length; i++) h = fmix32(h ^ label.charCodeAt(i));
  return h;
}

const rngFor = (seed: number, label: string) => new Rng(hashLabel(seed, label));

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (x: number) => HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
const hex4 = (x: number) => HEX[(x >>> 8) & 255]! + HEX[x & 255]!;

/**
 * Version-4-shaped UUIDs for one kind of row: the first 32 bits are a keyed bijection of the
 * index, so ids of one kind never collide; the other 90 random-looking bits follow from it.
 */
class IdSpace {
  private readonly k: number[];
  constructor(seed: number, kind: string) {
    const h = hashLabel(seed, `id:${kind}`);
    this.k = [h, fmix32(h + 1), fmix32(h + 2), fmix32(h + 3)];
  }
  uuid(i: number): string {
    const a = fmix32((i ^ this.k[0]!) >>> 0);
    const b = (fmix32((a ^ this.k[1]!) >>> 0) & 0xffff0fff) | 0x4000;
    const c = ((fmix32((b ^ this.k[2]!) >>> 0) & 0x3fffffff) | 0x80000000) >>> 0;
    const d = fmix32((c ^ this.k[3]!) >>> 0);
    return `${hex8(a)}-${hex4(b >>> 16)}-${hex4(b)}-${hex4(c >>> 16)}-${hex4(c)}${hex8(d)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Skew

const ZIPF = 1.1;
const cdfCache = new Map<string, Float64Array>();

function zipfCdf(n: number, s: number): Float64Array {
  const key = `${n}:${s}`;
  let cdf = cdfCache.get(key);
  if (!cdf) {
    cdf = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) cdf[i] = acc += 1 / Math.pow(i + 1, s);
    cdfCache.set(key, cdf);
  }
  return cdf;
}

/** An index in [0, n), index i weighing 1/(i+1)^s. */
function zipfPick(rng: Rng, n: number, s = ZIPF): number {
  if (n <= 1) return 0;
  const cdf = zipfCdf(n, s);
  const u = rng.next() * cdf[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const zipfWeights = (n: number, s = ZIPF) => Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));

/** Splits `total` into integer parts proportional to `weights`, each at least `mins[i]` (largest remainder). */
function apportion(total: number, weights: number[], mins: number[]): number[] {
  const out = mins.slice();
  const rest = total - mins.reduce((a, b) => a + b, 0);
  if (rest <= 0) return out;
  const sum = weights.reduce((a, b) => a + b, 0);
  const frac: [number, number][] = [];
  let given = 0;
  weights.forEach((w, i) => {
    const q = (rest * w) / sum;
    out[i]! += Math.floor(q);
    given += Math.floor(q);
    frac.push([q - Math.floor(q), i]);
  });
  frac.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (let j = 0; j < rest - given; j++) out[frac[j]![1]]! += 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Words

const FIRST = ('Anna Ben Carla David Elena Felix Greta Hugo Ida Jonas Karin Leo Maria Nils Olga Paul Rita Sam Tina Umar ' +
  'Vera Will Xenia Yusuf Zoe Adam Bianca Chris Dana Emil Fatima George Hannah Igor Julia Kevin Lena Marco Nina Oscar ' +
  'Petra Quentin Rosa Stefan Tara Ulla Victor Wendy Yara Zach Alice Bruno Clara Diego Eva Frank Gina Henrik Iris Jan').split(' ');
const LAST = ('Andersen Becker Costa Dubois Eriksen Fischer Garcia Hansen Ivanova Jensen Keller Larsen Martin Nielsen ' +
  'Olsen Petrov Quinn Rossi Schmidt Torres Urban Vogel Weber Young Zimmermann Baker Carter Diaz Evans Foster Gray ' +
  'Hughes Ito Jones King Lopez Moreau Novak Ortiz Price Reyes Silva Tanaka Ueda Vargas Walsh Wong Yilmaz Berg Lund').split(' ');
const BRAND = ('Northwind Contoso Fabrikam Tailspin Litware Adatum Proseware Woodgrove Lucerne Margie Trey Coho Alpine ' +
  'Blue Yonder Wingtip Humongous Fourth Graphic Southridge Wide Datum Relecloud Lamna Bellows Nod Consolidated ' +
  'Vanarsdel Munson Liberty Pinnacle Summit Harbor Granite Cedar Maple Aurora Beacon Crest Delta Evergreen').split(' ');
const TRADE = ('Logistics Dental Bakery Consulting Legal Architects Foods Motors Clinic Labs Studio Travel Finance Energy ' +
  'Media Retail Hotels Pharma Systems Builders Insurance Farms Printing Schools Freight').split(' ');

const THINGS = ('printer|vpn|laptop|outlook|email|invoice|password reset|wi-fi|monitor|keyboard|shared drive|teams call|' +
  'calendar|desk phone|scanner|license|backup|website|login page|mobile app|report export|dashboard|api key|' +
  'docking station|headset|account|billing portal|order|shipment|subscription|sync client|mailbox|badge reader|' +
  'payroll export|crm|webshop|label printer|conference room screen|remote desktop|file server').split('|');
const PROBLEMS = ('not working|keeps disconnecting|very slow|shows an error|not syncing|stopped working|crashes on start|' +
  'cannot connect|is missing data|says access denied|shows wrong totals|not loading|asks for the password again|' +
  'freezes|is out of date|times out|is duplicated|cannot be opened').split('|');
const CONTEXTS = ('after the update|since this morning|for the new employee|on the second floor|in the Berlin office|' +
  'when working remotely|after a restart|for the whole team|again|since Monday|on my laptop|on mobile|' +
  'for one customer|at month end|since yesterday').split('|');
const ACTIONS = ('log in|print invoices|send email|open attachments|connect to the vpn|export the report|' +
  'reset my password|access the shared drive|join meetings|see my orders|download the statement|add a new user').split('|');
const REQUESTS = ('new laptop for a new hire|access to the finance folder|additional license|change of billing address|' +
  'remove a former employee|new mailbox for the sales team|extra monitor|update our company details|' +
  'quote for an upgrade|copy of last month invoice|more storage|a guest wi-fi account').split('|');
const TOPICS = ('the renewal|our contract|the invoice|data retention|two-factor sign-in|the new release|pricing|' +
  'the maintenance window|single sign-on|exporting our data|user roles|the api limits').split('|');
const TIMES = 'this morning|yesterday|last week|Monday|the update|the last release|the office move|the weekend'.split('|');
const WHO = 'the whole team|two colleagues|our accounting team|everyone in the office|only me|our customers|the night shift'.split('|');
const ATTEMPTS = 'restarting|signing out and in again|another browser|clearing the cache|a different network|reinstalling the app'.split('|');
const ERRORS = 'Error 500|Connection refused|Access denied|Session expired|Unknown error|Timeout while contacting server|License invalid'.split('|');
const STEPS = ('reset the account|restarted the service|checked the logs|updated the configuration|renewed the certificate|' +
  'cleared the queue|added the permission|rebuilt the index|replaced the cable|updated the driver').split('|');
const RESULTS = 'it looks fine on our side|the error is gone|the sync is running again|access works for a test user|the queue is empty now'.split('|');
const ASKS = ('send us a screenshot|try again and tell us if it works|confirm the exact time it happened|restart the device once|' +
  'tell us which browser you use|check whether colleagues see the same').split('|');
const FINDINGS = ('nothing unusual|lots of timeouts around 9:00|a failed certificate renewal|quota exceeded|a duplicate account|' +
  'the same error for three other customers|an old client version').split('|');
const TEAMS = 'second line|the network team|the vendor|billing|development|the on-call engineer'.split('|');

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Subjects and bodies. Sentences are pre-built pools, so a body costs a few picks. */
class Text {
  /** What a customer writes when opening a ticket, and what they write later. */
  readonly problemLines: string[] = [];
  readonly followUpLines: string[] = [];
  readonly staffLines: string[] = [];
  readonly noteLines: string[] = [];
  constructor(rng: Rng) {
    const r = rng;
    const problem = [
      () => `The ${r.pick(THINGS)} ${r.pick(PROBLEMS)} ${r.pick(CONTEXTS)}.`,
      () => `Since ${r.pick(TIMES)} we cannot ${r.pick(ACTIONS)}.`,
      () => `This affects ${r.pick(WHO)}.`,
      () => `I already tried ${r.pick(ATTEMPTS)}, but it did not help.`,
      () => `The error message says "${r.pick(ERRORS)}".`,
      () => `It worked fine until ${r.pick(TIMES)}.`,
      () => `Could you please take a look as soon as possible?`,
      () => `We also need ${r.pick(REQUESTS)}.`,
      () => `I attached a screenshot of the ${r.pick(THINGS)} screen.`,
    ];
    const followUp = [
      () => `Is there any update on this?`,
      () => `Thanks, it works again.`,
      () => `Still the same here, the ${r.pick(THINGS)} ${r.pick(PROBLEMS)}.`,
      () => `I tried ${r.pick(ATTEMPTS)} as you suggested.`,
      () => `Now ${r.pick(WHO)} ${r.pick(['see', 'report'])} it too.`,
      () => `It happened again ${r.pick(TIMES.map((x) => `after ${x}`))}.`,
      () => `Here is the screenshot you asked for.`,
      () => `Thank you for the quick help!`,
    ];
    const staff = [
      () => `Thanks for reporting this.`,
      () => `I have ${r.pick(STEPS)} and ${r.pick(RESULTS)}.`,
      () => `Could you please ${r.pick(ASKS)}?`,
      () => `We are looking into the ${r.pick(THINGS)} issue and will get back to you today.`,
      () => `This should be fixed now; please let us know if you still see problems with the ${r.pick(THINGS)}.`,
      () => `I'm marking this as solved for now; just reply if anything comes up.`,
      () => `Our ${r.pick(TEAMS)} is involved and we expect an answer ${r.pick(['today', 'tomorrow', 'this week'])}.`,
      () => `For ${r.pick(REQUESTS)} we need an approval from your manager.`,
    ];
    const notes = [
      () => `Checked the ${r.pick(THINGS)} logs: ${r.pick(FINDINGS)}.`,
      () => `Escalating to ${r.pick(TEAMS)}.`,
      () => `Customer is on the ${r.pick(['basic', 'business', 'enterprise'])} plan.`,
      () => `Possibly related to ticket #${1 + r.int(5000)}.`,
      () => `Waiting for ${r.pick(TEAMS)} to respond.`,
      () => `I ${r.pick(STEPS)}; ${r.pick(RESULTS)}.`,
    ];
    for (let i = 0; i < 1500; i++) this.problemLines.push(r.pick(problem)());
    for (let i = 0; i < 1500; i++) this.followUpLines.push(r.chance(0.7) ? r.pick(followUp)() : r.pick(problem)());
    for (let i = 0; i < 1500; i++) this.staffLines.push(r.pick(staff)());
    for (let i = 0; i < 500; i++) this.noteLines.push(r.pick(notes)());
  }

  subject(r: Rng): string {
    const x = r.next();
    if (x < 0.55) return cap(`${r.pick(THINGS)} ${r.pick(PROBLEMS)}${r.chance(0.4) ? ` ${r.pick(CONTEXTS)}` : ''}`);
    if (x < 0.7) return `Cannot ${r.pick(ACTIONS)}${r.chance(0.3) ? ` ${r.pick(CONTEXTS)}` : ''}`;
    if (x < 0.82) return `Request: ${r.pick(REQUESTS)}`;
    if (x < 0.92) return `Question about ${r.pick(TOPICS)}`;
    return `${r.pick(['Urgent', 'Re', 'Fwd'])}: ${r.pick(THINGS)} ${r.pick(PROBLEMS)}`;
  }

  private lines(r: Rng, pool: string[], min: number, max: number): string {
    const n = min + r.int(max - min + 1);
    let s = r.pick(pool);
    // COPY text format: a newline in a value is written as the two characters \n.
    for (let i = 1; i < n; i++) s += (r.chance(0.25) ? '\\n\\n' : ' ') + r.pick(pool);
    return s;
  }
  description(r: Rng, first: string): string {
    return `Hello,\\n\\n${this.lines(r, this.problemLines, 2, 5)}\\n\\nBest regards,\\n${first}`;
  }
  contactReply(r: Rng, first: string): string {
    const text = this.lines(r, this.followUpLines, 1, 3);
    return r.chance(0.5) ? text : `${text}\\n\\n${first}`;
  }
  staffReply(r: Rng, to: string, from: string): string {
    return `Hi ${to},\\n\\n${this.lines(r, this.staffLines, 1, 3)}\\n\\nBest regards,\\n${from}`;
  }
  note(r: Rng): string {
    return this.lines(r, this.noteLines, 1, 2);
  }
}

// ---------------------------------------------------------------------------------------------
// Knowledge base: categories, and articles about everyday IT support

/** A workspace's categories are the first few of these (the first is the catch-all). */
const KB_CATEGORIES: readonly { name: string; description: string }[] = [
  { name: 'Getting started', description: 'Using the portal, writing good tickets and what to do on your first day.' },
  { name: 'Printers and scanners', description: 'Office printers, label printers, toner and scanning to email.' },
  { name: 'Email and calendar', description: 'Outlook, shared mailboxes, calendars and out-of-office replies.' },
  { name: 'Network and VPN', description: 'Working from home, the VPN, Wi-Fi and the office network.' },
  { name: 'Accounts and passwords', description: 'Password resets, locked accounts and two-step verification.' },
  { name: 'Laptops and hardware', description: 'Laptops, monitors, docking stations, keyboards and headsets.' },
  { name: 'Phones and meetings', description: 'Desk phones, voicemail, Teams calls and meeting rooms.' },
  { name: 'Files and backup', description: 'The shared drive, OneDrive, restoring deleted files and backups.' },
  { name: 'Software and licenses', description: 'Installing software, updates and licenses.' },
  { name: 'Mobile devices', description: 'Company email and apps on phones and tablets.' },
  { name: 'Security', description: 'Phishing, suspicious email, lost devices and safe habits.' },
  { name: 'Billing and orders', description: 'Invoices, orders, quotes and your account with us.' },
];

type KbTopic = {
  /** Index into KB_CATEGORIES (falls back to the first if the workspace has fewer). */
  category: number;
  weight: number;
  titles: readonly string[];
  qualifiers: readonly string[];
  intros: readonly string[];
  steps: readonly string[];
  causes: readonly string[];
  tips: readonly string[];
  /** A small "setting | value" table some articles show. */
  facts?: readonly (readonly [string, string])[];
};

const OS = ['on Windows 11', 'on Windows 10', 'on a Mac', 'when working from home', 'after the latest update', 'for new employees'];
/** Big knowledge bases repeat a how-to per site: "… – Hamburg". */
const KB_SITES = ('Berlin|Hamburg|Munich|Vienna|Zurich|London|Dublin|Paris|Lyon|Madrid|Milan|Amsterdam|Copenhagen|Oslo|' +
  'Stockholm|Warsaw|Prague|head office|warehouse|branch offices').split('|');

const KB_TOPICS: readonly KbTopic[] = [
  {
    category: 1, weight: 10,
    titles: ['Printer shows "offline"', 'Printer prints blank pages', 'Add the office printer', 'Print jobs stuck in the queue',
      'Clear a paper jam', 'Replace the toner cartridge', 'Label printer shows error E-204', 'Print double-sided by default',
      'Printer asks for a PIN code', 'Colour printing is disabled', 'Printer prints garbled text', 'Set up follow-me printing'],
    qualifiers: [...OS, '(HP LaserJet)', '(Brother label printer)', '(Canon multifunction printer)', '(Kyocera copier)'],
    intros: [
      'Most printer problems are solved in a few minutes without a technician.',
      'When the printer does not react to a print job, the job usually waits in the print queue on your computer.',
      'Every office printer is shared through the print server, so one stuck job can block everyone\'s printing.',
      'Label printers and office printers use different drivers; make sure you picked the right printer before you print.',
    ],
    steps: [
      'Check that the printer is switched on and its display shows **Ready**.',
      'Open **Settings → Printers & scanners**, choose the printer and select **Open print queue**.',
      'Cancel every job in the queue, then print a test page.',
      'Turn the printer off, wait ten seconds and turn it on again.',
      'Remove the printer from the list and add it again with **Add a printer** (the name starts with `PRN-`).',
      'Open the front cover, take out the toner cartridge, shake it gently and put it back.',
      'Check the paper trays: the paper guides must touch the stack on both sides.',
      'Release your job at the printer with your badge or your four-digit printer PIN.',
      'Print a **status page** (hold the power button for five seconds) and check the toner levels.',
    ],
    causes: [
      'A printer goes offline when it gets a new network address after a power cut; adding it again picks up the new address.',
      'Blank pages almost always mean an empty toner cartridge or one that still has its yellow seal.',
      'Garbled text usually comes from the wrong driver: a PCL printer receiving PostScript, or the other way round.',
      'Jobs sent while the printer is asleep can stay in the queue until the queue is restarted.',
    ],
    tips: [
      'Save the document as PDF and print the PDF: if that works, the problem is in the program, not the printer.',
      'The printer\'s name and address are on a sticker on its front panel.',
      'Order new toner before the display says "Toner empty": delivery takes two working days.',
    ],
    facts: [['Print server', '`print01`'], ['Follow-me queue', '`FollowMe-BW` and `FollowMe-Colour`'], ['Toner order code', 'see the sticker inside the front cover']],
  },
  {
    category: 1, weight: 4,
    titles: ['Scan a document to your email', 'Scan to a shared folder', 'Scanned PDF is too large', 'Scanner is not found by the app',
      'Scan several pages into one PDF', 'Make a scanned PDF searchable'],
    qualifiers: ['on the office copier', 'on the multifunction printer', ...OS.slice(0, 4)],
    intros: [
      'The multifunction printers in the office can scan straight to your email or to the shared drive.',
      'Scanning to email sends a PDF to your own address within a minute.',
    ],
    steps: [
      'Press **Scan** on the copier\'s screen, then **Email**.',
      'Choose your name from the address book, or type your email address.',
      'Put several pages in the document feeder with the text facing up.',
      'Choose **Resolution: 200 dpi** for text; 600 dpi makes very large files.',
      'Press **Start** and wait until the copier says the job was sent.',
      'Check the *Junk* folder in Outlook if the scan does not arrive.',
    ],
    causes: [
      'Scans larger than 20 MB are rejected by the mail server; a lower resolution or black-and-white mode keeps them small.',
      'The scanner app finds the device only when your computer is on the office network or connected to the VPN.',
    ],
    tips: ['Scan to the shared drive for large documents: there is no size limit.', 'Use the flatbed glass for receipts and thin paper.'],
  },
  {
    category: 2, weight: 10,
    titles: ['Outlook keeps asking for your password', 'Set up an out-of-office reply', 'Open a shared mailbox', 'Email stuck in the outbox',
      'Outlook search finds nothing', 'Your mailbox is almost full', 'Add an email signature', 'Recover a deleted email',
      'Outlook opens in safe mode only', 'Share your calendar with a colleague', 'Emails to an external address bounce'],
    qualifiers: [...OS, 'in Outlook on the web', 'in the new Outlook'],
    intros: [
      'Outlook problems are often caused by an old saved password or a damaged local copy of your mailbox.',
      'Your mailbox lives in Microsoft 365; Outlook on your computer only keeps a copy of it.',
      'Before you change anything, check whether Outlook on the web (outlook.office.com) shows the same problem.',
      'Shared mailboxes appear in Outlook automatically a few hours after you were given access.',
    ],
    steps: [
      'Close Outlook completely (also from the system tray).',
      'Open **Credential Manager**, choose **Windows Credentials** and remove the entries that start with *MicrosoftOffice*.',
      'Start Outlook again and sign in with your email address and password.',
      'Go to **File → Automatic Replies**, choose **Send automatic replies** and set the dates.',
      'Empty the **Deleted Items** folder and archive mail older than a year.',
      'Open **File → Account Settings → Account Settings**, select your account and choose **Repair**.',
      'Check the **Outbox** folder: delete any message with a large attachment and send it again as a link.',
      'Look in **Deleted Items**, then use **Recover items recently removed from this folder**.',
    ],
    causes: [
      'After a password change, Outlook keeps trying the old password until the saved credentials are removed.',
      'Attachments larger than 25 MB stay in the outbox because the mail server refuses them.',
      'Search depends on the Windows search index, which rebuilds itself after large updates.',
      'A full mailbox stops sending and receiving mail until some space is freed.',
    ],
    tips: [
      'In Outlook on the web the same settings are under the gear icon, top right.',
      'Send large files as a OneDrive link instead of an attachment.',
      'Your mailbox size is shown at the bottom of the folder list.',
    ],
  },
  {
    category: 3, weight: 9,
    titles: ['Connect to the office VPN from home', 'VPN connects but nothing opens', 'VPN keeps disconnecting', 'VPN asks for the password every time',
      'Install the VPN client', 'VPN error 809', 'Use the VPN on a hotel or train Wi-Fi', 'VPN password expired', 'Shared drive is not reachable over the VPN'],
    qualifiers: [...OS, '(GlobalProtect)', '(FortiClient)', '(Cisco AnyConnect)'],
    intros: [
      'The VPN connects your computer to the office network from anywhere, so you can reach the shared drive and internal applications.',
      'You sign in to the VPN with your normal network password and a code from your authenticator app.',
      'If the VPN worked yesterday and fails today, the cause is usually the network you are on, not your computer.',
      'The VPN client starts with Windows; the icon in the system tray shows whether you are connected.',
    ],
    steps: [
      'Check that you have internet access: open any public website.',
      'Open the VPN client from the system tray and choose **Connect**.',
      'Enter your network password (the same password as for your email) and approve the sign-in on your phone.',
      'If the password is refused, reset your password first, then try the VPN again with the new password.',
      'Disconnect, wait a minute and connect again; the client picks the nearest gateway.',
      'Restart your computer and connect before you open any other program.',
      'On hotel or train Wi-Fi, open a website first and accept the Wi-Fi\'s terms page, then connect the VPN.',
      'Run `ipconfig /flushdns` in a command prompt if internal addresses still do not open.',
    ],
    causes: [
      'Public Wi-Fi networks often block VPN traffic until you accept their terms page.',
      'An expired network password is refused by the VPN even if your computer still signs in with the old one.',
      'Home routers with an unstable connection drop the VPN tunnel; a cable instead of Wi-Fi helps.',
      'After a VPN password change the client keeps the old password saved until you enter the new one.',
    ],
    tips: [
      'The VPN is not needed for email, Teams or OneDrive: they work from anywhere.',
      'Your VPN password is your network password; there is no separate VPN password to remember.',
      'Tethering through your phone is a good test: if the VPN works there, your home network blocks it.',
    ],
    facts: [['Gateway', '`vpn.example.com`'], ['Sign-in', 'network password and authenticator app'], ['Idle timeout', '8 hours']],
  },
  {
    category: 3, weight: 7,
    titles: ['Connect to the office Wi-Fi', 'Wi-Fi is connected but there is no internet', 'Get a guest Wi-Fi account', 'Wi-Fi is slow in the meeting rooms',
      'Laptop does not see the Wi-Fi network', 'Wi-Fi asks for a certificate'],
    qualifiers: [...OS, 'on the second floor', 'in the warehouse', 'on a phone'],
    intros: [
      'There are two Wi-Fi networks in the office: one for company devices and one for guests.',
      'Company laptops join the office Wi-Fi automatically; phones and personal devices use the guest network.',
      'A weak Wi-Fi signal is the most common reason for slow connections and dropped calls.',
    ],
    steps: [
      'Turn Wi-Fi off and on again with the Wi-Fi button in the taskbar.',
      'Choose the network **Office** and sign in with your email address and network password.',
      'Forget the network (**Settings → Network → Wi-Fi → Manage known networks**) and join it again.',
      'Ask reception for a guest Wi-Fi code; it is valid for seven days.',
      'Move closer to the access point or use a network cable at your desk.',
      'Restart the laptop if the Wi-Fi icon shows a globe instead of signal bars.',
    ],
    causes: [
      'After a password change your laptop keeps trying the old Wi-Fi password until you forget the network.',
      'Meeting rooms with many people share one access point, which slows everybody down.',
    ],
    tips: ['A network cable is always faster and more stable than Wi-Fi for video calls.', 'The guest network cannot reach printers or the shared drive.'],
    facts: [['Company network', '`Office`'], ['Guest network', '`Office-Guest`'], ['Guest codes', 'at reception, valid 7 days']],
  },
  {
    category: 4, weight: 10,
    titles: ['Reset your password', 'Your account is locked', 'Change your password before it expires', 'Password rules explained',
      'Reset your password when you are away from the office', 'You did not receive the password reset email', 'Choose a strong password'],
    qualifiers: [...OS, 'for the portal', 'for Microsoft 365'],
    intros: [
      'You can reset your password yourself, day or night, with the self-service password reset.',
      'Your password expires every 180 days; you get a reminder email two weeks before.',
      'After five wrong passwords your account is locked for fifteen minutes.',
      'One password is used for your computer, email, the VPN and Wi-Fi.',
    ],
    steps: [
      'Open the self-service password reset page and enter your email address.',
      'Confirm with the code sent to your phone or with your authenticator app.',
      'Choose a new password of at least 12 characters; a sentence is easy to remember.',
      'Sign in on your computer with the new password while connected to the office network or the VPN.',
      'Update the password on your phone (email and Wi-Fi) so it does not lock your account again.',
      'Wait fifteen minutes if your account is locked, then sign in once with the correct password.',
      'Check your spam folder if the password reset email does not arrive.',
    ],
    causes: [
      'Phones with the old password keep trying to sign in and lock your account again after a password change.',
      'The reset email can only go to the private address or phone number you registered.',
    ],
    tips: [
      'Use a password manager; never reuse your work password anywhere else.',
      'A long passphrase like "four coffee cups on Monday" is stronger than a short complex password.',
      'We will never ask for your password by email or phone.',
    ],
  },
  {
    category: 4, weight: 5,
    titles: ['Set up two-step verification', 'New phone: move your authenticator app', 'Sign in without your phone', 'Use recovery codes',
      'Authenticator codes are not accepted'],
    qualifiers: ['(Microsoft Authenticator)', '(Google Authenticator)', 'for the portal', 'for the VPN'],
    intros: [
      'Two-step verification protects your account with a code from an authenticator app, even if someone learns your password.',
      'Moving to a new phone? Set up the authenticator app on the new phone before you reset the old one.',
    ],
    steps: [
      'Open **Account → Security** and choose **Turn on two-step verification**.',
      'Scan the QR code with your authenticator app.',
      'Enter the six-digit code to confirm, then save your recovery codes somewhere safe.',
      'Check that the time on your phone is set automatically: codes depend on the clock.',
      'Sign in with a recovery code if your phone is lost, then set up the app again.',
    ],
    causes: ['Codes are rejected when the phone\'s clock is a few minutes off.', 'Each recovery code works once.'],
    tips: ['Keep your recovery codes in your password manager, not on your desk.'],
  },
  {
    category: 5, weight: 7,
    titles: ['Laptop is very slow', 'Laptop does not charge', 'Laptop does not start', 'Request a new laptop', 'Laptop battery drains quickly',
      'Laptop fan is loud', 'Return your laptop when you leave', 'Laptop keyboard types the wrong characters'],
    qualifiers: [...OS, '(Lenovo ThinkPad)', '(Dell Latitude)', '(HP EliteBook)', '(MacBook Air)'],
    intros: [
      'Most laptop problems go away after a restart and the latest updates.',
      'Company laptops are replaced every four years; until then we repair them free of charge.',
      'A slow laptop is usually busy with updates, a full disk or too many open browser tabs.',
    ],
    steps: [
      'Save your work and restart the laptop (a real restart, not just closing the lid).',
      'Install the pending updates under **Settings → Windows Update** and restart again.',
      'Check free disk space; delete downloads you no longer need.',
      'Try another power socket and charger; the charging light should turn on.',
      'Hold the power button for fifteen seconds, then start the laptop again.',
      'Press **Windows + Space** to switch the keyboard layout back.',
      'Close browser tabs you do not need; each tab uses memory.',
    ],
    causes: [
      'Laptops that are only ever put to sleep never finish installing updates.',
      'Batteries lose capacity after about three years; we replace them on request.',
    ],
    tips: ['Bring the charger when you drop off a laptop for repair.', 'Restart your laptop at least once a week.'],
  },
  {
    category: 5, weight: 5,
    titles: ['Second monitor stays black', 'Docking station does not charge the laptop', 'Monitor shows the wrong resolution', 'Headset is not recognised',
      'Keyboard and mouse do not work on the docking station', 'Order an extra monitor'],
    qualifiers: [...OS.slice(0, 3), '(USB-C dock)', '(Thunderbolt dock)', 'at a hot desk'],
    intros: [
      'The docking station connects your laptop to monitors, keyboard, mouse, network and power with one cable.',
      'Monitors connected to a docking station need a moment to wake up after you plug in the laptop.',
    ],
    steps: [
      'Unplug the laptop from the docking station, wait ten seconds and plug it in again.',
      'Press **Windows + P** and choose **Extend**.',
      'Check that the monitor\'s input is set to the port the cable uses (DisplayPort or HDMI).',
      'Disconnect the docking station\'s power for thirty seconds to reset it.',
      'Open **Settings → System → Display** and choose the recommended resolution.',
      'Update the docking station\'s firmware with the vendor\'s update tool.',
    ],
    causes: ['A docking station that has been on for weeks sometimes needs a power reset.', 'Older docks cannot charge newer laptops at full speed.'],
    tips: ['Use the USB-C port marked with the lightning symbol.'],
  },
  {
    category: 6, weight: 6,
    titles: ['Nobody hears you in Teams calls', 'Set up voicemail on your desk phone', 'Forward calls to your mobile', 'Book a meeting room',
      'Share your screen in a Teams meeting', 'Teams camera is not working', 'Desk phone shows "no service"', 'Use the meeting room screen'],
    qualifiers: [...OS.slice(0, 4), 'with a headset', 'in the large meeting room'],
    intros: [
      'Most audio problems in Teams come from the wrong microphone being selected.',
      'Desk phones and Teams share your number, so calls ring on both.',
      'Meeting rooms have a screen and a speakerphone that join the meeting with one button.',
    ],
    steps: [
      'In Teams, open **Settings → Devices** and choose your headset as speaker and microphone.',
      'Make a **test call** from the devices page and listen to your recording.',
      'Check the mute switch on the headset cable.',
      'Close other programs that use the camera, such as Zoom or the camera app.',
      'Restart Teams: right-click its icon in the system tray and choose **Quit**.',
      'On the desk phone, press **Voicemail** and follow the instructions to record your greeting.',
      'Book the room in Outlook by adding it to the meeting invitation as a room.',
    ],
    causes: ['Plugging in a headset after joining a call leaves Teams on the laptop microphone.', 'The camera can be used by one program at a time.'],
    tips: ['Join meetings from the room\'s touch panel: the invitation appears there automatically.'],
  },
  {
    category: 7, weight: 6,
    titles: ['Get access to a shared folder', 'Restore a deleted file', 'Shared drive is not shown in Explorer', 'OneDrive does not sync',
      'Share a file with someone outside the company', 'Restore an older version of a document', 'File is locked by another user'],
    qualifiers: [...OS.slice(0, 5), '(OneDrive)', '(SharePoint)'],
    intros: [
      'Every team has a folder on the shared drive; access is granted by the team\'s manager.',
      'Deleted files can be restored for 30 days, usually without our help.',
      'OneDrive keeps your own documents in sync between your laptop, your phone and the web.',
    ],
    steps: [
      'Ask your manager to approve access; they can do so in the portal.',
      'Right-click the folder and choose **Restore previous versions**.',
      'Open the recycle bin in OneDrive on the web and restore the file.',
      'Map the drive again: **This PC → Map network drive**, letter `S:`, path `\\\\files\\shared`.',
      'Click the OneDrive cloud icon in the taskbar and check for sync errors.',
      'Pause and resume syncing, or sign out of OneDrive and sign in again.',
      'Close the document on every computer where it is open, then try again.',
    ],
    causes: ['The shared drive is only reachable from the office network or over the VPN.', 'File names with characters like `:` or `*` cannot be synced.'],
    tips: ['Share a link instead of attaching a file: everyone then works on the same copy.'],
  },
  {
    category: 7, weight: 3,
    titles: ['What is backed up', 'Restore files from the backup', 'Back up your laptop before a repair', 'How long backups are kept'],
    qualifiers: ['(servers)', '(laptops)', '(Microsoft 365)', 'for the whole team'],
    intros: [
      'Servers and the shared drive are backed up every night; laptops are not, so keep your documents in OneDrive.',
      'Backups are kept for 90 days; monthly backups for a year.',
    ],
    steps: [
      'Tell us the file or folder, where it was and the last day you saw it.',
      'Move documents from the desktop into OneDrive before a repair.',
      'Check the restored file in the folder `_restored` next to the original.',
      'Create a ticket for anything older than 30 days: it needs a restore from the backup.',
    ],
    causes: ['Files saved only on the laptop\'s desktop are not part of any backup.'],
    tips: ['Anything in OneDrive or on the shared drive is safe if your laptop breaks.'],
  },
  {
    category: 8, weight: 5,
    titles: ['Install software from the company portal', 'Request a license', 'Adobe Acrobat asks to sign in', 'Excel crashes when opening a file',
      'Update Microsoft Office', 'Program needs administrator rights', 'License expired message'],
    qualifiers: [...OS.slice(0, 4), '(Microsoft 365)', '(Adobe)'],
    intros: [
      'Approved software installs itself from the company portal without administrator rights.',
      'Licenses are assigned per person; your manager approves new ones.',
    ],
    steps: [
      'Open **Company Portal** from the Start menu and search for the program.',
      'Choose **Install** and keep the laptop on for a few minutes.',
      'Create a request for software that is not in the company portal, with a link to the vendor.',
      'Sign out of the program and sign in with your work email to pick up the license.',
      'Run **Repair** from **Settings → Apps → Installed apps**.',
      'Install the latest updates and restart.',
    ],
    causes: ['A "license expired" message often means the program is signed in with a private account.'],
    tips: ['Trial versions from the internet are not allowed on company laptops.'],
  },
  {
    category: 9, weight: 4,
    titles: ['Set up company email on your phone', 'Remove company data from an old phone', 'Phone does not receive email', 'Install the authenticator app on a new phone'],
    qualifiers: ['(iPhone)', '(Android)', 'on a private phone', 'on a company phone'],
    intros: ['Company email on phones goes through the Outlook app, which keeps work data separate from your own.'],
    steps: [
      'Install **Microsoft Outlook** from the App Store or Google Play.',
      'Sign in with your work email and approve the sign-in in your authenticator app.',
      'Allow the app to send notifications.',
      'Remove the account in the Outlook app before you sell or return a phone.',
      'Update your password in the app after a password change.',
    ],
    causes: ['Mail apps other than Outlook are blocked for company accounts.'],
    tips: ['A lost phone? Tell us at once: we can wipe company data remotely.'],
  },
  {
    category: 10, weight: 4,
    titles: ['Report a phishing email', 'You clicked a suspicious link', 'Lost laptop or phone', 'Recognise a fake invoice email', 'Email from the CEO asking for gift cards'],
    qualifiers: ['', 'this week', 'in Outlook', 'on your phone'],
    intros: [
      'Phishing emails try to get your password or make you pay a fake invoice.',
      'If you clicked a link or entered your password by mistake, tell us at once: changing the password quickly stops the damage.',
    ],
    steps: [
      'Do not click links or open attachments in the email.',
      'Use the **Report** button in Outlook and choose **Phishing**.',
      'Reset your password if you entered it on a page you did not trust.',
      'Call the sender on a known number to check an unexpected payment request.',
      'Report a lost device the same day so we can lock it.',
    ],
    causes: ['Attackers copy the look of real invoices and sign-in pages.'],
    tips: ['Hover over a link to see where it really goes before you click.'],
  },
  {
    category: 11, weight: 4,
    titles: ['Download your invoices', 'Change the billing address', 'Understand your invoice', 'Order extra licenses', 'Request a quote',
      'Update payment details'],
    qualifiers: ['', 'for the whole company', 'in the billing portal'],
    intros: ['Invoices are sent monthly and are also available in the billing portal.', 'Orders placed before 14:00 ship the same day.'],
    steps: [
      'Open the billing portal and choose **Invoices**.',
      'Download the invoice as PDF.',
      'Change the billing address under **Company details**; it applies from the next invoice.',
      'Create a ticket with the order number if a delivery is missing.',
      'Ask for a quote with the number of users and the start date.',
    ],
    causes: ['Licenses added in the middle of a month are charged for the remaining days.'],
    tips: ['Your manager or the finance contact can see all invoices of your company.'],
  },
  {
    category: 0, weight: 4,
    titles: ['How to write a ticket we can solve quickly', 'Your first day: accounts and equipment', 'Follow a ticket in the portal',
      'When to call instead of writing a ticket', 'Add colleagues to a ticket', 'Our support hours'],
    qualifiers: ['', 'for new employees', 'for managers'],
    intros: [
      'A good ticket saves a round trip: tell us what happened, when it started and who is affected.',
      'New employees get their laptop, accounts and a welcome email on the first morning.',
    ],
    steps: [
      'Describe what happened and what you expected instead.',
      'Add the exact error message, or paste a screenshot into the form.',
      'Say whether colleagues see the same problem.',
      'Choose priority *Urgent* only when work has stopped.',
      'Add colleagues in copy so they get our replies too.',
    ],
    causes: ['Tickets without an error message often need a question back before we can start.'],
    tips: ['Reply to our email to add information to the same ticket.'],
  },
];

const KB_HEADINGS = ['Steps', 'What to do', 'How to fix it', 'Try this first', 'Step by step'];
const KB_WHY = ['Why this happens', 'Background', 'Good to know'];
const KB_FOOTERS = [
  'Still not working? Create a ticket in the portal and tell us which steps you tried.',
  'If this did not help, reply to your ticket or create a new one and add a screenshot.',
  'Need more help? Our service desk is available on working days from 8:00 to 18:00.',
  'Something unclear in this article? Let us know with the feedback buttons below.',
];

/** Distinct article bodies per topic (each rendered once, shared by many articles). */
const KB_BODIES_PER_TOPIC = 16;

/** COPY's text format: backslash, newline, carriage return and tab escaped. */
const esc = (s: string) => s.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));

/** One article body in Markdown: an introduction, numbered steps, maybe background, a table or a tip, a closing line. */
function kbMarkdown(r: Rng, t: KbTopic): string {
  const parts: string[] = [];
  const pickSome = (items: readonly string[], n: number) => {
    const idx = new Set<number>();
    while (idx.size < Math.min(n, items.length)) idx.add(r.int(items.length));
    return [...idx].sort((a, b) => a - b).map((i) => items[i]!);
  };
  parts.push(pickSome(t.intros, 1 + r.int(2)).join(' '));
  parts.push(`## ${r.pick(KB_HEADINGS)}`);
  parts.push(pickSome(t.steps, 3 + r.int(4)).map((s, i) => `${i + 1}. ${s}`).join('\n'));
  if (r.chance(0.6)) parts.push(`## ${r.pick(KB_WHY)}`, pickSome(t.causes, 1 + r.int(2)).join(' '));
  if (t.facts && r.chance(0.4)) parts.push(['| Setting | Value |', '|---|---|', ...t.facts.map(([k, v]) => `| ${k} | ${v} |`)].join('\n'));
  if (r.chance(0.5)) parts.push(`> **Tip:** ${r.pick(t.tips)}`);
  parts.push(r.pick(KB_FOOTERS));
  return parts.join('\n\n');
}

/**
 * Article bodies, made and rendered on first use with the application's own renderer (as
 * saving an article does), kept COPY-escaped. Bodies carry no links or images, so the origin
 * the renderer is given changes nothing.
 */
class KbBodies {
  private readonly cache = new Map<number, { markdown: string; html: string; text: string }>();
  constructor(private readonly seed: number) {}
  get(topic: number, variant: number): { markdown: string; html: string; text: string } {
    const key = topic * KB_BODIES_PER_TOPIC + variant;
    let body = this.cache.get(key);
    if (!body) {
      const markdown = kbMarkdown(rngFor(this.seed, `kb-body:${key}`), KB_TOPICS[topic]!);
      const { html, text } = renderMarkdown(markdown, 'http://localhost');
      body = { markdown: esc(markdown), html: esc(html), text: esc(text) };
      this.cache.set(key, body);
    }
    return body;
  }
  /**
   * Renders every body ahead of time, one per turn of the event loop, so that the rendering
   * fills the time spent waiting for the database (migrations, the password hash).
   */
  async warm(): Promise<void> {
    for (let topic = 0; topic < KB_TOPICS.length; topic++) {
      for (let variant = 0; variant < KB_BODIES_PER_TOPIC; variant++) {
        this.get(topic, variant);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}

const KB_TOPIC_WEIGHTS = KB_TOPICS.map((t, i) => [i, t.weight] as const);
const KB_VISIBILITY = [['public', 35], ['contacts', 45], ['clients', 10], ['internal', 10]] as const;
/** The manifest's search, and the topic of the articles that make sure it finds at least KB_HITS. */
const KB_QUERY = 'printer';
const KB_QUERY_TOPIC = 0;
const KB_HITS = 10;
/** Slugs the portal keeps for its own KB pages (RESERVED_SLUGS in server/modules/kb/articles.ts). */
const KB_RESERVED_SLUGS = new Set(['search', 'c', 'new', 'files', 'categories', 'articles']);

/**
 * Articles per workspace (the workspaces' skew; every workspace at least 5, the big and small
 * ones at least KB_HITS), and in the big and small workspaces KB_HITS articles spread through
 * the list that are published, visible to every contact and about printers: the manifest's
 * search then finds at least that many for the member even in the smallest workspace.
 */
function planKb(dir: Directory, articles: number): { perWs: number[]; special: Map<number, Set<number>> } {
  const W = dir.ws.length;
  const even = Math.floor(articles / W);
  const mins = dir.ws.map((w) => Math.min(w.index === 0 || w.index === W - 1 ? KB_HITS : 5, even));
  const perWs = apportion(articles, zipfWeights(W), mins);
  const special = new Map<number, Set<number>>();
  for (const wi of new Set([0, W - 1])) {
    const n = perWs[wi]!;
    const m = Math.min(KB_HITS, n);
    special.set(wi, new Set(Array.from({ length: m }, (_, j) => Math.floor(((j + 0.5) * n) / m))));
  }
  return { perWs, special };
}

/** A few categories for a few articles, all of them from a few dozen on. */
const kbCategoryCount = (articles: number) => Math.max(3, Math.min(KB_CATEGORIES.length, Math.round(Math.sqrt(articles))));

/**
 * The search vector exactly as the application computes it (`reindexWorkspace` and
 * `saveArticle` in server/modules/kb/articles.ts): title weight A, rendered text weight B,
 * with the workspace's text search configuration.
 */
const KB_SEARCH_VECTOR = `setweight(to_tsvector(w.kb_language::regconfig, a.title), 'A')
                        || setweight(to_tsvector(w.kb_language::regconfig, a.body_text), 'B')`;

// ---------------------------------------------------------------------------------------------
// The directory: workspaces, staff, clients, contacts (small enough to keep)

type WsPlan = {
  index: number;
  id: string;
  slug: string;
  name: string;
  createdAt: number;
  clientStart: number;
  clients: number;
  contactStart: number;
  contacts: number;
  staffStart: number;
  staff: number;
  tickets: number;
};

type Directory = {
  ws: WsPlan[];
  clientIds: string[];
  /** Contacts of client c are contactStart[c] .. contactStart[c + 1] - 1. */
  clientContactStart: Int32Array;
  contactIds: string[];
  contactFirst: Uint8Array;
  contactLast: Uint8Array;
  contactEmail: string[];
  staffIds: string[];
  staffNames: string[];
  staffEmail: string[];
};

function planDirectory(sizes: Sizes, seed: number, now: number): Directory {
  const W = Math.max(1, sizes.workspaces);
  const wsWeights = zipfWeights(W);
  const clientsPer = apportion(sizes.clients, wsWeights, wsWeights.map(() => 1));
  // Every client has a contact, and the first client two (a manager and a member).
  const contactsPer = apportion(sizes.contacts, wsWeights, clientsPer.map((c) => c + 1));
  const minTickets = Math.min(10, Math.floor(sizes.tickets / W));
  const ticketsPer = apportion(sizes.tickets, wsWeights, wsWeights.map(() => minTickets));
  const rng = rngFor(seed, 'directory');
  const ids = { ws: new IdSpace(seed, 'workspace'), client: new IdSpace(seed, 'client'), contact: new IdSpace(seed, 'contact'), staff: new IdSpace(seed, 'staff') };

  const ws: WsPlan[] = [];
  let clientStart = 0;
  let contactStart = 0;
  let staffStart = 0;
  for (let i = 0; i < W; i++) {
    const brand = rng.pick(BRAND);
    const staff = Math.max(2, Math.min(40, Math.round(2 + 38 * Math.sqrt(ticketsPer[i]! / Math.max(1, ticketsPer[0]!)))));
    ws.push({
      index: i,
      id: ids.ws.uuid(i),
      slug: `${brand.toLowerCase()}-${i + 1}`,
      name: `${brand} ${rng.pick(['Support', 'Service Desk', 'Helpdesk', 'IT', 'Customer Care'])}`,
      createdAt: now - SPAN - (30 + rng.int(365)) * DAY,
      clientStart,
      clients: clientsPer[i]!,
      contactStart,
      contacts: contactsPer[i]!,
      staffStart,
      staff,
      tickets: ticketsPer[i]!,
    });
    clientStart += clientsPer[i]!;
    contactStart += contactsPer[i]!;
    staffStart += staff;
  }

  const totalClients = clientStart;
  const totalContacts = contactStart;
  const clientIds = Array.from({ length: totalClients }, (_, i) => ids.client.uuid(i));
  const contactIds = Array.from({ length: totalContacts }, (_, i) => ids.contact.uuid(i));
  const staffIds = Array.from({ length: staffStart }, (_, i) => ids.staff.uuid(i));
  const clientContactStart = new Int32Array(totalClients + 1);
  for (const w of ws) {
    const per = apportion(w.contacts - 1, zipfWeights(w.clients), Array.from({ length: w.clients }, () => 1));
    per[0]! += 1;
    let at = w.contactStart;
    for (let c = 0; c < w.clients; c++) {
      clientContactStart[w.clientStart + c] = at;
      at += per[c]!;
    }
  }
  clientContactStart[totalClients] = totalContacts;

  // Names and addresses (unique per workspace for contacts, everywhere for staff).
  const contactFirst = new Uint8Array(totalContacts);
  const contactLast = new Uint8Array(totalContacts);
  const contactEmail: string[] = new Array<string>(totalContacts);
  const staffNames: string[] = [];
  const staffEmail: string[] = [];
  for (const w of ws) {
    const seen = new Set<string>();
    const unique = (local: string, domain: string) => {
      let addr = `${local}@${domain}`;
      for (let n = 2; seen.has(addr); n++) addr = `${local}${n}@${domain}`;
      seen.add(addr);
      return addr;
    };
    for (let c = w.clientStart; c < w.clientStart + w.clients; c++) {
      const domain = clientDomain(c, seed);
      for (let k = clientContactStart[c]!; k < clientContactStart[c + 1]!; k++) {
        const f = rng.int(FIRST.length);
        const l = rng.int(LAST.length);
        contactFirst[k] = f;
        contactLast[k] = l;
        contactEmail[k] = unique(`${FIRST[f]!.toLowerCase()}.${LAST[l]!.toLowerCase()}`, domain);
      }
    }
    for (let s = 0; s < w.staff; s++) {
      const first = rng.pick(FIRST);
      const last = rng.pick(LAST);
      staffNames.push(`${first} ${last}`);
      staffEmail.push(unique(`${first.toLowerCase()}.${last.toLowerCase()}`, `${w.slug}.helpdesk.example`));
    }
  }
  return { ws, clientIds, clientContactStart, contactIds, contactFirst, contactLast, contactEmail, staffIds, staffNames, staffEmail };
}

function clientName(c: number, seed: number): string {
  const h = fmix32(hashLabel(seed, 'client-name') ^ c);
  return `${BRAND[h % BRAND.length]!} ${TRADE[(h >>> 8) % TRADE.length]!}`;
}

function clientDomain(c: number, seed: number): string {
  const h = fmix32(hashLabel(seed, 'client-name') ^ c);
  return `${BRAND[h % BRAND.length]!.toLowerCase()}-${TRADE[(h >>> 8) % TRADE.length]!.toLowerCase()}-${c}.example`;
}

/** Local index 0 of a client is its manager, 1 a member; of the others 8% are managers. */
function contactRole(seed: number, k: number, local: number): 'manager' | 'member' {
  if (local === 0) return 'manager';
  if (local === 1) return 'member';
  return fmix32(hashLabel(seed, 'role') ^ k) % 100 < 8 ? 'manager' : 'member';
}

function contactStatus(seed: number, k: number, local: number): 'active' | 'disabled' {
  return local >= 2 && fmix32(hashLabel(seed, 'status') ^ k) % 100 < 2 ? 'disabled' : 'active';
}

// ---------------------------------------------------------------------------------------------
// Tickets and threads

type Status = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';

/** Older tickets are mostly done; recent ones are still being worked on. */
function pickStatus(rng: Rng, ageDays: number): Status {
  if (ageDays < 2) return rng.weighted<Status>([['new', 30], ['open', 35], ['pending', 18], ['on_hold', 5], ['solved', 12]]);
  if (ageDays < 14) return rng.weighted<Status>([['new', 5], ['open', 18], ['pending', 14], ['on_hold', 5], ['solved', 38], ['closed', 20]]);
  if (ageDays < 60) return rng.weighted<Status>([['new', 1], ['open', 4], ['pending', 4], ['on_hold', 2], ['solved', 20], ['closed', 69]]);
  return rng.weighted<Status>([['new', 0.2], ['open', 0.8], ['pending', 0.5], ['on_hold', 0.5], ['solved', 3], ['closed', 95]]);
}

const PRIORITIES = [['normal', 70], ['low', 12], ['high', 14], ['urgent', 4]] as const;
const SOURCES = [['portal', 45], ['email', 35], ['staff', 10], ['chat', 7], ['api', 3]] as const;

/** One thread row before its time is fixed: `at` is an offset from the ticket's creation. */
type Msg = {
  kind: 'reply' | 'note' | 'event';
  contact: number;
  staff: number;
  body: string;
  event: string | null;
  at: number;
  /** The status this row moved the ticket to, if any. */
  to: Status | null;
};

/** The ticket a thread is written for. */
type ThreadFor = { ws: WsPlan; requester: number; ccs: number[]; assignee: number };

/**
 * Writes threads (one object for the whole run: no closures per ticket on the hot path).
 *
 * `build` gives exactly `k` rows ending in `final`, following the application's rules: a staff
 * reply takes a new ticket to open (reply + event), a contact reply reopens a pending or
 * on-hold one, staff may reply and mark pending, change the status on its own, add notes;
 * the last rows move the ticket to its final status (often with a last reply: "reply and mark
 * solved"), a solved ticket closing on its own a few days later.
 */
class Threads {
  private c: ThreadFor = { ws: undefined as unknown as WsPlan, requester: 0, ccs: [], assignee: -1 };
  private out: Msg[] = [];
  private t = 0;
  private state: Status = 'new';
  private lastSpeaker: 'contact' | 'staff' = 'contact';
  private staffReplied = false;

  constructor(private readonly rng: Rng, private readonly text: Text, private readonly dir: Directory) {}

  private start(c: ThreadFor): void {
    this.c = c;
    this.out = [];
    this.t = 0;
    this.state = 'new';
    this.lastSpeaker = 'contact';
    this.staffReplied = false;
  }
  private anyStaff(): number {
    return this.c.ws.staffStart + zipfPick(this.rng, this.c.ws.staff, 0.5);
  }
  private actingStaff(): number {
    return this.c.assignee >= 0 && this.rng.chance(0.85) ? this.c.assignee : this.anyStaff();
  }
  private firstOf(contact: number): string {
    return FIRST[this.dir.contactFirst[contact]!]!;
  }
  private push(kind: Msg['kind'], contact: number, staff: number, body: string, event: string | null, to: Status | null, delay: number): void {
    this.t += Math.max(1, Math.round(delay));
    this.out.push({ kind, contact, staff, body, event, to, at: this.t });
  }
  private event(to: Status, staff: number, delay: number): void {
    this.push('event', -1, staff, '', `{"field":"status","from":"${this.state}","to":"${to}"}`, to, delay);
    this.state = to;
  }
  private contactReply(delay: number, who = this.c.ccs.length > 0 && this.rng.chance(0.3) ? this.rng.pick(this.c.ccs) : this.c.requester): void {
    this.push('reply', who, -1, this.text.contactReply(this.rng, this.firstOf(who)), null, null, delay);
    this.lastSpeaker = 'contact';
  }
  private staffReply(s: number, delay = this.staffReplied ? this.rng.exp(4 * HOUR) : 2 * MINUTE + this.rng.exp(2 * HOUR)): void {
    const from = this.dir.staffNames[s]!;
    this.push('reply', -1, s, this.text.staffReply(this.rng, this.firstOf(this.c.requester), from.slice(0, from.indexOf(' '))), null, null, delay);
    this.lastSpeaker = 'staff';
    this.staffReplied = true;
  }
  private note(delay: number): void {
    this.push('note', -1, this.actingStaff(), this.text.note(this.rng), null, null, delay);
  }

  build(k: number, final: Status, c: ThreadFor): Msg[] {
    const rng = this.rng;
    this.start(c);
    if (final === 'new') {
      // Nobody on the team has answered yet: follow-ups from the customer, maybe a note.
      for (let i = 0; i < k; i++) {
        if (rng.chance(0.25)) this.note(rng.exp(HOUR));
        else this.contactReply(rng.exp(12 * HOUR));
      }
      return this.out;
    }
    let tail: Status[] = final === 'closed' ? (rng.chance(0.3) ? ['solved', 'closed'] : ['closed']) : [final];
    tail = tail.slice(Math.max(0, tail.length - k));
    const withReply = k > tail.length && tail[0] !== 'open' && rng.chance(0.6);
    const reserve = tail.length + (withReply ? 1 : 0);

    if (c.assignee >= 0 && k - reserve >= 3 && rng.chance(0.15)) {
      const name = this.dir.staffNames[c.assignee]!;
      this.push('event', -1, this.anyStaff(), '', `{"field":"assignee","from":null,"to":"${name}"}`, null, rng.exp(20 * MINUTE));
    }
    while (this.out.length < k - reserve) {
      const room = k - reserve - this.out.length;
      const state = this.state;
      const x = rng.next();
      if (x < 0.2) {
        this.note(rng.exp(45 * MINUTE));
      } else if (x < 0.22 && state !== 'new') {
        // An explicit change among the working statuses.
        const to = WORKING[state === 'open' ? 1 + rng.int(2) : state === 'pending' ? 2 * rng.int(2) : rng.int(2)]!;
        this.event(to, this.actingStaff(), rng.exp(30 * MINUTE));
      } else if (this.lastSpeaker === 'contact' ? rng.chance(0.8) : rng.chance(0.25)) {
        // Staff reply: takes a new ticket to open, or (sometimes) marks it pending.
        const markPending = room >= 2 && rng.chance(0.15) && state !== 'pending';
        if (state === 'new' && room < 2) {
          this.note(rng.exp(30 * MINUTE));
          continue;
        }
        const s = this.actingStaff();
        this.staffReply(s);
        const to: Status = markPending ? 'pending' : state === 'new' ? 'open' : state;
        if (to !== state) this.event(to, s, 1 + rng.int(3));
      } else {
        // Contact reply: reopens a pending or on-hold ticket.
        const reopens = state === 'pending' || state === 'on_hold';
        if (reopens && room < 2) {
          this.note(rng.exp(45 * MINUTE));
          continue;
        }
        this.contactReply(rng.exp(10 * HOUR));
        if (reopens) this.event('open', -1, 1 + rng.int(3));
      }
    }
    for (let i = 0; i < tail.length; i++) {
      const to = tail[i]!;
      if (i === 0 && withReply) {
        const s = this.actingStaff();
        this.staffReply(s);
        if (to !== this.state) this.event(to, s, 1 + rng.int(3));
        else this.note(rng.exp(HOUR));
      } else if (to === this.state) {
        // Already there: a last staff reply (it changes none of the working statuses).
        this.staffReply(this.actingStaff());
      } else if (this.state === 'solved' && to === 'closed') {
        // Closed automatically a few days after being solved.
        this.event(to, -1, 3 * DAY + rng.exp(DAY));
      } else {
        this.event(to, this.actingStaff(), to === 'solved' ? rng.exp(3 * HOUR) : rng.exp(HOUR));
      }
    }
    return this.out;
  }

  /** The manifest's tickets: six public rows (contact, staff + open, contact, staff + solved). */
  six(c: ThreadFor): Msg[] {
    this.start(c);
    this.contactReply(20 * MINUTE, c.requester);
    this.staffReply(c.assignee, 2 * HOUR);
    this.event('open', c.assignee, 2);
    this.contactReply(5 * HOUR, c.requester);
    this.staffReply(c.assignee, 3 * HOUR);
    this.event('solved', c.assignee, 2);
    return this.out;
  }
}

const WORKING = ['open', 'pending', 'on_hold'] as const;

// ---------------------------------------------------------------------------------------------
// COPY

const N = '\\N';
const iso = (ms: number) => new Date(ms).toISOString();
const CHUNK = 1 << 18;

/** Rows on their way into one table: whole lines of COPY's text format. */
interface Sink {
  readonly table: Table;
  readonly rows: number;
  /** One row: tab-separated values, escaped for COPY's text format, ending in a newline. */
  add(line: string): void;
  /** A promise while the sink wants the producer to wait; null otherwise. Throws if the COPY failed. */
  readonly blocked: Promise<void> | null;
  /** Sends what is left; resolves with the number of rows once all are in. */
  end(): Promise<number>;
}

/** One COPY … FROM STDIN (text format) on its own connection, fed whole lines, with backpressure. */
class CopySink implements Sink {
  rows = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private waiting: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly stream: CopyStreamQuery;
  private readonly done: Promise<void>;

  constructor(client: pg.Client, readonly table: Table, columns: string, freeze: boolean) {
    this.stream = client.query(
      copyFrom(`copy ${table} (${columns}) from stdin${freeze ? ' with (freeze)' : ''}`, { highWaterMark: 4 * CHUNK }),
    );
    this.done = finished(this.stream);
    this.done.catch((err: unknown) => (this.failure = err));
  }

  /** One row: tab-separated values, escaped for COPY's text format, ending in a newline. */
  add(line: string): void {
    this.rows++;
    // Encoded straight into the chunk (a UTF-16 unit is at most 3 bytes of UTF-8).
    if (this.used + 3 * line.length > CHUNK) {
      this.flush();
      if (3 * line.length > CHUNK) return this.send(Buffer.from(line));
    }
    this.used += this.buf.write(line, this.used);
  }

  private flush(): void {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    this.send(chunk);
  }

  private send(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (!this.stream.write(chunk) && !this.waiting) {
      this.waiting = once(this.stream, 'drain').then(
        () => void (this.waiting = null),
        (err: unknown) => void (this.failure = err),
      );
    }
  }

  /** A promise while the connection has a full buffer; null otherwise. Throws if the COPY failed. */
  get blocked(): Promise<void> | null {
    if (this.failure) throw this.failure;
    return this.waiting;
  }

  async end(): Promise<number> {
    this.flush();
    this.stream.end();
    await this.done;
    return this.rows;
  }
}

/**
 * PGlite: COPY … FROM '/dev/blob', one statement per chunk of at most BLOB_CHUNK bytes (the
 * embedded database reads the whole blob into memory). Chunks of one table go in order; PGlite
 * runs one statement at a time, so sinks of several tables simply take turns.
 */
const BLOB_CHUNK = 16 << 20;

class BlobSink implements Sink {
  rows = 0;
  private readonly buf = Buffer.allocUnsafe(BLOB_CHUNK);
  private used = 0;
  private sending: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly sql: string;

  constructor(private readonly lite: PGlite, readonly table: Table, columns: string) {
    this.sql = `copy ${table} (${columns}) from '/dev/blob'`;
  }

  add(line: string): void {
    this.rows++;
    if (this.used + 3 * line.length > BLOB_CHUNK) {
      this.flush();
      if (3 * line.length > BLOB_CHUNK) return this.send(new Blob([line]));
    }
    this.used += this.buf.write(line, this.used);
  }

  private flush(): void {
    if (this.used === 0) return;
    // Blob copies the bytes: the buffer can be refilled at once.
    const blob = new Blob([this.buf.subarray(0, this.used)]);
    this.used = 0;
    this.send(blob);
  }

  private send(blob: Blob): void {
    if (this.failure) throw this.failure;
    const sent: Promise<void> = (this.sending ?? Promise.resolve())
      .then(() => (this.failure ? undefined : this.lite.query(this.sql, [], { blob })))
      .then(
        () => void (this.sending === sent && (this.sending = null)),
        (err: unknown) => void (this.failure = err),
      );
    this.sending = sent;
  }

  get blocked(): Promise<void> | null {
    if (this.failure) throw this.failure;
    return this.sending;
  }

  async end(): Promise<number> {
    this.flush();
    while (this.sending) await this.sending;
    if (this.failure) throw this.failure;
    return this.rows;
  }
}

/** A connection of the load: what generate() needs from either database. */
interface Conn {
  query<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Starts loading a table. */
  begin(table: Table): Promise<Sink>;
  /** Finishes loading it (all rows in and committed). */
  commit(sink: Sink): Promise<void>;
  close(): Promise<void>;
}

/**
 * PostgreSQL: one COPY at a time per connection, each in its own transaction, which (unless
 * the keys stay in place) truncates the table first so that COPY can FREEZE the rows.
 */
class PgConn implements Conn {
  constructor(readonly client: pg.Client, private readonly keep: boolean) {}
  query<T extends object>(text: string, params?: unknown[]): Promise<{ rows: T[] }> {
    return this.client.query(text, params) as Promise<pg.QueryResult & { rows: T[] }>;
  }
  async begin(table: Table): Promise<Sink> {
    await this.client.query('begin');
    if (!this.keep) await this.client.query(`truncate ${table}`);
    return new CopySink(this.client, table, COLUMNS[table], !this.keep);
  }
  async commit(sink: Sink): Promise<void> {
    await sink.end();
    await this.client.query('commit');
  }
  close(): Promise<void> {
    return this.client.end();
  }
}

/** PGlite: its one connection; every chunk commits on its own (a failed load leaves a directory to throw away). */
class LiteConn implements Conn {
  constructor(readonly lite: PGlite) {}
  query<T extends object>(text: string, params?: unknown[]): Promise<{ rows: T[] }> {
    return this.lite.query<T>(text, params);
  }
  async begin(table: Table): Promise<Sink> {
    return new BlobSink(this.lite, table, COLUMNS[table]);
  }
  async commit(sink: Sink): Promise<void> {
    await sink.end();
  }
  close(): Promise<void> {
    return this.lite.close();
  }
}

/** PGlite with the extensions Portico's own `openPglite` loads (server/platform/db/db.ts). */
const openLite = (dir: string) => PGlite.create(`file://${dir}`, { extensions: PGLITE_EXTENSIONS });

/** A connection as the application's `Sql`, to run its own queries (KB search). */
const sqlOf = (c: Conn): Sql => ({
  query: async <T>(text: string, params?: readonly unknown[]) => (await c.query<object>(text, params as unknown[] | undefined)).rows as T[],
  prepared: async <T>(_name: string, text: string, params?: readonly unknown[]) => (await c.query<object>(text, params as unknown[] | undefined)).rows as T[],
  exec: async (text) => void (await c.query(text)),
  raw: (text, params) => c.query(text, params as unknown[] | undefined),
});

const COLUMNS = {
  workspaces: 'id, slug, name, ticket_seq, created_at, updated_at',
  staff: 'workspace_id, id, email, name, role, password_hash, status, created_at, updated_at',
  clients: 'workspace_id, id, name, email_domains, created_at, updated_at',
  contacts: 'workspace_id, id, client_id, email, name, role, password_hash, status, email_verified_at, created_at, updated_at',
  tickets:
    'workspace_id, id, number, client_id, requester_id, assignee_id, subject, description, priority, status, source, created_at, updated_at, solved_at, closed_at',
  ticket_messages: 'workspace_id, id, ticket_id, kind, public, author_contact_id, author_staff_id, body, event, created_at',
  ticket_cc: 'workspace_id, client_id, ticket_id, contact_id, created_at',
  sessions:
    'id, token_hash, workspace_id, surface, contact_id, staff_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at, stage, method, authenticated_at',
  kb_categories: 'workspace_id, id, slug, name, description, position, created_at',
  kb_articles:
    'workspace_id, id, category_id, slug, title, markdown, html, body_text, status, visibility, views, author_staff_id, created_at, updated_at, published_at',
  kb_article_clients: 'workspace_id, article_id, client_id',
  kb_slugs: 'workspace_id, slug, article_id',
} as const;
type Table = keyof typeof COLUMNS;
const LOADED = Object.keys(COLUMNS) as Table[];

// ---------------------------------------------------------------------------------------------
// Keys and indexes: dropped before the load, re-created after (as pg_restore does)

type Ddl = { table: string; create: string; drop: string };
type Deferred = { keys: Ddl[]; indexes: Ddl[]; fks: Ddl[] };

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

async function dropKeysAndIndexes(c: pg.Client): Promise<Deferred> {
  const constraints = await c.query<{ tbl: string; name: string; def: string; type: string }>(
    `select t.relname as tbl, k.conname as name, pg_get_constraintdef(k.oid) as def, k.contype as type
       from pg_constraint k
       join pg_class t on t.oid = k.conrelid
       left join pg_class r on r.oid = k.confrelid
      where k.connamespace = 'public'::regnamespace
        and ((k.contype = 'f' and (t.relname = any($1) or r.relname = any($1)))
          or (k.contype in ('p', 'u') and t.relname = any($1)))
      order by t.relname, k.conname`,
    [LOADED],
  );
  const indexes = await c.query<{ tbl: string; name: string; def: string }>(
    `select i.tablename as tbl, i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any($1)
        and not exists (select 1 from pg_constraint k where k.conindid = (quote_ident(i.indexname))::regclass
                        and k.contype in ('p', 'u', 'x'))
      order by i.tablename, i.indexname`,
    [LOADED],
  );
  const ddl = (r: { tbl: string; name: string; def: string }): Ddl => ({
    table: r.tbl,
    create: `alter table ${q(r.tbl)} add constraint ${q(r.name)} ${r.def}`,
    drop: `alter table ${q(r.tbl)} drop constraint ${q(r.name)}`,
  });
  const d: Deferred = {
    fks: constraints.rows.filter((r) => r.type === 'f').map(ddl),
    keys: constraints.rows.filter((r) => r.type !== 'f').map(ddl),
    indexes: indexes.rows.map((r) => ({ table: r.tbl, create: r.def, drop: `drop index ${q(r.name)}` })),
  };
  await c.query('begin');
  for (const x of [...d.fks, ...d.keys, ...d.indexes]) await c.query(x.drop);
  await c.query('commit');
  return d;
}

/** Keys and indexes table by table on `connections` connections (biggest tables first), then foreign keys. */
async function restoreKeysAndIndexes(url: string, d: Deferred, connections: number, log: (s: string) => void) {
  const order: string[] = ['ticket_messages', 'tickets', 'contacts', 'kb_articles', 'ticket_cc', 'clients', 'staff', 'sessions',
    'kb_slugs', 'kb_article_clients', 'kb_categories', 'workspaces'];
  for (const x of [...d.keys, ...d.indexes]) if (!order.includes(x.table)) order.push(x.table);
  const queue = order.map((table) => ({ table, ddl: [...d.keys, ...d.indexes].filter((x) => x.table === table) }));
  const open = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`set maintenance_work_mem = '1GB'`);
    await c.query('set max_parallel_maintenance_workers = 2');
    return c;
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = await open();
      try {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const t = performance.now();
          for (const x of job.ddl) await c.query(x.create);
          if (job.ddl.length) log(`  keys and indexes of ${job.table}: ${job.ddl.length} in ${secs(t)}`);
        }
      } finally {
        await c.end();
      }
    }),
  );
  const keysSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const c = await open();
  try {
    // Adding a foreign key checks every row against the referenced key, in one join.
    for (const x of d.fks) await c.query(x.create);
  } finally {
    await c.end();
  }
  log(`  ${d.fks.length} foreign keys validated in ${secs(t1)}`);
  return { keysSeconds, fkSeconds: (performance.now() - t1) / 1000 };
}

const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const rate = (rows: number, seconds: number) => `${Math.round(rows / Math.max(seconds, 1e-3)).toLocaleString('en-US')} rows/s`;

// ---------------------------------------------------------------------------------------------
// The manifest

export type SessionInfo = { id: string; email: string; token: string; csrfToken: string };
export type ManifestWorkspace = {
  slug: string;
  id: string;
  tickets: number;
  clients: number;
  contacts: number;
  staffCount: number;
  staff: SessionInfo & { role: 'admin' };
  member: SessionInfo & { clientId: string; visibleTickets: number };
  manager: SessionInfo & { clientId: string; visibleTickets: number };
  /** Tickets the member requested with exactly six rows in the thread, all public. */
  sixMessageTickets: number[];
  /** KB articles of the workspace (any status and visibility). */
  articles: number;
  /** A KB search and how many published articles it finds that the member may see (searchArticles' total). */
  kb: { query: string; visibleHits: number };
};
export type Manifest = {
  generatedAt: string;
  seed: number;
  sizes: Sizes;
  now: string;
  target: 'postgres' | 'pglite';
  /** The PostgreSQL database; '' for an embedded one. */
  databaseUrl: string;
  /** The embedded database's directory (PGlite), or null. */
  embeddedDir: string | null;
  password: string;
  cookies: { portal: string; staff: string };
  counts: Record<Table, number>;
  seconds: Record<string, number>;
  big: ManifestWorkspace;
  small: ManifestWorkspace;
  /** Every workspace with one signed-in admin's session token. */
  workspaces: { slug: string; id: string; tickets: number; staffToken: string }[];
};

// ---------------------------------------------------------------------------------------------
// generate()


export async function generate(opts: GenerateOptions = {}): Promise<Manifest> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const sizes: Sizes = {
    workspaces: opts.workspaces ?? FULL.workspaces,
    clients: opts.clients ?? FULL.clients,
    contacts: opts.contacts ?? FULL.contacts,
    tickets: opts.tickets ?? FULL.tickets,
    messages: opts.messages ?? FULL.messages,
    articles: opts.articles ?? FULL.articles,
  };
  if (sizes.workspaces < 1 || sizes.clients < sizes.workspaces) throw new Error('need at least one client per workspace');
  if (opts.embeddedDir && opts.databaseUrl) throw new Error('give a database URL or an embedded directory, not both');
  const seed = opts.seed ?? 1;
  const nowDate = opts.now ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const now = nowDate.getTime();
  const embedded = opts.embeddedDir ? path.resolve(opts.embeddedDir) : null;
  // PGlite has one connection: no parallel key building, so the keys stay in place.
  const keep = embedded !== null || (opts.keepConstraints ?? false);
  const tStart = performance.now();
  const seconds: Record<string, number> = {};
  // With this many articles nearly every body is used: render them while the database works.
  const bodies = new KbBodies(seed);
  const warming = sizes.articles >= KB_TOPICS.length * KB_BODIES_PER_TOPIC ? bodies.warm() : Promise.resolve();
  warming.catch(() => undefined);

  let url = '';
  let clients: readonly [Conn, Conn, Conn];
  let t: number;
  if (embedded) {
    const entries = await readdir(embedded).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    if (entries.length > 0) throw new Error(`${embedded} is not empty; generate into a new directory`);
    log(`embedded database ${embedded}; seed ${seed}; now ${nowDate.toISOString()}`);
    log(`sizes: ${Object.entries(sizes).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ')}`);
    t = performance.now();
    await mkdir(embedded, { recursive: true });
    const lite = await openLite(embedded);
    try {
      await migrate(pgliteDb(lite));
    } catch (err) {
      await lite.close().catch(() => undefined);
      throw err;
    }
    const c = new LiteConn(lite);
    clients = [c, c, c];
  } else {
    url = opts.databaseUrl ?? (await freshDatabase(DEFAULT_DB));
    log(`database ${url.replace(/:[^:@/]*@/, ':***@')}; seed ${seed}; now ${nowDate.toISOString()}`);
    log(`sizes: ${Object.entries(sizes).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ')}`);

    t = performance.now();
    const db = await openPostgres(url, 2);
    try {
      await migrate(db);
      const [busy] = await db.query<{ n: number }>('select (select count(*) from workspaces)::int as n');
      if (busy!.n > 0) throw new Error(`${url} already holds workspaces; generate into an empty database`);
    } finally {
      await db.close();
    }

    const connect = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('set synchronous_commit = off');
      return new PgConn(c, keep);
    };
    clients = [await connect(), await connect(), await connect()];
  }
  seconds.migrate = (performance.now() - t) / 1000;
  const main = clients[0];
  try {
    let deferred: Deferred | null = null;
    if (!keep) {
      t = performance.now();
      deferred = await dropKeysAndIndexes((main as PgConn).client);
      log(`dropped ${deferred.fks.length} foreign keys, ${deferred.keys.length} keys, ${deferred.indexes.length} indexes for the load (${secs(t)})`);
    }

    /** Loads a table through a connection (PgConn: a COPY in its own transaction; LiteConn: blobs). */
    const begin = (c: Conn, table: Table) => c.begin(table);
    const commit = async (c: Conn, sink: Sink, t0: number) => {
      await c.commit(sink);
      const s = (performance.now() - t0) / 1000;
      seconds[sink.table] = s;
      log(`  ${sink.table.padEnd(16)} ${sink.rows.toLocaleString('en-US').padStart(11)} rows in ${s.toFixed(1)} s (${rate(sink.rows, s)})`);
      return sink.rows;
    };
    const counts = {} as Record<Table, number>;

    // ---- The directory
    t = performance.now();
    const dir = planDirectory(sizes, seed, now);
    // The application's Argon2id parameters (server/platform/auth/passwords.ts), with a salt
    // from the seed so that the hash, like everything else, is the same on every run.
    const salt = Buffer.from(rngFor(seed, 'salt').token(16), 'base64url');
    const passwordHash = await argon2(PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1, salt });
    if (!(await checkPassword(passwordHash, PASSWORD))) throw new Error('the password hash does not verify');
    const kb = planKb(dir, sizes.articles);
    const planned = {
      clients: dir.clientIds.length,
      contacts: dir.contactIds.length,
      tickets: dir.ws.reduce((a, w) => a + w.tickets, 0),
      articles: kb.perWs.reduce((a, n) => a + n, 0),
    };
    for (const [k, v] of Object.entries(planned)) {
      if (v !== sizes[k as keyof Sizes]) log(`note: ${v} ${k} instead of ${sizes[k as keyof Sizes]} (every workspace needs a minimum)`);
    }
    log(`planned the directory in ${secs(t)}; loading`);
    const big = dir.ws[0]!;
    const small = dir.ws[dir.ws.length - 1]!;

    t = performance.now();
    let sink = await begin(main, 'workspaces');
    for (const w of dir.ws) sink.add(`${w.id}\t${w.slug}\t${w.name}\t${w.tickets}\t${iso(w.createdAt)}\t${iso(w.createdAt)}\n`);
    counts.workspaces = await commit(main, sink, t);

    t = performance.now();
    sink = await begin(main, 'staff');
    const rngStaff = rngFor(seed, 'staff');
    for (const w of dir.ws) {
      for (let s = w.staffStart; s < w.staffStart + w.staff; s++) {
        const role = s === w.staffStart || rngStaff.chance(0.15) ? 'admin' : 'agent';
        const at = iso(w.createdAt + rngStaff.int(30) * DAY);
        sink.add(`${w.id}\t${dir.staffIds[s]}\t${dir.staffEmail[s]}\t${dir.staffNames[s]}\t${role}\t${passwordHash}\tactive\t${at}\t${at}\n`);
      }
    }
    counts.staff = await commit(main, sink, t);

    t = performance.now();
    sink = await begin(main, 'clients');
    const rngClients = rngFor(seed, 'clients');
    const clientCreated = new Float64Array(dir.clientIds.length);
    for (const w of dir.ws) {
      for (let c = w.clientStart; c < w.clientStart + w.clients; c++) {
        clientCreated[c] = w.createdAt + (1 + rngClients.int(30)) * DAY;
        const at = iso(clientCreated[c]!);
        sink.add(`${w.id}\t${dir.clientIds[c]}\t${clientName(c, seed)}\t{${clientDomain(c, seed)}}\t${at}\t${at}\n`);
      }
    }
    counts.clients = await commit(main, sink, t);

    t = performance.now();
    sink = await begin(main, 'contacts');
    const rngContacts = rngFor(seed, 'contacts');
    for (const w of dir.ws) {
      for (let c = w.clientStart; c < w.clientStart + w.clients; c++) {
        const start = dir.clientContactStart[c]!;
        for (let k = start; k < dir.clientContactStart[c + 1]!; k++) {
          const at = iso(clientCreated[c]! + rngContacts.int(Math.max(1, (now - SPAN - clientCreated[c]!) / DAY)) * DAY);
          const name = `${FIRST[dir.contactFirst[k]!]!} ${LAST[dir.contactLast[k]!]!}`;
          sink.add(
            `${w.id}\t${dir.contactIds[k]}\t${dir.clientIds[c]}\t${dir.contactEmail[k]}\t${name}\t${contactRole(seed, k, k - start)}\t` +
              `${passwordHash}\t${contactStatus(seed, k, k - start)}\t${at}\t${at}\t${at}\n`,
          );
        }
      }
    }
    counts.contacts = await commit(main, sink, t);

    // ---- The knowledge base: categories, articles, their slugs and client restrictions
    t = performance.now();
    sink = await begin(main, 'kb_categories');
    const categoryIds = new IdSpace(seed, 'kb-category');
    const firstCategory: number[] = [];
    let categoryIndex = 0;
    for (const w of dir.ws) {
      firstCategory.push(categoryIndex);
      const n = kbCategoryCount(kb.perWs[w.index]!);
      for (let c = 0; c < n; c++) {
        const { name, description } = KB_CATEGORIES[c]!;
        sink.add(`${w.id}\t${categoryIds.uuid(categoryIndex++)}\t${slugify(name)}\t${name}\t${description}\t${c}\t${iso(w.createdAt + (1 + c) * DAY)}\n`);
      }
    }
    firstCategory.push(categoryIndex);
    counts.kb_categories = await commit(main, sink, t);

    await warming;
    t = performance.now();
    sink = await begin(main, 'kb_articles');
    const rngKb = rngFor(seed, 'kb');
    const articleIds = new IdSpace(seed, 'kb-article');
    const slugLines: string[] = [];
    const restrictionLines: string[] = [];
    let articleIndex = 0;
    for (const w of dir.ws) {
      const n = kb.perWs[w.index]!;
      const special = kb.special.get(w.index);
      const categories = firstCategory[w.index + 1]! - firstCategory[w.index]!;
      // Slugs as saveArticle allocates them: the title's, else the first free "-2", "-3"…
      const taken = new Set<string>();
      for (let j = 0; j < n; j++) {
        const id = articleIds.uuid(articleIndex++);
        const forced = special?.has(j) ?? false;
        const ti = forced ? KB_QUERY_TOPIC : rngKb.weighted(KB_TOPIC_WEIGHTS);
        const topic = KB_TOPICS[ti]!;
        // A title the workspace has not used yet if one of a few tries finds one.
        let title = '';
        let base = '';
        for (let tries = 0; tries < 4 && (tries === 0 || taken.has(base)); tries++) {
          title = rngKb.pick(topic.titles);
          if (rngKb.chance(0.7)) {
            const q = rngKb.pick(topic.qualifiers);
            if (q) title += ` ${q}`;
          }
          if (rngKb.chance(0.4)) title += ` – ${rngKb.pick(KB_SITES)}`;
          base = slugify(title);
        }
        let slug = base;
        for (let k = KB_RESERVED_SLUGS.has(base) ? 2 : 1; ; k++) {
          slug = k === 1 ? base : `${base}-${k}`;
          if (!taken.has(slug)) break;
        }
        taken.add(slug);
        const body = bodies.get(ti, rngKb.int(KB_BODIES_PER_TOPIC));
        const status = forced || rngKb.chance(0.85) ? 'published' : 'draft';
        const visibility = forced ? (rngKb.chance(0.5) ? 'public' : 'contacts') : rngKb.weighted(KB_VISIBILITY);
        const category = categoryIds.uuid(firstCategory[w.index]! + (topic.category < categories ? topic.category : 0));
        const author = dir.staffIds[w.staffStart + zipfPick(rngKb, w.staff, 0.5)];
        const createdAt = Math.round(now - SPAN + rngKb.next() * (SPAN - DAY));
        const updatedAt = Math.min(now - HOUR, createdAt + Math.round(rngKb.exp(20 * DAY)));
        // Unpublishing keeps published_at: some drafts have one.
        const publishedAt = status === 'published' || rngKb.chance(0.2) ? createdAt + Math.round(Math.min(rngKb.exp(DAY), updatedAt - createdAt)) : null;
        const views = status === 'published' ? Math.round(Math.exp(2.5 + 1.2 * rngKb.normal())) : 0;
        sink.add(
          `${w.id}\t${id}\t${category}\t${slug}\t${esc(title)}\t${body.markdown}\t${body.html}\t${body.text}\t${status}\t${visibility}\t` +
            `${views}\t${author}\t${iso(createdAt)}\t${iso(updatedAt)}\t${publishedAt === null ? N : iso(publishedAt)}\n`,
        );
        slugLines.push(`${w.id}\t${slug}\t${id}\n`);
        if (visibility === 'clients') {
          // One to three clients, the big ones (the member's first) most often.
          const chosen = new Set<number>();
          const want = Math.min(w.clients, 1 + rngKb.int(3));
          while (chosen.size < want) chosen.add(w.clientStart + zipfPick(rngKb, w.clients));
          for (const c of [...chosen].sort((a, b) => a - b)) restrictionLines.push(`${w.id}\t${id}\t${dir.clientIds[c]}\n`);
        }
      }
    }
    counts.kb_articles = await commit(main, sink, t);
    // Slugs and restrictions reference the articles: after them.
    t = performance.now();
    sink = await begin(main, 'kb_slugs');
    for (const line of slugLines) sink.add(line);
    counts.kb_slugs = await commit(main, sink, t);
    t = performance.now();
    sink = await begin(main, 'kb_article_clients');
    for (const line of restrictionLines) sink.add(line);
    counts.kb_article_clients = await commit(main, sink, t);

    // Search vectors, computed by the database as the application does, on every connection
    // at once (PostgreSQL), each taking a share of the workspaces.
    t = performance.now();
    const conns = [...new Set(clients)];
    const shares: string[][] = conns.map(() => []);
    const work = conns.map(() => 0);
    for (const w of [...dir.ws].sort((a, b) => kb.perWs[b.index]! - kb.perWs[a.index]! || a.index - b.index)) {
      const i = work.indexOf(Math.min(...work));
      shares[i]!.push(w.id);
      work[i]! += kb.perWs[w.index]!;
    }
    await Promise.all(
      conns.map((c, i) =>
        c.query(`update kb_articles a set search = ${KB_SEARCH_VECTOR} from workspaces w where w.id = a.workspace_id and a.workspace_id = any($1::uuid[])`, [shares[i]]),
      ),
    );
    seconds.kb_search = (performance.now() - t) / 1000;
    log(`  kb search vectors of ${counts.kb_articles.toLocaleString('en-US')} articles in ${secs(t)}`);

    // ---- Tickets, messages and CCs, generated together in time order across workspaces
    const manifestWs = big === small ? [big] : [big, small];
    const special = new Map<number, Set<number>>();
    for (const w of manifestWs) {
      const n = Math.min(5, w.tickets);
      special.set(w.index, new Set(Array.from({ length: n }, (_, j) => Math.floor(((j + 0.5) * w.tickets) / n) + 1)));
    }
    const memberOf = (w: WsPlan) => dir.clientContactStart[w.clientStart]! + 1;
    const specialCount = [...special.values()].reduce((a, s) => a + s.size, 0);

    const load = async (emit: { tickets: boolean; messages: boolean }) => {
      const t0 = performance.now();
      const sinks = {
        tickets: emit.tickets ? await begin(clients[0], 'tickets') : null,
        messages: emit.messages ? await begin(clients[1], 'ticket_messages') : null,
        cc: emit.messages ? await begin(clients[2], 'ticket_cc') : null,
      };
      const rng = rngFor(seed, 'tickets');
      const text = new Text(rngFor(seed, 'text'));
      const threads = new Threads(rng, text, dir);
      const ticketIds = new IdSpace(seed, 'ticket');
      const messageIds = new IdSpace(seed, 'message');

      // Each workspace's creation times, ascending, one at a time: uniform order statistics
      // (the gap left above the last one shrinks by V^(1/remaining)), bent towards recent
      // dates (x^0.8: more tickets lately); a heap merges the workspaces by time.
      const W = dir.ws.length;
      const gap = new Float64Array(W).fill(1);
      const left = Int32Array.from(dir.ws, (w) => w.tickets);
      const nextAt = new Float64Array(W);
      const emitted = new Int32Array(W);
      const advance = (i: number) => {
        gap[i] = gap[i]! * Math.pow(1 - rng.next(), 1 / left[i]!);
        left[i]! -= 1;
        nextAt[i] = now - SPAN + SPAN * Math.pow(1 - gap[i]!, 0.8) - 5 * MINUTE;
      };
      const heap: number[] = [];
      const less = (a: number, b: number) => nextAt[a]! < nextAt[b]! || (nextAt[a] === nextAt[b] && a < b);
      const push = (i: number) => {
        heap.push(i);
        for (let j = heap.length - 1; j > 0; ) {
          const p = (j - 1) >> 1;
          if (!less(heap[j]!, heap[p]!)) break;
          [heap[j], heap[p]] = [heap[p]!, heap[j]!];
          j = p;
        }
      };
      const pop = (): number => {
        const top = heap[0]!;
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          for (let j = 0; ; ) {
            const l = 2 * j + 1;
            const r = l + 1;
            let m = j;
            if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
            if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
            if (m === j) break;
            [heap[j], heap[m]] = [heap[m]!, heap[j]!];
            j = m;
          }
        }
        return top;
      };
      for (let i = 0; i < W; i++) {
        if (left[i]! > 0) {
          advance(i);
          push(i);
        }
      }

      const total = dir.ws.reduce((a, w) => a + w.tickets, 0);
      let ticketsLeft = total;
      let messagesLeft = sizes.messages;
      let specialsLeft = specialCount;
      let ticketIndex = 0;
      let messageIndex = 0;
      let lastLog = performance.now();

      while (heap.length > 0) {
        const wi = pop();
        const w = dir.ws[wi]!;
        const createdAt = Math.round(nextAt[wi]!);
        const number = ++emitted[wi]!;
        if (left[wi]! > 0) {
          advance(wi);
          push(wi);
        }
        const isSpecial = special.get(wi)?.has(number) ?? false;
        const ticketId = ticketIds.uuid(ticketIndex++);

        // Who: a client and requester (skewed), an assignee for most tickets being worked on.
        const client = isSpecial ? w.clientStart : w.clientStart + zipfPick(rng, w.clients);
        const c0 = dir.clientContactStart[client]!;
        const nContacts = dir.clientContactStart[client + 1]! - c0;
        const requester = isSpecial ? memberOf(w) : c0 + zipfPick(rng, nContacts);
        const ageDays = (now - createdAt) / DAY;
        const status: Status = isSpecial ? 'solved' : pickStatus(rng, ageDays);
        const priority = rng.weighted(PRIORITIES);
        const source = isSpecial ? 'portal' : rng.weighted(SOURCES);
        const assigned = isSpecial || (status === 'new' ? rng.chance(0.08) : rng.chance(0.92));
        const assignee = assigned ? w.staffStart + zipfPick(rng, w.staff, 0.5) : -1;
        const ccs: number[] = [];
        if (!isSpecial && nContacts >= 2 && rng.chance(0.05)) {
          const want = Math.min(nContacts - 1, rng.weighted([[1, 70], [2, 25], [3, 5]] as const));
          while (ccs.length < want) {
            const k = c0 + rng.int(nContacts);
            if (k !== requester && !ccs.includes(k)) ccs.push(k);
          }
        }

        // How many rows: around the remaining average, spread out (lognormal), so the total
        // comes out exact; the manifest's tickets have exactly six.
        let k: number;
        if (isSpecial) {
          k = 6;
          specialsLeft--;
        } else {
          const budget = messagesLeft - 6 * specialsLeft;
          const normalLeft = ticketsLeft - specialsLeft;
          const mean = budget / normalLeft;
          if (normalLeft === 1) k = budget;
          else {
            k = Math.round(mean * Math.exp(0.65 * rng.normal() - 0.21));
            if (status !== 'new') k = Math.max(2, k);
            k = Math.min(k, Math.max(50, Math.ceil(10 * mean)));
            if (status === 'new') k = Math.min(k, rng.chance(0.7) ? 0 : 2);
          }
          k = Math.max(0, Math.min(k, budget));
        }
        ticketsLeft--;
        messagesLeft -= k;

        const thread: ThreadFor = { ws: w, requester, ccs, assignee };
        const rows = isSpecial ? threads.six(thread) : threads.build(k, status, thread);
        // The thread ends before now: squeeze it if it would not.
        const last = rows.length ? rows[rows.length - 1]!.at : 0;
        const room = now - MINUTE - createdAt;
        const scale = last > room ? Math.max(0, room) / last : 1;
        let solvedAt: number | null = null;
        let closedAt: number | null = null;
        let updatedAt = createdAt;
        for (const m of rows) {
          const at = createdAt + Math.round(m.at * scale);
          updatedAt = at;
          if (m.to === 'solved') solvedAt = at;
          if (m.to === 'closed') closedAt = at;
          if (m.to === 'open' || m.to === 'pending' || m.to === 'on_hold') solvedAt = null;
          if (sinks.messages) {
            sinks.messages.add(
              `${w.id}\t${messageIds.uuid(messageIndex)}\t${ticketId}\t${m.kind}\t${m.kind === 'note' ? 'f' : 't'}\t` +
                `${m.contact >= 0 ? dir.contactIds[m.contact] : N}\t${m.staff >= 0 ? dir.staffIds[m.staff] : N}\t` +
                `${m.body}\t${m.event ?? N}\t${iso(at)}\n`,
            );
          }
          messageIndex++;
        }
        if ((status === 'solved' || status === 'closed') && solvedAt === null && closedAt === null) solvedAt = updatedAt;
        if (status === 'closed' && closedAt === null) closedAt = updatedAt;

        const subject = text.subject(rng);
        const description = text.description(rng, FIRST[dir.contactFirst[requester]!]!);
        if (sinks.tickets) {
          sinks.tickets.add(
            `${w.id}\t${ticketId}\t${number}\t${dir.clientIds[client]}\t${dir.contactIds[requester]}\t` +
              `${assignee >= 0 ? dir.staffIds[assignee] : N}\t${subject}\t${description}\t${priority}\t${status}\t${source}\t` +
              `${iso(createdAt)}\t${iso(updatedAt)}\t${solvedAt === null ? N : iso(solvedAt)}\t${closedAt === null ? N : iso(closedAt)}\n`,
          );
        }
        if (sinks.cc) for (const cc of ccs) sinks.cc.add(`${w.id}\t${dir.clientIds[client]}\t${ticketId}\t${dir.contactIds[cc]}\t${iso(createdAt + MINUTE)}\n`);

        if ((ticketIndex & 1023) === 0) {
          const waits = [sinks.tickets?.blocked, sinks.messages?.blocked, sinks.cc?.blocked].filter((p) => p);
          if (waits.length) await Promise.all(waits);
          if (performance.now() - lastLog > 5000) {
            lastLog = performance.now();
            const s = (lastLog - t0) / 1000;
            log(`  … ${ticketIndex.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} tickets, ` +
              `${messageIndex.toLocaleString('en-US')} messages (${rate(ticketIndex, s)}, ${rate(messageIndex, s).replace(' rows', ' messages')})`);
          }
        }
      }
      const done = await Promise.all([
        sinks.tickets ? commit(clients[0], sinks.tickets, t0) : null,
        sinks.messages ? commit(clients[1], sinks.messages, t0) : null,
        sinks.cc ? commit(clients[2], sinks.cc, t0) : null,
      ]);
      if (done[0] !== null) counts.tickets = done[0];
      if (done[1] !== null) counts.ticket_messages = done[1];
      if (done[2] !== null) counts.ticket_cc = done[2];
    };

    if (keep) {
      // Messages reference tickets: with the keys checked row by row, tickets go in first
      // (the same generator, run twice, writes the same rows).
      await load({ tickets: true, messages: false });
      await load({ tickets: false, messages: true });
    } else {
      await load({ tickets: true, messages: true });
    }

    // ---- Sessions: every workspace's first admin; a member and a manager of the big and small workspaces
    t = performance.now();
    sink = await begin(main, 'sessions');
    const rngTokens = rngFor(seed, 'tokens');
    const sessionIds = new IdSpace(seed, 'session');
    let sessionIndex = 0;
    const expires = iso(Math.max(now, Date.now()) + 30 * DAY);
    const session = (w: WsPlan, surface: 'portal' | 'staff', subject: string): { token: string; csrfToken: string } => {
      const token = rngTokens.token();
      const csrfToken = rngTokens.token();
      const at = iso(now);
      sink.add(
        `${sessionIds.uuid(sessionIndex++)}\t${hashToken(token)}\t${w.id}\t${surface}\t${surface === 'portal' ? subject : N}\t` +
          `${surface === 'staff' ? subject : N}\t${csrfToken}\t127.0.0.1\tportico-bench\t${at}\t${at}\t${expires}\tactive\tpassword\t${at}\n`,
      );
      return { token, csrfToken };
    };
    const staffTokens = dir.ws.map((w) => session(w, 'staff', dir.staffIds[w.staffStart]!));
    const people = manifestWs.map((w) => {
      const member = memberOf(w);
      const manager = dir.clientContactStart[w.clientStart]!;
      return { member: session(w, 'portal', dir.contactIds[member]!), manager: session(w, 'portal', dir.contactIds[manager]!) };
    });
    counts.sessions = await commit(main, sink, t);

    if (deferred) {
      t = performance.now();
      log('re-creating keys and indexes');
      const r = await restoreKeysAndIndexes(url, deferred, 2, log);
      seconds.keys_and_indexes = r.keysSeconds;
      seconds.foreign_keys = r.fkSeconds;
    }
    // VACUUM as well as ANALYZE: a database that has been running a while has its visibility
    // map set (autovacuum), so index-only scans need no heap visits; a freshly loaded one not.
    t = performance.now();
    await main.query('vacuum (analyze)');
    seconds.vacuum_analyze = (performance.now() - t) / 1000;
    log(`vacuum and analyze in ${secs(t)}`);

    // ---- The manifest
    const visible = async (w: WsPlan, contact: number, role: 'member' | 'manager') => {
      const client = dir.clientIds[w.clientStart]!;
      const r = await main.query<{ n: number }>(
        role === 'manager'
          ? 'select count(*)::int as n from tickets t where t.workspace_id = $1 and t.client_id = $2'
          : `select count(*)::int as n from tickets t where t.workspace_id = $1 and t.client_id = $2 and (t.requester_id = $3
               or exists (select 1 from ticket_cc cc where cc.ticket_id = t.id and cc.workspace_id = $1 and cc.contact_id = $3))`,
        role === 'manager' ? [w.id, client] : [w.id, client, dir.contactIds[contact]],
      );
      return r.rows[0]!.n;
    };
    /** What the portal's KB search (the application's own function) finds for the member. */
    const kbHits = async (w: WsPlan) => {
      const [ws] = (await main.query<{ kb_language: string }>('select kb_language from workspaces where id = $1', [w.id])).rows;
      const { total } = await searchArticles(sqlOf(main), w.id, ws!.kb_language, { type: 'contact', clientId: dir.clientIds[w.clientStart]! }, KB_QUERY, 1);
      if (total < KB_HITS) log(`note: "${KB_QUERY}" finds ${total} articles for the member of ${w.slug} (only ${kb.perWs[w.index]} articles there)`);
      return { query: KB_QUERY, visibleHits: total };
    };
    const describe = async (w: WsPlan, i: number): Promise<ManifestWorkspace> => {
      const member = memberOf(w);
      const manager = dir.clientContactStart[w.clientStart]!;
      const p = people[i]!;
      return {
        slug: w.slug,
        id: w.id,
        tickets: w.tickets,
        clients: w.clients,
        contacts: w.contacts,
        staffCount: w.staff,
        staff: { id: dir.staffIds[w.staffStart]!, email: dir.staffEmail[w.staffStart]!, role: 'admin', ...staffTokens[w.index]! },
        member: { id: dir.contactIds[member]!, email: dir.contactEmail[member]!, clientId: dir.clientIds[w.clientStart]!, ...p.member, visibleTickets: await visible(w, member, 'member') },
        manager: { id: dir.contactIds[manager]!, email: dir.contactEmail[manager]!, clientId: dir.clientIds[w.clientStart]!, ...p.manager, visibleTickets: await visible(w, manager, 'manager') },
        sixMessageTickets: [...special.get(w.index)!],
        articles: kb.perWs[w.index]!,
        kb: await kbHits(w),
      };
    };
    const bigInfo = await describe(big, 0);
    const manifest: Manifest = {
      generatedAt: new Date().toISOString(),
      seed,
      sizes,
      now: nowDate.toISOString(),
      target: embedded ? 'pglite' : 'postgres',
      databaseUrl: url,
      embeddedDir: embedded,
      password: PASSWORD,
      cookies: { portal: 'sid', staff: 'staff_sid' },
      counts,
      seconds,
      big: bigInfo,
      small: big === small ? bigInfo : await describe(small, 1),
      workspaces: dir.ws.map((w) => ({ slug: w.slug, id: w.id, tickets: w.tickets, staffToken: staffTokens[w.index]!.token })),
    };
    seconds.total = (performance.now() - tStart) / 1000;
    const out = opts.manifestPath === undefined ? DEFAULT_MANIFEST : opts.manifestPath;
    if (out) {
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(manifest, null, 2)}\n`);
      log(`manifest: ${path.relative(process.cwd(), out)}`);
    }
    log(`total ${seconds.total.toFixed(1)} s`);
    return manifest;
  } catch (err) {
    if (embedded) log(`failed: ${embedded} may be left half-loaded; remove it and generate into a new directory`);
    else if (!keep) log(`failed: ${url} may be left half-loaded and without its keys and indexes; generate into a fresh database`);
    throw err;
  } finally {
    // Closing PGlite checkpoints its directory, which Portico can then open.
    await Promise.all([...new Set(clients)].map((c) => c.close().catch(() => undefined)));
  }
}

// ---------------------------------------------------------------------------------------------
// verify(): the rules the schema cannot state, checked with SQL

/**
 * Checks a generated data set: a PostgreSQL URL, or `{ embeddedDir }` for one generated into
 * PGlite (opened with the application's own `openPglite`, so nothing else may have it open).
 */
export async function verify(where: string | { embeddedDir: string }, manifest: Manifest, log: (s: string) => void = console.log): Promise<boolean> {
  const db = typeof where === 'string' ? await openPostgres(where, 1) : await openPglite(path.resolve(where.embeddedDir));
  const c = { query: async <T>(text: string, params?: unknown[]) => ({ rows: await db.query<T>(text, params) }) };
  let ok = true;
  const check = async (label: string, sql: string, params: unknown[] = [], expect: unknown = 0) => {
    const t = performance.now();
    const { rows } = await c.query<{ v: unknown }>(sql, params);
    const v = rows[0]?.v;
    const pass = JSON.stringify(v) === JSON.stringify(expect);
    ok &&= pass;
    log(`  ${pass ? 'ok ' : 'BAD'} ${label}: ${JSON.stringify(v)}${pass ? '' : ` (expected ${JSON.stringify(expect)})`} (${secs(t)})`);
  };
  try {
    log('verify');
    for (const [table, n] of Object.entries(manifest.counts)) await check(`rows in ${table}`, `select count(*)::int as v from ${table}`, [], n);
    await check('ticket numbers are 1..ticket_seq in every workspace',
      `select count(*)::int as v from workspaces w left join lateral (select count(*) as n, min(number) as lo, max(number) as hi
         from tickets t where t.workspace_id = w.id) t on true
        where t.n <> w.ticket_seq or coalesce(t.hi, 0) <> w.ticket_seq or coalesce(t.lo, 1) <> 1`);
    await check('updated_at is the last message time (or created_at)',
      `select count(*)::int as v from tickets t left join lateral (select max(created_at) as m from ticket_messages m where m.ticket_id = t.id) m on true
        where t.updated_at <> coalesce(m.m, t.created_at)`);
    await check('no message before its ticket or after now',
      `select count(*)::int as v from ticket_messages m join tickets t on t.id = m.ticket_id where m.created_at < t.created_at or m.created_at > $1`, [manifest.now]);
    await check('thread order by time agrees with position',
      `select count(*)::int as v from (select created_at < lag(created_at) over (partition by ticket_id order by position) as bad from ticket_messages) x where bad`);
    await check('status is the last status event\'s "to"',
      `select count(*)::int as v from tickets t cross join lateral (select m.event->>'to' as s from ticket_messages m
         where m.ticket_id = t.id and m.kind = 'event' and m.event->>'field' = 'status' order by m.created_at desc, m.position desc limit 1) e
        where e.s <> t.status`);
    await check('solved_at/closed_at match the status',
      `select count(*)::int as v from tickets where (status in ('solved', 'closed')) <> (coalesce(solved_at, closed_at) is not null)
          or (status = 'closed') <> (closed_at is not null)`);
    await check('CCs are not the requester', `select count(*)::int as v from ticket_cc cc join tickets t on t.id = cc.ticket_id where cc.contact_id = t.requester_id`);
    for (const w of [manifest.big, manifest.small]) {
      await check(`${w.slug}: the six-message tickets have six public rows and the member as requester`,
        `select count(*)::int as v from tickets t join workspaces w on w.id = t.workspace_id
          where w.slug = $1 and t.number = any($2) and t.requester_id = $3
            and (select count(*) from ticket_messages m where m.ticket_id = t.id and m.public) = 6
            and (select count(*) from ticket_messages m where m.ticket_id = t.id) = 6`,
        [w.slug, w.sixMessageTickets, w.member.id], w.sixMessageTickets.length);
      await check(`${w.slug}: member, manager and staff sessions resolve`,
        `select count(*)::int as v from sessions s where s.token_hash = any($1) and s.expires_at > now() and s.stage = 'active'`,
        [[w.member.token, w.manager.token, w.staff.token].map(hashToken)], 3);
    }
    // The knowledge base.
    await check('every article has its current slug in kb_slugs',
      `select count(*)::int as v from kb_articles a
        where not exists (select 1 from kb_slugs s where s.workspace_id = a.workspace_id and s.slug = a.slug and s.article_id = a.id)`);
    await check('every published article has a search vector',
      `select count(*)::int as v from kb_articles where status = 'published' and length(search) = 0`);
    await check('search vectors are what the application computes',
      `select count(*)::int as v from kb_articles a join workspaces w on w.id = a.workspace_id where a.search <> (${KB_SEARCH_VECTOR})`);
    await check('client-restricted articles, and only they, name clients of their workspace',
      `select count(*)::int as v from kb_articles a where (a.visibility = 'clients') <> exists (select 1 from kb_article_clients ac
         join clients c on c.workspace_id = ac.workspace_id and c.id = ac.client_id where ac.article_id = a.id and ac.workspace_id = a.workspace_id)`);
    await check('published articles have published_at; times in order',
      `select count(*)::int as v from kb_articles where (status = 'published' and published_at is null)
          or updated_at < created_at or published_at < created_at or published_at > updated_at or updated_at > $1`, [manifest.now]);
    if (manifest.sizes.articles >= manifest.sizes.workspaces) {
      await check('every workspace has articles and categories',
        `select count(*)::int as v from workspaces w where not exists (select 1 from kb_articles a where a.workspace_id = w.id)
            or not exists (select 1 from kb_categories c where c.workspace_id = w.id)`);
    }
    for (const w of manifest.big === manifest.small ? [manifest.big] : [manifest.big, manifest.small]) {
      const t = performance.now();
      const [ws] = await db.query<{ kb_language: string }>('select kb_language from workspaces where id = $1', [w.id]);
      const { total } = await searchArticles(db, w.id, ws!.kb_language, { type: 'contact', clientId: w.member.clientId }, w.kb.query, 1);
      const pass = total === w.kb.visibleHits;
      ok &&= pass;
      log(`  ${pass ? 'ok ' : 'BAD'} ${w.slug}: the member's KB search "${w.kb.query}" finds ${total}${pass ? '' : ` (expected ${w.kb.visibleHits})`} (${secs(t)})`);
    }
    const mix = await c.query<{ k: string; n: number; share: number }>(
      `select kind || case when kind = 'reply' then ' by ' || case when author_contact_id is null then 'staff' else 'contact' end else '' end as k,
              count(*)::int as n, round(100.0 * count(*) / sum(count(*)) over (), 1)::float as share
         from ticket_messages group by 1 order by 2 desc`);
    log(`  messages: ${mix.rows.map((r) => `${r.k} ${r.share}%`).join(', ')}`);
    const st = await c.query<{ status: string; share: number }>(
      `select status, round(100.0 * count(*) / sum(count(*)) over (), 1)::float as share from tickets group by 1 order by 2 desc`);
    log(`  statuses: ${st.rows.map((r) => `${r.status} ${r.share}%`).join(', ')}`);
    const sz = await c.query<{ slug: string; n: number }>(`select slug, ticket_seq as n from workspaces order by ticket_seq desc`);
    const ns = sz.rows.map((r) => r.n);
    log(`  tickets per workspace: largest ${ns.slice(0, 3).join(', ')}; median ${ns[Math.floor(ns.length / 2)]}; smallest ${ns.slice(-3).join(', ')}`);
    const pt = await c.query<{ per: number; mx: number }>(
      `select round(avg(n), 2)::float as per, max(n)::int as mx from (select count(m.id) as n from tickets t left join ticket_messages m on m.ticket_id = t.id group by t.id) x`);
    log(`  messages per ticket: mean ${pt.rows[0]!.per}, max ${pt.rows[0]!.mx}`);
    const kbMix = await c.query<{ k: string; share: number }>(
      `select status || case when status = 'published' then ' ' || visibility else '' end as k,
              round(100.0 * count(*) / sum(count(*)) over (), 1)::float as share from kb_articles group by 1 order by 2 desc`);
    log(`  articles: ${kbMix.rows.map((r) => `${r.k} ${r.share}%`).join(', ')}`);
    const kbSz = await c.query<{ n: number }>(`select count(*)::int as n from kb_articles group by workspace_id order by 1 desc`);
    const ks = kbSz.rows.map((r) => r.n);
    log(`  articles per workspace: largest ${ks.slice(0, 3).join(', ')}; median ${ks[Math.floor(ks.length / 2)]}; smallest ${ks.slice(-3).join(', ')}`);
  } finally {
    await db.close();
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// CLI

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      workspaces: { type: 'string' },
      clients: { type: 'string' },
      contacts: { type: 'string' },
      tickets: { type: 'string' },
      messages: { type: 'string' },
      articles: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'database-url': { type: 'string' },
      'embedded-dir': { type: 'string' },
      now: { type: 'string' },
      manifest: { type: 'string' },
      'keep-constraints': { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const num = (v: string | undefined, d: number) => {
    if (v === undefined) return d;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${v}`);
    return n;
  };
  const manifest = await generate({
    workspaces: num(values.workspaces, base.workspaces),
    clients: num(values.clients, base.clients),
    contacts: num(values.contacts, base.contacts),
    tickets: num(values.tickets, base.tickets),
    messages: num(values.messages, base.messages),
    articles: num(values.articles, base.articles),
    seed: num(values.seed, 1),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    ...(values['embedded-dir'] ? { embeddedDir: values['embedded-dir'] } : {}),
    ...(values.now ? { now: new Date(values.now) } : {}),
    ...(values.manifest ? { manifestPath: path.resolve(values.manifest) } : {}),
    keepConstraints: values['keep-constraints'],
  });
  const where = manifest.embeddedDir ? { embeddedDir: manifest.embeddedDir } : manifest.databaseUrl;
  if (values.verify && !(await verify(where, manifest))) process.exitCode = 1;
}
