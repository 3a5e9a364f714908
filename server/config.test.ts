import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config', () => {
  it('defaults to the embedded database with demo data on port 3000', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.port).toBe(3000);
    expect(r.config.databaseUrl).toBeUndefined();
    expect(r.config.seedDemo).toBe(true);
    expect(r.config.publicUrl).toBe('http://localhost:3000');
    expect(r.config.dataDir.endsWith('/data')).toBe(true);
  });

  it('does not seed demo data on PostgreSQL unless asked', () => {
    const r = loadConfig({ DATABASE_URL: 'postgres://127.0.0.1/x' });
    expect(r.ok && r.config.seedDemo).toBe(false);
    const s = loadConfig({ DATABASE_URL: 'postgres://127.0.0.1/x', SEED_DEMO: 'true' });
    expect(s.ok && s.config.seedDemo).toBe(true);
  });

  it('lists every problem at once', () => {
    const r = loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.problems.map((p) => p.split(':')[0]);
    expect(fields.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'PUBLIC_URL']);
  });
});
