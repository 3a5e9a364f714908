/**
 * A deterministic data set for benches: many tenants of very different sizes, loaded into
 * PostgreSQL with COPY. Workspaces, clients, contacts and tickets follow a Zipf-like skew
 * (workspace i weighs 1/(i+1)^1.1; a workspace's clients and a client's contacts the same),
 * so a few tenants are big and most are small. Tickets arrive over the last two years (more
 * of them lately), are numbered 1..n per workspace in time order, and carry threads of public
 * replies, internal notes and the status changes the application itself would have written.
 *
 * The same parameters and seed give the same rows: every random choice comes from seeded
 * PRNGs and every id is derived from (seed, kind, index), so foreign keys are written without
 * reading anything back, and nothing larger than the directory (ids of clients, contacts and
 * staff) is held in memory: tickets, messages and CCs are generated on the fly and streamed
 * to three COPY connections at once.
 *
 * By default the foreign keys, primary/unique keys and indexes of the loaded tables are
 * dropped before the load and re-created afterwards (exactly as they were, from the
 * catalog), which validates every key and reference in bulk; `--keep-constraints` loads
 * with everything in place instead (slower; tickets then go in before their messages).
 * Then it creates known sessions, runs ANALYZE and writes bench/results/dataset.json.
 *
 *   npm run bench:generate -- --quick                 (a few seconds; database portico_bench, created fresh)
 *   npm run bench:generate                            (full size: 200 workspaces … 5,000,000 messages, about a minute)
 *   npm run bench:generate -- --workspaces 200 --clients 1000 --contacts 20000 --tickets 200000 --messages 1000000
 *   npm run bench:generate -- --database-url postgres://… --seed 7 --verify
 */
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { hash as argon2 } from '@node-rs/argon2';
import { checkPassword } from '../server/platform/auth/passwords.ts';
import { hashToken } from '../server/platform/auth/tokens.ts';
import { openPostgres } from '../server/platform/db/db.ts';
import { migrate } from '../server/platform/db/migrate.ts';
import { freshDatabase } from './lib.ts';

// ---------------------------------------------------------------------------------------------
// Options

export type Sizes = { workspaces: number; clients: number; contacts: number; tickets: number; messages: number };

export const FULL: Sizes = { workspaces: 200, clients: 5_000, contacts: 100_000, tickets: 1_000_000, messages: 5_000_000 };
export const QUICK: Sizes = { workspaces: 20, clients: 200, contacts: 4_000, tickets: 20_000, messages: 100_000 };

export type GenerateOptions = Partial<Sizes> & {
  /** Default 1. */
  seed?: number;
  /** Load into this (migrated or empty) database; default: a fresh `portico_bench` on 127.0.0.1. */
  databaseUrl?: string;
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

/** One COPY … FROM STDIN (text format) on its own connection, fed whole lines, with backpressure. */
class CopySink {
  rows = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private waiting: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly stream: CopyStreamQuery;
  private readonly done: Promise<void>;

  constructor(client: pg.Client, readonly table: string, columns: string, freeze: boolean) {
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
  const order: string[] = ['ticket_messages', 'tickets', 'contacts', 'ticket_cc', 'clients', 'staff', 'sessions', 'workspaces'];
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
};
export type Manifest = {
  generatedAt: string;
  seed: number;
  sizes: Sizes;
  now: string;
  databaseUrl: string;
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
  };
  if (sizes.workspaces < 1 || sizes.clients < sizes.workspaces) throw new Error('need at least one client per workspace');
  const seed = opts.seed ?? 1;
  const nowDate = opts.now ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const now = nowDate.getTime();
  const keep = opts.keepConstraints ?? false;
  const tStart = performance.now();
  const seconds: Record<string, number> = {};

  const url = opts.databaseUrl ?? (await freshDatabase(DEFAULT_DB));
  log(`database ${url.replace(/:[^:@/]*@/, ':***@')}; seed ${seed}; now ${nowDate.toISOString()}`);
  log(`sizes: ${Object.entries(sizes).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ')}`);

  let t = performance.now();
  const db = await openPostgres(url, 2);
  try {
    await migrate(db);
    const [busy] = await db.query<{ n: number }>('select (select count(*) from workspaces)::int as n');
    if (busy!.n > 0) throw new Error(`${url} already holds workspaces; generate into an empty database`);
  } finally {
    await db.close();
  }
  seconds.migrate = (performance.now() - t) / 1000;

  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('set synchronous_commit = off');
    return c;
  };
  const clients = [await connect(), await connect(), await connect()] as const;
  const main = clients[0];
  try {
    let deferred: Deferred | null = null;
    if (!keep) {
      t = performance.now();
      deferred = await dropKeysAndIndexes(main);
      log(`dropped ${deferred.fks.length} foreign keys, ${deferred.keys.length} keys, ${deferred.indexes.length} indexes for the load (${secs(t)})`);
    }

    /** COPY into `table` inside a transaction that truncates it first, so COPY can FREEZE. */
    const begin = async (c: pg.Client, table: Table) => {
      await c.query('begin');
      if (!keep) await c.query(`truncate ${table}`);
      return new CopySink(c, table, COLUMNS[table], !keep);
    };
    const commit = async (c: pg.Client, sink: CopySink, t0: number) => {
      await sink.end();
      await c.query('commit');
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
    const planned = { clients: dir.clientIds.length, contacts: dir.contactIds.length, tickets: dir.ws.reduce((a, w) => a + w.tickets, 0) };
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
    t = performance.now();
    await main.query('analyze');
    seconds.analyze = (performance.now() - t) / 1000;
    log(`analyze in ${secs(t)}`);

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
      };
    };
    const bigInfo = await describe(big, 0);
    const manifest: Manifest = {
      generatedAt: new Date().toISOString(),
      seed,
      sizes,
      now: nowDate.toISOString(),
      databaseUrl: url,
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
    if (!keep) log(`failed: ${url} may be left half-loaded and without its keys and indexes; generate into a fresh database`);
    throw err;
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

// ---------------------------------------------------------------------------------------------
// verify(): the rules the schema cannot state, checked with SQL

export async function verify(url: string, manifest: Manifest, log: (s: string) => void = console.log): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
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
  } finally {
    await c.end();
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
      seed: { type: 'string', default: '1' },
      'database-url': { type: 'string' },
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
    seed: num(values.seed, 1),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    ...(values.now ? { now: new Date(values.now) } : {}),
    ...(values.manifest ? { manifestPath: path.resolve(values.manifest) } : {}),
    keepConstraints: values['keep-constraints'],
  });
  if (values.verify && !(await verify(manifest.databaseUrl, manifest))) process.exitCode = 1;
}
