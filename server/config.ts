import path from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from './platform/crypto/sealed.ts';

const validKey = (s: string) => {
  try {
    parseSecretKey(s);
    return true;
  } catch {
    return false;
  }
};

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Environment schema: every setting Portico reads, validated once at boot. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
  TRUST_PROXY: bool.default(false),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('support@localhost'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Live updates between processes through Redis pub/sub; without it, PostgreSQL LISTEN/NOTIFY (or nothing, embedded). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Where uploaded files are kept (default: `files` inside DATA_DIR). Shared by all processes. */
  FILES_DIR: z.string().min(1).optional(),
  /** Custom domains: the host name a client's CNAME record must point to (default: PUBLIC_URL's host). */
  PORTAL_CNAME_TARGET: z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name such as portal.example.com').optional(),
  /** DNS servers for checking custom domains, comma-separated `ip` or `ip:port` (default: the system's). */
  DNS_SERVERS: z.string().regex(/^[0-9a-f.:\[\]]+(,[0-9a-f.:\[\]]+)*$/i, 'must be IP addresses, comma-separated (ip or ip:port)').optional(),
  /** The ACME directory certificates for custom domains come from (default: Let's Encrypt). */
  ACME_DIRECTORY_URL: z.url({ protocol: /^https?$/ }).default('https://acme-v02.api.letsencrypt.org/directory'),
  ACME_EMAIL: z.email().optional(),
  /** How soon to look again at a pending ACME order (a private or test CA answers at once). */
  ACME_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  /** A PEM file of an extra CA to trust for the ACME server's own HTTPS (a private or test CA). */
  ACME_CA_FILE: z.string().min(1).optional(),
  /**
   * Who holds custom domains' certificates: Portico itself by ACME (`acme`), or a proxy in
   * front with on-demand TLS (`proxy`: Caddy asks /.well-known/portico/tls-ask?domain=…).
   */
  CUSTOM_DOMAIN_TLS: z.enum(['acme', 'proxy']).default('acme'),
  /** Serve custom domains over HTTPS on this port, the certificate chosen per name (SNI). */
  HTTPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** 32 bytes, base64 or hex: seals certificate keys at rest. Default: kept in DATA_DIR/secret.key. */
  SECRET_KEY: z
    .string()
    .refine(validKey, 'must be 32 bytes as 64 hex digits or 44 base64 characters (openssl rand -base64 32)')
    .optional(),
  /** Test-only crash point (see platform/failpoint.ts); refused in production. */
  FAILPOINT: z.string().regex(/^[a-z.-]+$/).optional(),
}).refine((e) => !(e.FAILPOINT && e.NODE_ENV === 'production'), { path: ['FAILPOINT'], message: 'is for tests only; unset it in production' });

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  seedDemo: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  sessionTtlHours: number;
  trustProxy: boolean;
  production: boolean;
  /** Without it, mail is kept for the staff app's Mailbox page instead of sent. */
  smtpUrl: string | undefined;
  mailFrom: string;
  filesDir: string;
  redisUrl: string | undefined;
  failpoint: string | undefined;
  /** PUBLIC_URL was set: a deployment, where hosts other than it and custom domains get a 404. */
  publicUrlSet: boolean;
  domains: {
    cnameTarget: string;
    dnsServers: string[] | undefined;
    acmeDirectoryUrl: string;
    acmeEmail: string | undefined;
    acmePollMs: number;
    acmeCaFile: string | undefined;
    httpsPort: number | undefined;
    tls: 'acme' | 'proxy';
  };
  /** Base64 or hex text of the sealing key; when unset, main.ts keeps one in DATA_DIR. */
  secretKey: string | undefined;
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses the environment; returns every problem at once rather than the first. */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  // Empty strings count as unset, so `PORT= npm start` means the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    };
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      dataDir: path.resolve(e.DATA_DIR),
      databaseUrl: e.DATABASE_URL,
      publicUrl,
      // The embedded database is for trying Portico: it gets demo data unless told otherwise.
      seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
      logLevel: e.LOG_LEVEL,
      sessionTtlHours: e.SESSION_TTL_HOURS,
      trustProxy: e.TRUST_PROXY,
      production: e.NODE_ENV === 'production',
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      redisUrl: e.REDIS_URL,
      filesDir: path.resolve(e.FILES_DIR ?? path.join(e.DATA_DIR, 'files')),
      failpoint: e.FAILPOINT,
      publicUrlSet: e.PUBLIC_URL !== undefined,
      domains: {
        cnameTarget: (e.PORTAL_CNAME_TARGET ?? new URL(publicUrl).hostname).toLowerCase(),
        dnsServers: e.DNS_SERVERS?.split(','),
        acmeDirectoryUrl: e.ACME_DIRECTORY_URL,
        acmeEmail: e.ACME_EMAIL,
        acmePollMs: e.ACME_POLL_MS,
        acmeCaFile: e.ACME_CA_FILE,
        httpsPort: e.HTTPS_PORT,
        tls: e.CUSTOM_DOMAIN_TLS,
      },
      secretKey: e.SECRET_KEY,
    },
  };
}
