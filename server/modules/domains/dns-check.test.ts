import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { startDns, type TestDns } from '../../test/dns-server.ts';
import { freePort } from '../../test/smtp.ts';
import { checkDomainDns, normaliseHostname } from './dns-check.ts';

const TARGET = 'portal.provider.example';
let dns: TestDns;
const check = (hostname: string, timeoutMs = 2000) => checkDomainDns(hostname, TARGET, { servers: dns.servers, timeoutMs });

beforeAll(async () => {
  dns = await startDns();
  dns.setRecord(TARGET, { A: ['203.0.113.10', '203.0.113.11'], AAAA: ['2001:db8::10'] });
});
afterAll(() => dns.close());

describe('checkDomainDns', () => {
  it('accepts a CNAME to the target (any case, trailing dot)', async () => {
    dns.setRecord('support.client.com', { CNAME: 'Portal.Provider.Example.' });
    expect(await check('support.client.com')).toEqual({ ok: true, via: 'cname' });
    expect(await check('SUPPORT.client.com.')).toEqual({ ok: true, via: 'cname' });
  });

  it('follows a CNAME chain through an intermediate name', async () => {
    dns.setRecord('help.chain.com', { CNAME: 'edge.chain.com' });
    dns.setRecord('edge.chain.com', { CNAME: 'cdn.chain.net' });
    dns.setRecord('cdn.chain.net', { CNAME: TARGET });
    expect(await check('help.chain.com')).toEqual({ ok: true, via: 'cname' });
  });

  it('says where a CNAME points instead', async () => {
    dns.setRecord('support.wrong.com', { CNAME: 'x.other.com' });
    dns.setRecord('x.other.com', { A: ['198.51.100.7'] });
    expect(await check('support.wrong.com')).toEqual({ ok: false, reason: 'points_elsewhere', found: ['x.other.com'] });
    // Pointing at a name that does not exist is still pointing elsewhere.
    dns.setRecord('typo.wrong.com', { CNAME: 'portal.provider.exmaple' });
    expect(await check('typo.wrong.com')).toEqual({ ok: false, reason: 'points_elsewhere', found: ['portal.provider.exmaple'] });
  });

  it('lists the whole chain when it ends elsewhere, and survives a loop', async () => {
    dns.setRecord('a.loop.com', { CNAME: 'b.loop.com' });
    dns.setRecord('b.loop.com', { CNAME: 'a.loop.com' });
    const result = await check('a.loop.com');
    expect(result).toMatchObject({ ok: false, found: ['b.loop.com'] });
  });

  it('accepts a flattened apex whose addresses are all the target’s', async () => {
    dns.setRecord('client.com', { A: ['203.0.113.11'], AAAA: ['2001:db8::10'] });
    expect(await check('client.com')).toEqual({ ok: true, via: 'address' });
    dns.setRecord('v4only.com', { A: ['203.0.113.10', '203.0.113.11'] });
    expect(await check('v4only.com')).toEqual({ ok: true, via: 'address' });
  });

  it('refuses addresses that are not all the target’s, listing them', async () => {
    dns.setRecord('mixed.com', { A: ['203.0.113.10', '192.0.2.1'] });
    expect(await check('mixed.com')).toEqual({ ok: false, reason: 'points_elsewhere', found: ['203.0.113.10', '192.0.2.1'] });
    dns.setRecord('old-host.com', { A: ['203.0.113.10'], AAAA: ['2001:db8::99'] });
    expect(await check('old-host.com')).toMatchObject({ ok: false, reason: 'points_elsewhere', found: ['203.0.113.10', '2001:db8::99'] });
  });

  it('reports no record for an unknown name and for a name without addresses', async () => {
    expect(await check('nothing.client.com')).toEqual({ ok: false, reason: 'no_record', found: [] });
    dns.setRecord('empty.client.com', {});
    expect(await check('empty.client.com')).toEqual({ ok: false, reason: 'no_record', found: [] });
  });

  it('notices a record removed after it was right', async () => {
    dns.setRecord('gone.client.com', { CNAME: TARGET });
    expect(await check('gone.client.com')).toEqual({ ok: true, via: 'cname' });
    dns.remove('gone.client.com');
    expect(await check('gone.client.com')).toEqual({ ok: false, reason: 'no_record', found: [] });
  });

  it('reports a failing server as dns_error', async () => {
    dns.fail('broken.client.com');
    const result = await check('broken.client.com');
    expect(result).toMatchObject({ ok: false, reason: 'dns_error', found: [] });
    expect(result.ok === false && result.detail).toMatch(/SERVFAIL/);
  });

  it('reports a closed port as dns_error within the timeout', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await checkDomainDns('support.client.com', TARGET, { servers: [`127.0.0.1:${port}`], timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result).toMatchObject({ ok: false, reason: 'dns_error', found: [] });
    expect(result.ok === false && result.detail).toBeTruthy();
  });

  it('gives up on a server that never answers at the deadline', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const result = await checkDomainDns('support.client.com', TARGET, {
        servers: [`127.0.0.1:${silent.address().port}`],
        timeoutMs: 800,
      });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(2000);
      expect(result).toMatchObject({ ok: false, reason: 'dns_error' });
      expect(result.ok === false && result.detail).toMatch(/no answer from DNS within 800 ms/);
    } finally {
      silent.close();
    }
  });
});

describe('normaliseHostname', () => {
  it('lower-cases, strips one trailing dot and trims', () => {
    expect(normaliseHostname('Support.Client.COM')).toBe('support.client.com');
    expect(normaliseHostname('support.client.com.')).toBe('support.client.com');
    expect(normaliseHostname('  support.client.com \n')).toBe('support.client.com');
    expect(normaliseHostname('client.com')).toBe('client.com');
    expect(normaliseHostname('a-b.c0.example')).toBe('a-b.c0.example');
    expect(normaliseHostname('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it('writes IDNs as punycode', () => {
    expect(normaliseHostname('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(normaliseHostname('support.münchen。de')).toBe('support.xn--mnchen-3ya.de');
  });

  it('accepts the longest names and labels', () => {
    const label = 'a'.repeat(63);
    expect(normaliseHostname(`${label}.com`)).toBe(`${label}.com`);
    const long = `${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(63)}.com`; // 253
    expect(long).toHaveLength(253);
    expect(normaliseHostname(long)).toBe(long);
  });

  it.each([
    ['', 'empty'],
    ['com', 'one label'],
    ['localhost', 'localhost'],
    ['app.localhost', '*.localhost'],
    ['ＬＯＣＡＬＨＯＳＴ.', 'fullwidth localhost'],
    ['*.client.com', 'wildcard'],
    ['＊.client.com', 'fullwidth wildcard'],
    ['support.client.com:443', 'port'],
    ['https://support.client.com', 'scheme'],
    ['support.client.com/portal', 'path'],
    ['support.client.com／portal', 'fullwidth path'],
    ['support.client.com?x', 'query'],
    ['user@support.client.com', 'userinfo'],
    ['support client.com', 'space'],
    ['support..client.com', 'empty label'],
    ['support.client.com..', 'two trailing dots'],
    ['.client.com', 'leading dot'],
    ['-support.client.com', 'label starting with -'],
    ['support-.client.com', 'label ending with -'],
    ['sup_port.client.com', 'underscore'],
    [`${'a'.repeat(64)}.com`, 'label over 63'],
    [`${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.com`, 'over 253'],
    ['192.0.2.1', 'IPv4'],
    ['1.2.3', 'short IPv4'],
    ['0x7f.1', 'hex IPv4'],
    ['support.123', 'numeric TLD'],
    ['[::1]', 'IPv6'],
    ['::1', 'bare IPv6'],
  ])('refuses %j (%s)', (input) => {
    expect(normaliseHostname(input)).toBeNull();
  });
});
