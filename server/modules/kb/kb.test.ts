/**
 * Knowledge base: visibility in every read and in search itself, ranking, stemming,
 * prefixes, highlighting, sanitising, slugs, votes, deflections and statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KbSearchHit } from '../../../contracts/kb.ts';
import { injectUpload, PNG } from '../../test/multipart.ts';
import { createWorkspace, signInPortal, signInStaff, startTestApp, type Session, type TestEnv, type TestWorkspace } from '../../test/harness.ts';

let env: TestEnv;
let a: TestWorkspace;
let b: TestWorkspace;
let staff: Session;
let member0: Session; // client 0
let member1: Session; // client 1
let foreign: Session; // B's contact, on B's portal
let category: string;
const slugs: Record<string, string> = {};

const anon = (ws: TestWorkspace, path: string, method: 'GET' | 'POST' = 'GET', body?: unknown, cookie?: string) =>
  env.app.inject({
    method,
    url: `/portal/${ws.slug}/api${path}`,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
const titles = (items: { title: string }[]) => items.map((i) => i.title).sort();
const text = (hit: KbSearchHit) => hit.snippet.map((p) => p.text).join('');

async function article(title: string, markdown: string, visibility: string, extra: Record<string, unknown> = {}, publish = true) {
  const res = await staff.post('/kb/articles', { title, categoryId: category, markdown, visibility, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  if (publish) expect((await staff.post(`/kb/articles/${id}/publish`)).json().status).toBe('published');
  slugs[title] = res.json().slug;
  return id;
}

beforeAll(async () => {
  env = await startTestApp();
  a = await createWorkspace(env.db);
  b = await createWorkspace(env.db);
  staff = await signInStaff(env.app, a.agent.email);
  member0 = await signInPortal(env.app, a.slug, a.clients[0].members[0].email);
  member1 = await signInPortal(env.app, a.slug, a.clients[1].members[0].email);
  foreign = await signInPortal(env.app, b.slug, b.clients[0].members[0].email);
  category = (await staff.post('/kb/categories', { name: 'Devices', description: 'Printers and more' })).json().id;
  await article('Public zebra printer guide', 'The zebra printer needs calibration.', 'public');
  await article('Contacts zebra scanner', 'Only for signed-in people: zebra scanners.', 'contacts');
  await article('Client zebra server', 'Only client zero: zebra server restart.', 'clients', { clientIds: [a.clients[0].id] });
  await article('Internal zebra runbook', 'Staff only: zebra runbook.', 'internal');
  await article('Draft zebra notes', 'Not published: zebra notes.', 'public', {}, false);
});
afterAll(() => env.close());

describe('visibility', () => {
  it('anonymous visitors see public articles only, everywhere', async () => {
    const search = (await anon(a, '/kb/search?q=zebra')).json();
    expect(titles(search.items)).toEqual(['Public zebra printer guide']);
    expect(search.total).toBe(1);
    expect(titles((await anon(a, '/kb/suggest?q=zebra')).json().items)).toEqual(['Public zebra printer guide']);
    expect((await anon(a, '/kb')).json().categories).toMatchObject([{ name: 'Devices', articleCount: 1 }]);
    expect(titles((await anon(a, `/kb/categories/devices`)).json().articles)).toEqual(['Public zebra printer guide']);
    expect((await anon(a, `/kb/articles/${slugs['Public zebra printer guide']}`)).statusCode).toBe(200);
    for (const t of ['Contacts zebra scanner', 'Client zebra server', 'Internal zebra runbook', 'Draft zebra notes']) {
      expect((await anon(a, `/kb/articles/${slugs[t]}`)).statusCode, t).toBe(404);
    }
  });

  it('contacts see contact articles and their own client’s; never internal or drafts', async () => {
    expect(titles((await member0.get('/kb/search?q=zebra')).json().items)).toEqual([
      'Client zebra server',
      'Contacts zebra scanner',
      'Public zebra printer guide',
    ]);
    const other = (await member1.get('/kb/search?q=zebra')).json();
    expect(titles(other.items)).toEqual(['Contacts zebra scanner', 'Public zebra printer guide']);
    expect(other.total).toBe(2);
    expect(JSON.stringify(other)).not.toContain('server restart');
    expect((await member1.get(`/kb/articles/${slugs['Client zebra server']}`)).statusCode).toBe(404);
    expect((await member0.get(`/kb/articles/${slugs['Client zebra server']}`)).statusCode).toBe(200);
    for (const s of [member0, member1]) {
      expect((await s.get(`/kb/articles/${slugs['Internal zebra runbook']}`)).statusCode).toBe(404);
      expect((await s.get(`/kb/articles/${slugs['Draft zebra notes']}`)).statusCode).toBe(404);
      expect(JSON.stringify((await s.get('/kb/search?q=runbook')).json())).not.toContain('runbook');
    }
    expect((await member1.get('/kb')).json().categories).toMatchObject([{ articleCount: 2 }]);
  });

  it('another workspace’s portal knows none of them', async () => {
    expect((await foreign.get('/kb/search?q=zebra')).json()).toMatchObject({ items: [], total: 0 });
    expect((await foreign.get('/kb')).json().categories).toEqual([]);
    for (const slug of Object.values(slugs)) expect((await foreign.get(`/kb/articles/${slug}`)).statusCode).toBe(404);
    const bStaff = await signInStaff(env.app, b.admin.email);
    expect((await bStaff.get('/kb/search?q=zebra')).json().items).toEqual([]);
    expect((await bStaff.get('/kb/articles')).json().items).toEqual([]);
  });

  it('staff search finds internal articles, with the address to paste', async () => {
    const items = (await staff.get('/kb/search?q=runbook')).json().items;
    expect(items).toMatchObject([{ title: 'Internal zebra runbook', visibility: 'internal' }]);
    expect(items[0].portalUrl).toBe(`http://portico.test/portal/${a.slug}/kb/${slugs['Internal zebra runbook']}`);
  });
});

describe('search', () => {
  beforeAll(async () => {
    await article('Keyboard not responding', 'Unplug it and plug it back in.', 'public');
    await article('Monitor flickers', 'Check the cable. A wireless keyboard can also interfere with the receiver.', 'public');
    await article('Printers print blank pages', 'Printing blank pages usually means empty toner.', 'public');
  });

  it('ranks a title hit above a body hit', async () => {
    const { items } = (await anon(a, '/kb/search?q=keyboard')).json();
    expect(items.map((i: KbSearchHit) => i.title)).toEqual(['Keyboard not responding', 'Monitor flickers']);
  });

  it('understands word forms and prefixes of the last word', async () => {
    expect(titles((await anon(a, '/kb/search?q=printing')).json().items)).toContain('Printers print blank pages');
    expect(titles((await anon(a, '/kb/search?q=keyb')).json().items)).toEqual(['Keyboard not responding', 'Monitor flickers']);
    expect(titles((await anon(a, '/kb/search?q=blank%20pag')).json().items)).toEqual(['Printers print blank pages']);
    // Operators and punctuation are words or nothing, never query syntax.
    expect((await anon(a, `/kb/search?q=${encodeURIComponent("keyboard' & !(|:*")}`)).statusCode).toBe(200);
    expect((await anon(a, '/kb/search?q=%26%26%7C')).json()).toMatchObject({ items: [], total: 0 });
  });

  it('suggests from ticket prose: any of its words, the best match first', async () => {
    const { items } = (await member0.get(`/kb/suggest?q=${encodeURIComponent('My printer prints blank pages since this morning, every page is white')}`)).json();
    expect(items[0].title).toBe('Printers print blank pages');
    expect(items.length).toBeLessThanOrEqual(5);
    // The same words as a search need every one of them.
    expect((await member0.get(`/kb/search?q=${encodeURIComponent('printer blank morning')}`)).json().total).toBe(0);
  });

  it('pages results ten at a time, in rank order, with the total', async () => {
    for (let i = 0; i < 12; i++) await article(`Scanner guide part ${i}`, `How to clean the duplex scanner glass, step ${i}.`, 'public');
    const first = (await anon(a, '/kb/search?q=duplex')).json();
    expect(first).toMatchObject({ total: 12, page: 1, pageSize: 10 });
    expect(first.items).toHaveLength(10);
    const second = (await anon(a, '/kb/search?q=duplex&page=2')).json();
    expect(second.items).toHaveLength(2);
    const all = [...first.items, ...second.items].map((h: KbSearchHit) => h.title);
    expect(new Set(all).size).toBe(12);
  });

  it('highlights the matching words in a snippet, as text', async () => {
    const [hit] = (await anon(a, '/kb/search?q=toner')).json().items as KbSearchHit[];
    expect(hit!.snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(['toner']);
    expect(text(hit!)).toContain('empty toner');
  });

  it('cuts the snippet of a long article around the match, on word boundaries', async () => {
    const filler = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} explains routine maintenance steps.`).join(' ');
    await article('Laser printer service guide', `${filler} When the fuser overheats, switch the printer off. ${filler}`, 'public');
    const [hit] = (await anon(a, '/kb/search?q=fuser')).json().items as KbSearchHit[];
    expect(hit!.snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(['fuser']);
    const shown = text(hit!);
    expect(shown).toContain('When the fuser overheats');
    // Starts and ends on whole words of the article, not halves of them.
    const words = new Set(`${filler} When the fuser overheats, switch the printer off.`.split(/\s+/));
    expect(words.has(shown.trim().split(/\s+/)[0]!)).toBe(true);
    expect(words.has(shown.trim().split(/\s+/).at(-1)!)).toBe(true);
  });

  it('follows the workspace language', async () => {
    const admin = await signInStaff(env.app, a.admin.email);
    expect((await admin.patch('/settings', { kb: { language: 'simple' } })).json().kb).toEqual({ language: 'simple' });
    expect(titles((await anon(a, '/kb/search?q=printing')).json().items)).toEqual(['Printers print blank pages']); // the body's own word
    expect((await anon(a, '/kb/search?q=toners')).json().total).toBe(0); // no stemming in 'simple'
    await admin.patch('/settings', { kb: { language: 'english' } });
    expect(titles((await anon(a, '/kb/search?q=toners')).json().items)).toEqual(['Printers print blank pages']);
  });

  it('records searches that found nothing, for staff', async () => {
    await anon(a, '/kb/search?q=Fax%20machine');
    await member0.get('/kb/search?q=fax%20machine');
    const stats = (await staff.get('/kb/stats')).json();
    expect(stats.failedSearches).toContainEqual(expect.objectContaining({ query: 'fax machine', count: 2 }));
    const other = await signInStaff(env.app, b.admin.email);
    expect(JSON.stringify((await other.get('/kb/stats')).json().failedSearches)).not.toContain('fax');
  });
});

describe('articles', () => {
  it('are sanitised: no script, no handlers, no javascript: links; other sites get noopener', async () => {
    const id = await article(
      'Sanitising',
      [
        '<script>alert(1)</script>',
        '<img src="x" onerror="alert(2)">',
        '[click](javascript:alert(3)) [data](data:text/html,hi)',
        '[elsewhere](https://evil.example/x) [here](/portal/x/kb/other) [mail](mailto:help@example.com)',
        '<a href="https://evil.example" onclick="alert(4)" target="_self">raw</a>',
        '<iframe src="https://evil.example"></iframe><style>body{}</style>',
      ].join('\n\n'),
      'public',
    );
    const { html } = (await staff.get(`/kb/articles/${id}`)).json();
    for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', 'data:text', '<iframe', '<style', 'alert(1)']) expect(html).not.toContain(bad);
    expect(html).toContain('<a href="https://evil.example/x" rel="noopener noreferrer" target="_blank">elsewhere</a>');
    expect(html).toContain('<a href="/portal/x/kb/other">here</a>');
    expect(html).toContain('href="mailto:help@example.com"');
    // An image from another site cannot load under the portal's CSP: it becomes a link.
    const ext = (await staff.post('/kb/preview', { markdown: '![diagram](https://cdn.example/d.png)' })).json().html;
    expect(ext).toBe('<p><a href="https://cdn.example/d.png" rel="noopener noreferrer" target="_blank">diagram</a></p>');
    const preview = (await staff.post('/kb/preview', { markdown: '**bold** <script>x</script>' })).json();
    expect(preview.html).toBe('<p><strong>bold</strong> </p>');
  });

  it('keep their old addresses when renamed', async () => {
    const id = await article('Old name of an article', 'Body', 'public');
    const old = slugs['Old name of an article']!;
    const renamed = (await staff.patch(`/kb/articles/${id}`, { title: 'New name of an article', categoryId: category, markdown: 'Body', visibility: 'public' })).json();
    expect(renamed.slug).toBe('new-name-of-an-article');
    expect((await anon(a, `/kb/articles/${old}`)).json()).toEqual({ movedTo: 'new-name-of-an-article' });
    expect((await anon(a, '/kb/articles/new-name-of-an-article')).json().article.title).toBe('New name of an article');
    // Another article with the same title gets its own slug; the old one stays taken.
    const twin = await staff.post('/kb/articles', { title: 'Old name of an article', categoryId: category, markdown: 'x', visibility: 'public' });
    expect(twin.json().slug).toBe('old-name-of-an-article-2');
    // The portal's own KB addresses are never article slugs; a malformed slug is not found.
    expect((await staff.post('/kb/articles', { title: 'Search', categoryId: category, markdown: 'x', visibility: 'public' })).json().slug).toBe('search-2');
    expect((await anon(a, '/kb/articles/Not_A_Slug')).statusCode).toBe(404);
  });

  it('take one vote per person or browser, and count deflections and views', async () => {
    const slug = slugs['Contacts zebra scanner']!;
    const id = (await member0.get(`/kb/articles/${slug}`)).json().article.id as string;
    expect((await member0.post(`/kb/articles/${slug}/vote`, { helpful: true })).json()).toMatchObject({ myVote: 'helpful', helpful: 1 });
    expect((await member0.post(`/kb/articles/${slug}/vote`, { helpful: true })).json()).toMatchObject({ helpful: 1, notHelpful: 0 });
    expect((await member1.post(`/kb/articles/${slug}/vote`, { helpful: false })).json()).toMatchObject({ helpful: 1, notHelpful: 1 });
    expect((await member0.get(`/kb/articles/${slug}`)).json().myVote).toBe('helpful');
    // A visitor: one vote per browser cookie.
    const pub = slugs['Public zebra printer guide']!;
    const first = await anon(a, `/kb/articles/${pub}/vote`, 'POST', { helpful: true });
    const cookie = `kbv=${first.cookies.find((c) => c.name === 'kbv')!.value}`;
    await anon(a, `/kb/articles/${pub}/vote`, 'POST', { helpful: false }, cookie);
    expect((await anon(a, `/kb/articles/${pub}`, 'GET', undefined, cookie)).json().myVote).toBe('not_helpful');
    expect((await anon(a, `/kb/articles/${pub}/vote`, 'POST', { helpful: true })).json()).toMatchObject({ helpful: 1, notHelpful: 1 });
    // Votes on an article one may not see: not found.
    expect((await anon(a, `/kb/articles/${slug}/vote`, 'POST', { helpful: true })).statusCode).toBe(404);
    expect((await foreign.post(`/kb/articles/${slug}/vote`, { helpful: true })).statusCode).toBe(404);

    expect((await member0.post('/kb/deflections', { articleId: id, query: 'scanner broken' })).statusCode).toBe(204);
    expect((await member1.post('/kb/deflections', { articleId: (await staff.get(`/kb/articles?q=Client`)).json().items[0].id })).statusCode).toBe(404);
    const stats = (await staff.get('/kb/stats')).json();
    expect(stats.articles.find((x: { id: string }) => x.id === id)).toMatchObject({ helpful: 1, notHelpful: 1, deflections: 1, views: 2 });
  });

  it('refuse bad input with field errors and change nothing', async () => {
    const res = await staff.post('/kb/articles', { title: '', categoryId: 'nope', visibility: 'clients', clientIds: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['categoryId', 'clientIds', 'title']);
    const foreignCategory = await staff.post('/kb/articles', { title: 'x', categoryId: '00000000-0000-4000-8000-000000000000', visibility: 'public' });
    expect(foreignCategory.json().error.fields).toEqual([{ field: 'categoryId', message: 'No such category' }]);
    const foreignClient = await staff.post('/kb/articles', { title: 'x', categoryId: category, visibility: 'clients', clientIds: [b.clients[0].id] });
    expect(foreignClient.json().error.fields).toEqual([{ field: 'clientIds', message: 'No such client' }]);
    expect((await staff.request('DELETE', `/kb/categories/${category}`)).json().error.code).toBe('kb_category_not_empty');
  });

  it('show uploaded images to those who may read them, and only images', async () => {
    const up = async (s: Session, name: string, data: Buffer, type?: string) =>
      (await injectUpload(s, [{ name, data, ...(type ? { type } : {}) }])).json().items[0].id as string;
    const img = await up(staff, 'screen.png', PNG, 'image/png');
    const id = await article('With a picture', `Look:\n\n![The screen](kb-file:${img})`, 'public');
    const page = (await anon(a, `/kb/articles/${slugs['With a picture']}`)).json();
    expect(page.article.html).toContain(`<img src="/portal/${a.slug}/api/kb/files/${img}?inline=1" alt="The screen" />`);
    const file = await anon(a, `/kb/files/${img}?inline=1`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toMatch(/^inline/);
    // Staff preview shows it from the staff app's own address.
    expect((await staff.post('/kb/preview', { markdown: `![x](kb-file:${img})` })).json().html).toContain(`/staff/api/attachments/${img}?inline=1`);
    // Saving again keeps it; other workspaces and hidden articles do not serve it.
    expect((await staff.patch(`/kb/articles/${id}`, { title: 'With a picture', categoryId: category, markdown: `![x](kb-file:${img})`, visibility: 'internal' })).statusCode).toBe(200);
    expect((await anon(a, `/kb/files/${img}?inline=1`)).statusCode).toBe(404);
    expect((await member0.get(`/kb/files/${img}?inline=1`)).statusCode).toBe(404);
    expect((await anon(b, `/kb/files/${img}?inline=1`)).statusCode).toBe(404);
    // Not an image, or someone else's upload: the save fails and changes nothing.
    const pdf = await up(staff, 'doc.pdf', Buffer.from('%PDF-1.4 x'));
    const admin = await signInStaff(env.app, a.admin.email);
    const theirs = await up(admin, 'theirs.png', PNG, 'image/png');
    for (const bad of [pdf, theirs]) {
      const res = await staff.patch(`/kb/articles/${id}`, { title: 'Changed', categoryId: category, markdown: `![x](kb-file:${bad})`, visibility: 'public' });
      expect(res.json().error.fields[0].field).toBe('markdown');
    }
    expect((await staff.get(`/kb/articles/${id}`)).json()).toMatchObject({ title: 'With a picture', visibility: 'internal' });
  });

  it('refuse to save over a newer save, and can be deleted', async () => {
    const id = await article('Edited twice', 'First', 'public');
    const loaded = (await staff.get(`/kb/articles/${id}`)).json();
    const body = { title: 'Edited twice', categoryId: category, markdown: 'Mine', visibility: 'public', expectedUpdatedAt: loaded.updatedAt };
    const first = await staff.patch(`/kb/articles/${id}`, body);
    expect(first.statusCode).toBe(200);
    const second = await staff.patch(`/kb/articles/${id}`, { ...body, markdown: 'Theirs' });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('kb_article_changed');
    expect((await staff.get(`/kb/articles/${id}`)).json().markdown).toBe('Mine');
    expect((await staff.patch(`/kb/articles/${id}`, { ...body, expectedUpdatedAt: first.json().updatedAt, markdown: 'Next' })).statusCode).toBe(200);

    const bStaff = await signInStaff(env.app, b.admin.email);
    expect((await bStaff.request('DELETE', `/kb/articles/${id}`)).statusCode).toBe(404);
    expect((await staff.request('DELETE', `/kb/articles/${id}`)).statusCode).toBe(204);
    expect((await anon(a, `/kb/articles/${slugs['Edited twice']}`)).statusCode).toBe(404);
    expect((await staff.get(`/kb/articles/${id}`)).statusCode).toBe(404);
  });
});
