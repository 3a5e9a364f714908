import path from 'node:path';
import { z } from 'zod';

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
    },
  };
}
