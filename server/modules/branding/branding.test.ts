import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, signInPortal, signInStaff, startTestApp, type TestEnv } from '../../test/harness.ts';
import { injectUpload, PNG } from '../../test/multipart.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestApp();
});
afterAll(() => env.close());

const page = (path: string, cookie?: string) => env.app.inject({ method: 'GET', url: path, headers: cookie ? { cookie } : {} });

/** The portal's own stylesheets as a page links them, fetched the way the browser would. */
async function pageStyles(slug: string, path = '/', cookie?: string) {
  const html = (await page(`/portal/${slug}${path}`, cookie)).body;
  const href = (id: string) => html.match(new RegExp(`<link rel="stylesheet" id="${id}" href="([^"]+)"([^>]*)>`));
  const colors = href('brand-colors');
  const custom = href('brand-custom');
  return {
    html,
    title: html.match(/<title>([^<]*)<\/title>/)![1],
    colors: colors ? (await page(colors[1]!.replaceAll('&amp;', '&'), cookie)).body : null,
    custom: custom ? { css: (await page(custom[1]!.replaceAll('&amp;', '&'), cookie)).body, disabled: custom[2]!.includes('disabled') } : null,
  };
}

describe('branding: workspace → client inheritance', () => {
  it('contacts see their client’s branding over the workspace’s; anyone else sees the workspace’s', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const [a, b] = ws.clients;

    const wsLevel = await admin.patch('/branding', {
      portalName: 'Brightline Support',
      primaryColor: '#0B5FFF',
      accentColor: '#0f766e',
      customCss: '.site-header { border-top-width: 6px; }',
    });
    expect(wsLevel.statusCode).toBe(200);
    expect(wsLevel.json().values).toMatchObject({ portalName: 'Brightline Support', primaryColor: '#0b5fff', customCss: '.site-header { border-top-width: 6px; }' });

    const clientLevel = await admin.patch(`/clients/${a.id}/branding`, { portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c' });
    expect(clientLevel.statusCode).toBe(200);
    expect(clientLevel.json()).toMatchObject({
      scope: { type: 'client', clientId: a.id, clientName: a.name },
      values: { portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c', accentColor: null, customCss: null },
      inherited: { portalName: 'Brightline Support', primaryColor: '#0b5fff', customCss: true },
      effective: { portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c', accentColor: '#0f766e' },
    });

    // Before sign-in: the workspace's.
    const anonymous = await pageStyles(ws.slug);
    expect(anonymous.title).toBe('Brightline Support');
    expect(anonymous.colors).toContain('--brand-primary:#0b5fff');
    expect(anonymous.custom?.css).toBe('.site-header { border-top-width: 6px; }');

    // Client A's contact: A's name and colour, the workspace's accent and CSS.
    const alice = await signInPortal(env.app, ws.slug, a.members[0].email);
    const boot = (await alice.get('/bootstrap')).json();
    expect(boot.workspace.name).toBe('Harbor Dental IT');
    expect(boot.workspace.branding).toMatchObject({ portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c', accentColor: '#0f766e' });
    const seenByA = await pageStyles(ws.slug, '/', alice.cookie);
    expect(seenByA.title).toBe('Harbor Dental IT');
    expect(seenByA.colors).toContain('--brand-primary:#7a1f5c');
    expect(seenByA.colors).toContain('--brand-accent:#0f766e');

    // Client B's contact: the workspace's.
    const bob = await signInPortal(env.app, ws.slug, b.members[0].email);
    expect((await bob.get('/bootstrap')).json().workspace.name).toBe('Brightline Support');
    expect((await pageStyles(ws.slug, '/', bob.cookie)).colors).toContain('--brand-primary:#0b5fff');

    // Clearing the client's values makes it inherit again.
    const cleared = await admin.patch(`/clients/${a.id}/branding`, { portalName: '', primaryColor: null });
    expect(cleared.json().effective).toMatchObject({ portalName: 'Brightline Support', primaryColor: '#0b5fff' });
    expect((await alice.get('/bootstrap')).json().workspace.name).toBe('Brightline Support');
  });

  it('without any branding a portal uses the workspace’s name and the default colours', async () => {
    const ws = await createWorkspace(env.db);
    const styles = await pageStyles(ws.slug);
    expect(styles.title).toBe(ws.name);
    expect(styles.colors).toBe(':root{--brand-primary:#1f5fbf;--brand-primary-contrast:#ffffff;--brand-accent:#0f766e}\n');
    expect(styles.custom).toBeNull();
    // The favicon is drawn from the name's initial on the primary colour.
    const icon = styles.html.match(/<link rel="icon" id="brand-icon" href="([^"]+)">/)![1]!.replaceAll('&amp;', '&');
    const svg = await page(icon);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.body).toContain('fill="#1f5fbf"');
    expect(svg.body).toContain(`>${ws.name[0]!.toUpperCase()}</text>`);
  });

  it('a stylesheet’s address changes with its content, so it can be cached for good', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const before = (await admin.get('/branding')).json().effective.stylesheetUrl;
    await admin.patch('/branding', { primaryColor: '#123456' });
    const after = (await admin.get('/branding')).json().effective.stylesheetUrl;
    expect(after).not.toBe(before);
    const res = await page(after);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('warns about colour pairs that fail WCAG AA, without refusing them', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const res = await admin.patch('/branding', { primaryColor: '#ffd60a', accentColor: '#9ad1ff' });
    expect(res.statusCode).toBe(200);
    const warnings = res.json().warnings as { pair: string; ratio: number }[];
    expect(warnings.map((w) => w.pair).sort()).toEqual(['accent', 'links']);
    expect(warnings.every((w) => w.ratio < 4.5)).toBe(true);
    // Dark text is chosen on a light primary, so its buttons pass.
    expect(res.json().effective.primaryContrast).toBe('#111827');
    const fine = await admin.patch('/branding', { primaryColor: '#1f5fbf', accentColor: '#0f766e' });
    expect(fine.json().warnings).toEqual([]);
  });
});

describe('branding: custom CSS', () => {
  it('refuses unsafe CSS with the problems listed and keeps what was saved', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    await admin.patch('/branding', { customCss: 'a { color: #123456; }', portalName: 'Kept' });
    for (const css of [
      '@import url(https://evil.example/x.css);',
      'body { background: url(https://evil.example/x.png); }',
      '</style><script>alert(1)</script>',
      'input[type=password][value^="a"] { background: url(/x?a); }',
    ]) {
      const res = await admin.patch('/branding', { customCss: css, portalName: 'Changed' });
      expect(res.statusCode, css).toBe(400);
      expect(res.json().error.code).toBe('branding_css_invalid');
      expect(res.json().error.details.problems.length, css).toBeGreaterThan(0);
      expect(res.json().error.details.problems[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number), message: expect.any(String) });
    }
    const level = (await admin.get('/branding')).json();
    expect(level.values).toMatchObject({ customCss: 'a { color: #123456; }', portalName: 'Kept' });
  });

  it('is left off the pages where passwords and second factors are set', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    await admin.patch('/branding', { customCss: '.card { border-radius: 0; }' });
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    expect((await pageStyles(ws.slug, '/', contact.cookie)).custom?.disabled).toBe(false);
    for (const path of ['/account', '/reset/abc', '/welcome/abc', '/register']) {
      const styles = await pageStyles(ws.slug, path, contact.cookie);
      expect(styles.custom?.disabled, path).toBe(true);
      expect(styles.colors, path).toContain('--brand-primary'); // colours still apply
    }
  });
});

describe('branding: logo and favicon', () => {
  const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');

  it('a checked logo shows for the level’s audience; replacing it retires the old address', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const [a] = ws.clients;
    const up = await injectUpload(admin, [{ name: 'logo.txt', data: PNG, type: 'text/plain' }], { method: 'PUT', path: `/clients/${a.id}/branding/logo` });
    expect(up.statusCode, up.body).toBe(200);
    const logo = up.json().values.logo;
    expect(logo).toMatchObject({ contentType: 'image/png', bytes: PNG.length });
    expect(up.json().effective.logoUrl).toBe(logo.url);

    const img = await page(logo.url);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    expect(img.rawPayload.equals(PNG)).toBe(true);

    const contact = await signInPortal(env.app, ws.slug, a.members[0].email);
    expect((await contact.get('/bootstrap')).json().workspace.branding.logoUrl).toBe(logo.url);
    // The workspace's own level (and so the anonymous sign-in page) has no logo.
    expect((await admin.get('/branding')).json().effective.logoUrl).toBeNull();

    const again = await injectUpload(admin, [{ name: 'logo.png', data: PNG }], { method: 'PUT', path: `/clients/${a.id}/branding/logo` });
    expect(again.json().values.logo.url).not.toBe(logo.url);
    expect((await page(logo.url)).statusCode).toBe(404);

    const removed = await admin.request('DELETE', `/clients/${a.id}/branding/logo`);
    expect(removed.json().values.logo).toBeNull();
    expect((await page(again.json().values.logo.url)).statusCode).toBe(404);
  });

  it('refuses a file that is not an image, whatever its name, and changes nothing', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    await injectUpload(admin, [{ name: 'icon.png', data: PNG }], { method: 'PUT', path: '/branding/favicon' });
    const res = await injectUpload(admin, [{ name: 'logo.png', data: HTML, type: 'image/png' }], { method: 'PUT', path: '/branding/favicon' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('branding_image_invalid');
    const level = (await admin.get('/branding')).json();
    expect(level.values.favicon).toMatchObject({ contentType: 'image/png' });
    const html = (await page(`/portal/${ws.slug}/`)).body;
    expect(html).toContain(`<link rel="icon" id="brand-icon" href="${level.values.favicon.url}">`);
  });
});

describe('branding: who may', () => {
  it('only admins change branding; another workspace’s client is not found', async () => {
    const ws = await createWorkspace(env.db);
    const other = await createWorkspace(env.db);
    const agent = await signInStaff(env.app, ws.agent.email);
    expect((await agent.patch('/branding', { portalName: 'Nope' })).statusCode).toBe(403);
    expect((await agent.get('/branding')).statusCode).toBe(403);

    const otherAdmin = await signInStaff(env.app, other.admin.email);
    const foreign = ws.clients[0].id;
    expect((await otherAdmin.get(`/clients/${foreign}/branding`)).statusCode).toBe(404);
    expect((await otherAdmin.patch(`/clients/${foreign}/branding`, { portalName: 'Taken over' })).statusCode).toBe(404);
    expect((await injectUpload(otherAdmin, [{ name: 'l.png', data: PNG }], { method: 'PUT', path: `/clients/${foreign}/branding/logo` })).statusCode).toBe(404);
    expect((await otherAdmin.post('/branding/previews', { clientId: foreign, portalName: 'x' })).statusCode).toBe(404);

    // Images are served only under their own workspace's portal.
    const admin = await signInStaff(env.app, ws.admin.email);
    const url = (await injectUpload(admin, [{ name: 'l.png', data: PNG }], { method: 'PUT', path: '/branding/logo' })).json().values.logo.url as string;
    expect((await page(url.replace(ws.slug, other.slug))).statusCode).toBe(404);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    expect((await contact.get('/bootstrap')).json().workspace.name).toBe(ws.name);
  });
});

describe('branding: preview', () => {
  it('shows unsaved changes in a frame only the staff app may embed, and saves nothing', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    await admin.patch('/branding', { portalName: 'Saved name', primaryColor: '#1f5fbf' });
    const res = await admin.post('/branding/previews', { portalName: 'Draft name', primaryColor: '#aa3300', customCss: '.brand { letter-spacing: 1px; }' });
    expect(res.statusCode).toBe(201);
    const { url } = res.json();
    const frame = await admin.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(frame.headers['content-security-policy']).not.toContain('script-src');
    expect(frame.body).toContain('<title>Draft name</title>');
    expect(frame.body).not.toMatch(/<script/i);
    const colors = await admin.app.inject({ method: 'GET', url: `${url}/colors.css`, headers: { cookie: admin.cookie } });
    expect(colors.body).toContain('--brand-primary:#aa3300');
    const custom = await admin.app.inject({ method: 'GET', url: `${url}/custom.css`, headers: { cookie: admin.cookie } });
    expect(custom.body).toContain('letter-spacing');

    expect((await admin.get('/branding')).json().values).toMatchObject({ portalName: 'Saved name', primaryColor: '#1f5fbf' });
    // A bad stylesheet is refused in a preview as in a save; without a staff session there is no frame.
    expect((await admin.post('/branding/previews', { customCss: '@import "x.css";' })).json().error.code).toBe('branding_css_invalid');
    expect((await env.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const otherAdmin = await signInStaff(env.app, (await createWorkspace(env.db)).admin.email);
    expect((await env.app.inject({ method: 'GET', url, headers: { cookie: otherAdmin.cookie } })).statusCode).toBe(404);
  });
});

describe('portal pages carry no product brand', () => {
  it('title, head and the not-found answers name only the portal', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    await admin.patch('/branding', { portalName: 'Acme Help' });
    const home = await page(`/portal/${ws.slug}/`);
    expect(home.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    for (const res of [home, await page(`/portal/${ws.slug}/no/such/page`), await page('/portal/no-such-portal/'), await page('/nothing-here')]) {
      expect(res.body).not.toMatch(/portico/i);
      expect(JSON.stringify(res.headers)).not.toMatch(/portico/i);
    }
    expect((await page('/portal/no-such-portal/')).statusCode).toBe(404);
  });
});
