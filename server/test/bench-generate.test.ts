/**
 * The bench data generator (bench/generate.ts) at a tiny size: into an embedded database
 * directory (PGlite) and, with TEST_DATABASE_URL, into fresh PostgreSQL databases on that
 * server. Each data set passes verify(), has the requested sizes, is the same for the same
 * seed (on both targets and in both load modes), and is usable by the application itself
 * once the generator has closed it: its sessions resolve, the KB search finds what the
 * manifest says, and the articles hold what the application would have written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, verify, type Manifest } from '../../bench/generate.ts';
import { dropDatabase, freshDatabase } from '../../bench/lib.ts';
import { reindexWorkspace } from '../modules/kb/articles.ts';
import { renderMarkdown } from '../modules/kb/render.ts';
import { searchArticles } from '../modules/kb/search.ts';
import { hashToken } from '../platform/auth/tokens.ts';
import { openPglite, openPostgres, type Db } from '../platform/db/db.ts';

const DB_URL = process.env.TEST_DATABASE_URL;

const SIZES = { workspaces: 3, clients: 6, contacts: 30, tickets: 300, messages: 1_500, articles: 40 };
const BASE = { ...SIZES, seed: 7, now: new Date('2026-01-01T00:00:00.000Z'), manifestPath: null, log: () => undefined };

/** Rows of every generated table as text, digested (sessions without expires_at, which follows the clock). */
const TABLES = ['workspaces', 'staff', 'clients', 'contacts', 'tickets', 'ticket_messages', 'ticket_cc', 'kb_categories', 'kb_slugs', 'kb_article_clients'];

async function digest(db: Db): Promise<Record<string, string>> {
  return db.tx(async (tx) => {
    await tx.query(`set local timezone to 'UTC'`);
    const out: Record<string, string> = {};
    for (const table of TABLES) {
      const [row] = await tx.query<{ md5: string }>(`select md5(string_agg(t::text, E'\\n' order by t::text)) as md5 from ${table} t`);
      out[table] = row!.md5;
    }
    // Search vectors apart: they are the server's own stemming (PGlite 0.5.16 is PostgreSQL 18,
    // whose English stemmer differs in places from PostgreSQL 15's).
    const [a] = await tx.query<{ md5: string }>(
      `select md5(string_agg((to_jsonb(a) - 'search')::text, E'\\n' order by a.id)) as md5 from kb_articles a`);
    out.kb_articles = a!.md5;
    const [v] = await tx.query<{ md5: string }>(`select md5(string_agg(search::text, E'\\n' order by id)) as md5 from kb_articles`);
    out.kb_search = v!.md5;
    const [s] = await tx.query<{ md5: string }>(
      `select md5(string_agg(x::text, E'\\n' order by x::text)) as md5
         from (select id, token_hash, workspace_id, surface, contact_id, staff_id, csrf_token, created_at, stage from sessions) x`);
    out.sessions = s!.md5;
    return out;
  });
}

function expectSizes(m: Manifest) {
  expect(m.counts).toMatchObject({
    workspaces: SIZES.workspaces,
    clients: SIZES.clients,
    contacts: SIZES.contacts,
    tickets: SIZES.tickets,
    ticket_messages: SIZES.messages,
    kb_articles: SIZES.articles,
    kb_slugs: SIZES.articles,
  });
  expect(m.counts.kb_categories).toBeGreaterThanOrEqual(3 * SIZES.workspaces);
  expect(m.counts.sessions).toBe(SIZES.workspaces + 4);
  expect(m.workspaces.reduce((a, w) => a + w.tickets, 0)).toBe(SIZES.tickets);
}

/** The manifest without what differs from run to run or place to place. */
const stable = (m: Manifest) => ({ ...m, generatedAt: undefined, seconds: undefined, databaseUrl: undefined, embeddedDir: undefined, target: undefined });

/** The data set as the application sees it, through its own functions. */
async function checkWithTheApp(db: Db, m: Manifest) {
  for (const [table, n] of Object.entries(m.counts)) {
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    expect(row!.n, table).toBe(n);
  }
  for (const w of [m.big, m.small]) {
    // Sessions: looked up as the application does, by the token's hash.
    const [member] = await db.query<{ contact_id: string; workspace_id: string; surface: string }>(
      `select contact_id, workspace_id, surface from sessions where token_hash = $1 and stage = 'active' and expires_at > now()`,
      [hashToken(w.member.token)],
    );
    expect(member).toEqual({ contact_id: w.member.id, workspace_id: w.id, surface: 'portal' });
    const [staff] = await db.query<{ staff_id: string }>(`select staff_id from sessions where token_hash = $1`, [hashToken(w.staff.token)]);
    expect(staff?.staff_id).toBe(w.staff.id);

    // The portal's KB search, as the member.
    expect(w.kb.visibleHits).toBeGreaterThanOrEqual(10);
    const { rows, total } = await searchArticles(db, w.id, 'english', { type: 'contact', clientId: w.member.clientId }, w.kb.query, 50);
    expect(total).toBe(w.kb.visibleHits);
    expect(rows.length).toBe(Math.min(50, total));
    expect(rows.every((r) => r.visibility !== 'internal')).toBe(true);

    // The application's own re-indexing changes no search vector.
    const vectors = () =>
      db.query<{ md5: string }>(`select md5(string_agg(search::text, ' ' order by id)) as md5 from kb_articles where workspace_id = $1`, [w.id]);
    const before = await vectors();
    await db.tx((tx) => reindexWorkspace(tx, w.id));
    expect(await vectors()).toEqual(before);
  }
  // HTML and text are the application's rendering of the Markdown.
  const articles = await db.query<{ markdown: string; html: string; body_text: string }>(
    'select markdown, html, body_text from kb_articles order by id limit 25');
  for (const a of articles) expect({ html: a.html, text: a.body_text }).toEqual(renderMarkdown(a.markdown, 'http://localhost'));
}

const digests: { pglite?: Record<string, string> } = {};

describe('bench generator into an embedded database (PGlite)', () => {
  let root: string;
  let manifest: Manifest;
  const dirA = () => path.join(root, 'a');

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'portico-gen-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads the requested sizes, and verify() passes', async () => {
    manifest = await generate({ ...BASE, embeddedDir: dirA() });
    expect(manifest.target).toBe('pglite');
    expect(manifest.embeddedDir).toBe(dirA());
    expectSizes(manifest);
    const lines: string[] = [];
    const ok = await verify({ embeddedDir: dirA() }, manifest, (l) => lines.push(l));
    expect(ok, lines.join('\n')).toBe(true);
  }, 60_000);

  it('once closed, the directory opens with the application: sessions resolve, the KB search finds the manifest\'s hits', async () => {
    const db = await openPglite(dirA());
    try {
      digests.pglite = await digest(db);
      await checkWithTheApp(db, manifest);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('the same seed gives the same rows and manifest', async () => {
    const again = await generate({ ...BASE, embeddedDir: path.join(root, 'b') });
    expect(stable(again)).toEqual(stable(manifest));
    const db = await openPglite(path.join(root, 'b'));
    try {
      expect(await digest(db)).toEqual(digests.pglite);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('refuses a directory that is not empty', async () => {
    await expect(generate({ ...BASE, embeddedDir: dirA() })).rejects.toThrow(/not empty/);
  });
});

describe.runIf(DB_URL)('bench generator into PostgreSQL', () => {
  const names = [`portico_gen_test_${process.pid}_a`, `portico_gen_test_${process.pid}_b`];
  const urlOf = (name: string) => {
    const u = new URL(DB_URL!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  let manifest: Manifest;
  let pgDigest: Record<string, string>;

  beforeAll(async () => {
    for (const name of names) await freshDatabase(name, DB_URL);
  });
  afterAll(async () => {
    for (const name of names) await dropDatabase(name, DB_URL);
  });

  it('drops and restores the keys around the load: sizes, verify(), and the application\'s view', async () => {
    manifest = await generate({ ...BASE, databaseUrl: urlOf(names[0]!) });
    expect(manifest.target).toBe('postgres');
    expectSizes(manifest);
    const lines: string[] = [];
    expect(await verify(urlOf(names[0]!), manifest, (l) => lines.push(l)), lines.join('\n')).toBe(true);
    const db = await openPostgres(urlOf(names[0]!), 1);
    try {
      pgDigest = await digest(db);
      await checkWithTheApp(db, manifest);
    } finally {
      await db.close();
    }
    // The same rows as in the embedded database (but for the search vectors: see digest()).
    if (digests.pglite) expect({ ...pgDigest, kb_search: undefined }).toEqual({ ...digests.pglite, kb_search: undefined });
  }, 60_000);

  it('loading with the keys in place gives the same rows', async () => {
    const again = await generate({ ...BASE, databaseUrl: urlOf(names[1]!), keepConstraints: true });
    expect(stable(again)).toEqual(stable(manifest));
    const db = await openPostgres(urlOf(names[1]!), 1);
    try {
      expect(await digest(db)).toEqual(pgDigest);
    } finally {
      await db.close();
    }
  }, 60_000);
});
