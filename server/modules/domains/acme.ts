/**
 * Certificates for custom domains by ACME HTTP-01 (acme-client). The caller serves
 * `/.well-known/acme-challenge/{token}` from the `ChallengeStore` on port 80 of every
 * process the domain can reach, and stores the account key and certificate keys sealed.
 *
 * Errors from the CA carry its problem detail as the message, for the admin to read: Let's
 * Encrypt says "Invalid response from http://support.client.com/.well-known/acme-challenge/…:
 * 404", pebble "Non-200 status code from HTTP: http://…/.well-known/acme-challenge/… returned 404".
 * Errors thrown by `challenges.remove` are swallowed by acme-client (the order goes on).
 */
import acme from 'acme-client';
import { get as httpGet } from 'node:http';
import { Agent, get as httpsGet } from 'node:https';
import { rootCertificates } from 'node:tls';

export type ChallengeStore = {
  put(token: string, keyAuthorization: string): Promise<void>;
  remove(token: string): Promise<void>;
};

export type IssueOptions = {
  directoryUrl: string;
  accountKeyPem: string;
  /** Contact for the CA's expiry and policy mail. */
  email?: string;
  hostname: string;
  challenges: ChallengeStore;
  /** An extra CA to trust for the ACME server's own HTTPS (a private CA, pebble in tests). */
  caCertPem?: string;
  /** Polling of pending challenges and orders; acme-client's default is 10 tries, 5–30 s apart. */
  backoff?: { attempts: number; minMs: number; maxMs: number };
  /** Each HTTP request to the CA; default 30 s (axios has none). */
  requestTimeoutMs?: number;
};

export type IssuedCertificate = { certPem: string; keyPem: string; notBefore: Date; notAfter: Date };

/** A new ACME account key (ECDSA P-256), PEM. Keep it sealed; it is the account. */
export async function createAccountKey(): Promise<string> {
  return (await acme.crypto.createPrivateEcdsaKey('P-256')).toString('utf8');
}

type HttpRequest = (url: string, method: string, opts?: Record<string, unknown>) => Promise<unknown>;

/**
 * acme-client sends every request through one shared axios instance, so an HTTPS agent set
 * there would trust the extra CA for every client in the process. Instead this client's own
 * request method (its private `http` member) gets the agent and a timeout per request.
 */
function configureRequests(client: acme.Client, extra: Record<string, unknown>): void {
  const http = (client as unknown as { http?: { request?: HttpRequest } }).http;
  if (typeof http?.request !== 'function') {
    throw new Error('acme-client internals changed: cannot set the HTTPS agent per client (see acme.ts)');
  }
  const request = http.request.bind(http);
  http.request = (url, method, opts = {}) => request(url, method, { ...opts, ...extra });
}

/**
 * acme-client retries a request that got no response 5 times, 5 to 25 s apart, even when
 * the cause is permanent (an untrusted certificate, a wrong port): 75 s for a typo. One
 * plain GET of the directory first turns those into a clear error at once; transient
 * failures later in the order keep acme-client's retries.
 */
function checkDirectory(url: string, agent: Agent, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`The ACME directory ${url} could not be read: ${why}`));
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { timeout: timeoutMs, ...(url.startsWith('https:') ? { agent } : {}) }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else fail(`HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => fail(e.message));
  });
}

/**
 * Registers the account key, or finds the account it already has. For a known key
 * acme-client follows with an account update carrying only `termsOfServiceAgreed`, which
 * strict CAs (pebble) refuse as an empty update; the account URL is known by then, and
 * with it set `auto` skips registration.
 */
async function registerAccount(client: acme.Client, email: string | undefined): Promise<void> {
  try {
    await client.createAccount({ termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) });
  } catch (err) {
    try {
      client.getAccountUrl();
    } catch {
      throw err;
    }
  }
}

/**
 * Orders a certificate for `hostname` (its only name) with a new ECDSA P-256 key, answering
 * the CA's HTTP-01 challenge through `challenges`. Resolves with the PEM chain and key.
 */
export async function issueCertificate(opts: IssueOptions): Promise<IssuedCertificate> {
  const backoff = opts.backoff ?? { attempts: 10, minMs: 5000, maxMs: 30_000 };
  const client = new acme.Client({
    directoryUrl: opts.directoryUrl,
    accountKey: opts.accountKeyPem,
    backoffAttempts: backoff.attempts,
    backoffMin: backoff.minMs,
    backoffMax: backoff.maxMs,
  });
  // One agent per issuance, kept alive across its ~10 requests and destroyed at the end.
  const agent = new Agent({ keepAlive: true, ...(opts.caCertPem ? { ca: [...rootCertificates, opts.caCertPem] } : {}) });
  const timeout = opts.requestTimeoutMs ?? 30_000;
  configureRequests(client, { timeout, httpsAgent: agent });

  const keyPem = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString('utf8');
  const [, csr] = await acme.crypto.createCsr({ commonName: opts.hostname, altNames: [opts.hostname] }, keyPem);
  try {
    await checkDirectory(opts.directoryUrl, agent, timeout);
    await registerAccount(client, opts.email);
    const certPem = await client.auto({
      csr,
      ...(opts.email ? { email: opts.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // acme-client's own pre-check fetches the URL through the system resolver from inside
      // our network (hairpin NAT often fails there); the DNS check has run and the CA's
      // answer is the one that counts.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        if (challenge.type !== 'http-01') throw new Error(`the CA offered no http-01 challenge (only ${challenge.type})`);
        await opts.challenges.put(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        if (challenge.type === 'http-01') await opts.challenges.remove(challenge.token);
      },
    });
    const info = acme.crypto.readCertificateInfo(certPem);
    return { certPem, keyPem, notBefore: info.notBefore, notAfter: info.notAfter };
  } finally {
    agent.destroy();
  }
}

/** What a stored certificate covers and until when (the first certificate of a chain). */
export function certificateInfo(certPem: string): { notBefore: Date; notAfter: Date; domains: string[] } {
  const info = acme.crypto.readCertificateInfo(certPem);
  const names = [info.domains.commonName, ...info.domains.altNames].filter((d): d is string => Boolean(d));
  return { notBefore: info.notBefore, notAfter: info.notAfter, domains: [...new Set(names.map((d) => d.toLowerCase()))] };
}
