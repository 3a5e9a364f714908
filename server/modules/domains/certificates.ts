/**
 * Certificates and the ACME account, stored with their private keys sealed (SECRET_KEY, the
 * hostname or directory as the sealed value's context), and the TLS contexts SNI hands out.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Deps } from '../../platform/context.ts';
import type { Db, Sql } from '../../platform/db/db.ts';
import { open, seal } from '../../platform/crypto/sealed.ts';
import { secretKey } from '../../platform/crypto/secret-key.ts';
import { createAccountKey, type ChallengeStore, type IssuedCertificate } from './acme.ts';

/** The account key for the configured directory, made and stored on first use. */
export async function accountKey(deps: Deps): Promise<string> {
  const key = await secretKey(deps.config);
  const directory = deps.config.domains.acmeDirectoryUrl;
  const find = async () =>
    (await deps.db.query<{ key_sealed: string }>('select key_sealed from acme_accounts where directory_url = $1', [directory]))[0];
  const existing = await find();
  if (existing) return open(key, existing.key_sealed, directory).toString('utf8');
  const pem = await createAccountKey();
  // Two processes racing here: the first insert wins and both use its key.
  await deps.db.query('insert into acme_accounts (directory_url, key_sealed) values ($1, $2) on conflict do nothing', [
    directory,
    seal(key, pem, directory),
  ]);
  return open(key, (await find())!.key_sealed, directory).toString('utf8');
}

export async function storeCertificate(deps: Deps, tx: Sql, domainId: string, hostname: string, cert: IssuedCertificate): Promise<void> {
  const key = await secretKey(deps.config);
  await tx.query(
    `insert into domain_certificates (domain_id, hostname, cert_pem, key_sealed, not_before, not_after) values ($1, $2, $3, $4, $5, $6)
     on conflict (domain_id) do update set hostname = excluded.hostname, cert_pem = excluded.cert_pem, key_sealed = excluded.key_sealed,
       not_before = excluded.not_before, not_after = excluded.not_after, created_at = now()`,
    [domainId, hostname, cert.certPem, seal(key, cert.keyPem, hostname), cert.notBefore, cert.notAfter],
  );
}

/** HTTP-01 answers in the database, so whichever process the CA reaches can give them. */
export const challengeStore = (db: Db, hostname: string): ChallengeStore => ({
  put: async (token, keyAuthorization) => {
    await db.query(
      `insert into acme_challenges (token, key_authorization, hostname) values ($1, $2, $3)
       on conflict (token) do update set key_authorization = excluded.key_authorization`,
      [token, keyAuthorization, hostname],
    );
  },
  remove: async (token) => {
    await db.query('delete from acme_challenges where token = $1', [token]);
  },
});

/**
 * TLS contexts by host name for the HTTPS listener: only domains in service, loaded from
 * the database on first use and forgotten whenever the domain map reloads.
 */
export class CertificateCache {
  #contexts = new Map<string, Promise<SecureContext | undefined>>();

  constructor(private readonly deps: Deps) {}

  clear() {
    this.#contexts.clear();
  }

  get(hostname: string): Promise<SecureContext | undefined> {
    let ctx = this.#contexts.get(hostname);
    if (!ctx) {
      ctx = this.#load(hostname).catch((err: unknown) => {
        this.deps.log.error({ err, hostname }, 'could not load the certificate of a custom domain');
        this.#contexts.delete(hostname);
        return undefined;
      });
      this.#contexts.set(hostname, ctx);
    }
    return ctx;
  }

  async #load(hostname: string): Promise<SecureContext | undefined> {
    const [row] = await this.deps.db.query<{ cert_pem: string; key_sealed: string }>(
      `select c.cert_pem, c.key_sealed from domain_certificates c join custom_domains d on d.id = c.domain_id
        where d.hostname = $1 and d.state = 'active' and c.not_after > now()`,
      [hostname],
    );
    if (!row) return undefined;
    const key = open(await secretKey(this.deps.config), row.key_sealed, hostname);
    return createSecureContext({ cert: row.cert_pem, key });
  }
}
