import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import acme from 'acme-client';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { startDns, type TestDns } from '../../test/dns-server.ts';
import { pebbleAvailable, startPebble, type TestPebble } from '../../test/pebble.ts';
import { certificateInfo, createAccountKey, issueCertificate, type ChallengeStore } from './acme.ts';

const HOST = 'support.client.test';
// Poll pending challenges and orders every 100–500 ms instead of acme-client's 5–30 s.
const backoff = { attempts: 20, minMs: 100, maxMs: 500 };

/** The HTTP-01 responder Portico runs, over an in-memory store. */
function memoryStore() {
  const tokens = new Map<string, string>();
  const store: ChallengeStore = {
    put: async (token, keyAuthorization) => void tokens.set(token, keyAuthorization),
    remove: async (token) => void tokens.delete(token),
  };
  return { tokens, store };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function tlsHandshake(port: number, servername: string, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe.skipIf(!pebbleAvailable() && !process.env.CI)('issueCertificate against pebble', () => {
  let dns: TestDns;
  let pebble: TestPebble;
  let responder: Server;
  const { tokens, store } = memoryStore();
  const requests: string[] = [];
  let accountKeyPem: string;

  beforeAll(async () => {
    dns = await startDns();
    dns.setRecord(HOST, { A: ['127.0.0.1'] });
    responder = createHttpServer((req, res) => {
      requests.push(`${req.headers.host} ${req.url}`);
      const token = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
      const answer = token ? tokens.get(token) : undefined;
      if (req.method !== 'GET' || answer === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(answer);
    });
    const httpPort = await listen(responder);
    [pebble, accountKeyPem] = await Promise.all([startPebble({ httpPort, dnsServer: dns.servers[0]! }), createAccountKey()]);
  });

  afterAll(async () => {
    await pebble?.stop();
    await new Promise((resolve) => responder?.close(resolve));
    await dns?.close();
  });

  const issue = (hostname: string, challenges: ChallengeStore = store) =>
    issueCertificate({
      directoryUrl: pebble.directoryUrl,
      caCertPem: pebble.caCertPem,
      accountKeyPem,
      email: 'admin@provider.example',
      hostname,
      challenges,
      backoff,
    });

  it('issues a certificate that a TLS client verifies for the domain', async () => {
    const started = Date.now();
    const issued = await issue(HOST);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The CA fetched the token from our responder, and the token was removed afterwards.
    expect(requests.some((r) => r.startsWith(HOST) && r.includes('/.well-known/acme-challenge/'))).toBe(true);
    expect(tokens.size).toBe(0);
    // Pebble's CA was trusted by that client only, not by acme-client's shared axios.
    expect(acme.axios.defaults.httpsAgent).toBeUndefined();

    const info = certificateInfo(issued.certPem);
    expect(info.domains).toEqual([HOST]);
    expect(info.notAfter.getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
    expect(issued.notAfter).toEqual(info.notAfter);
    expect(issued.notBefore.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(issued.keyPem).toMatch(/-----BEGIN PRIVATE KEY-----/);

    const server = createHttpsServer({ cert: issued.certPem, key: issued.keyPem }, (_req, res) => res.end('ok'));
    const port = await listen(server);
    try {
      const root = await pebble.issuingRootPem();
      const socket = await tlsHandshake(port, HOST, root);
      expect(socket.authorized).toBe(true);
      expect(socket.getPeerCertificate().subjectaltname).toBe(`DNS:${HOST}`);
      socket.destroy();
      // The same certificate is not good for another name, nor without pebble's root.
      await expect(tlsHandshake(port, 'other.client.test', root)).rejects.toThrow(/altnames|Hostname/i);
      await expect(tlsHandshake(port, HOST, pebble.caCertPem)).rejects.toThrow(/issuer|certificate/i);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('surfaces the CA’s problem detail when the challenge answers 404', async () => {
    const started = Date.now();
    const forgetful: ChallengeStore = { put: async () => {}, remove: async () => {} };
    const error = await issue(HOST, forgetful).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`http://${HOST}`);
    expect(message).toContain('/.well-known/acme-challenge/');
    expect(message).toMatch(/404/);
  });

  it('surfaces the CA’s problem detail when the domain does not resolve', async () => {
    const started = Date.now();
    const error = await issue('nothing.client.test').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/nothing\.client\.test/);
    // Pebble 2.4 says "could not resolve URL"; Let's Encrypt "DNS problem: NXDOMAIN …".
    expect((error as Error).message).toMatch(/could not resolve|NXDOMAIN|DNS problem/i);
  });

  it('does not trust pebble’s HTTPS without the extra CA, and says so at once', async () => {
    const started = Date.now();
    const error = await issueCertificate({
      directoryUrl: pebble.directoryUrl,
      accountKeyPem,
      hostname: HOST,
      challenges: store,
      backoff,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((error as Error).message).toMatch(/ACME directory .* could not be read: .*(self[- ]signed|certificate)/i);
    expect(tokens.size).toBe(0);
  });
});
