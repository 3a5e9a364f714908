import { describe, expect, it } from 'vitest';
import { safeNext } from './surfaces.ts';

describe('where sign-in may send you', () => {
  const home = '/portal/acme';
  it('keeps paths inside the portal', () => {
    for (const p of ['/portal/acme', '/portal/acme/tickets/5', '/portal/acme?status=open', '/portal/acme/tickets/5#reply']) {
      expect(safeNext(home, p)).toBe(p);
    }
  });
  it('refuses anything a browser could read as another origin, or another workspace', () => {
    for (const p of [
      '//evil.com',
      '/\\evil.com',
      '\\\\evil.com',
      'https:evil.com',
      'https://evil.com/portal/acme',
      'javascript:alert(1)',
      '/portal/acme\t/x',
      '/portal/acme\n//evil.com',
      '/portal/acmeevil',
      '/portal/other/tickets/1',
      '/staff',
      '',
      undefined,
      42,
      `/portal/acme/${'x'.repeat(600)}`,
    ]) {
      expect(safeNext(home, p)).toBe(home);
    }
  });
  it('the sign-in answer carries only the safe path', async () => {
    expect(safeNext('/staff', '/staff/tickets/3')).toBe('/staff/tickets/3');
    expect(safeNext('/staff', '//evil.com/staff')).toBe('/staff');
  });
});
