import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { newSecretKey, open, parseSecretKey, seal } from './sealed.ts';

const key = parseSecretKey(newSecretKey());

/** Flips one bit of the part's bytes and re-encodes it, so only the content changes. */
function flipBit(sealed: string, part: number, byte = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[byte]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('seal / open', () => {
  it('round-trips text and bytes, with and without aad', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG…\n-----END PRIVATE KEY-----\n';
    expect(open(key, seal(key, pem)).toString('utf8')).toBe(pem);
    const bytes = randomBytes(1000);
    expect(open(key, seal(key, bytes, 'support.client.com'), 'support.client.com').equals(bytes)).toBe(true);
    expect(open(key, seal(key, '')).length).toBe(0);
  });

  it('writes a versioned, single-line, URL-safe value', () => {
    const sealed = seal(key, 'secret', 'row-1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('secret');
  });

  it('uses a fresh IV every time', () => {
    const ivs = new Set(Array.from({ length: 200 }, () => seal(key, 'same').split('.')[1]));
    expect(ivs.size).toBe(200);
    expect(seal(key, 'same')).not.toBe(seal(key, 'same'));
  });

  it('refuses a value changed in any part', () => {
    const sealed = seal(key, 'a certificate private key', 'support.client.com');
    const opened = (s: string) => () => open(key, s, 'support.client.com');
    expect(opened(sealed)).not.toThrow();
    for (const part of [1, 2, 3]) {
      for (const byte of [0, 5, 11]) {
        expect(opened(flipBit(sealed, part, byte))).toThrow(/could not be opened/);
      }
    }
    const [, iv, tag, ct] = sealed.split('.');
    expect(opened(['v2', iv, tag, ct].join('.'))).toThrow(/unknown version/);
    expect(opened(['v1', iv, tag].join('.'))).toThrow(/malformed/);
    expect(opened([sealed, 'AA'].join('.'))).toThrow(/malformed/);
    expect(opened(['v1', iv, tag!.slice(0, -2), ct].join('.'))).toThrow(/malformed/);
    expect(opened(['v1', iv, tag, ct!.slice(0, -1)].join('.'))).toThrow();
    expect(opened(['v1', iv, tag, ''].join('.'))).toThrow(/could not be opened/);
    expect(opened(['v1', iv, tag, `${ct}AAAA`].join('.'))).toThrow(/could not be opened/);
    expect(opened(['v1', iv, tag, ct!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))].join('.'))).toThrow();
    expect(opened(['v1', `${iv}=`, tag, ct].join('.'))).toThrow(/malformed/);
    expect(opened('')).toThrow(/malformed/);
  });

  it('refuses non-canonical base64url (a spare bit changed)', () => {
    const sealed = seal(key, 'x');
    const parts = sealed.split('.');
    // The 16-byte tag is 22 characters: the last one carries 4 spare bits.
    const last = parts[2]!.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    parts[2] = parts[2]!.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(() => open(key, parts.join('.'))).toThrow(/malformed/);
  });

  it('refuses the wrong key', () => {
    const sealed = seal(key, 'secret');
    expect(() => open(parseSecretKey(newSecretKey()), sealed)).toThrow(/could not be opened/);
  });

  it('binds the value to its aad (a key copied to another row does not open)', () => {
    const sealed = seal(key, 'secret', 'support.client.com');
    expect(() => open(key, sealed, 'support.other.com')).toThrow(/could not be opened/);
    expect(() => open(key, sealed)).toThrow(/could not be opened/);
    expect(() => open(key, seal(key, 'secret'), 'support.client.com')).toThrow(/could not be opened/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => seal(randomBytes(16), 'x')).toThrow(/32 bytes/);
    expect(() => open(randomBytes(31), seal(key, 'x'))).toThrow(/32 bytes/);
  });
});

describe('parseSecretKey / newSecretKey', () => {
  it('accepts hex, base64 and base64url of exactly 32 bytes', () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('hex').toUpperCase()).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64').replace(/=$/, '')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64url')).equals(raw)).toBe(true);
    expect(parseSecretKey(` ${raw.toString('hex')}\n`).equals(raw)).toBe(true);
  });

  it('refuses other lengths and alphabets without echoing the input', () => {
    for (const bad of [
      '',
      'short',
      randomBytes(16).toString('hex'),
      randomBytes(33).toString('hex'),
      randomBytes(31).toString('base64'),
      randomBytes(48).toString('base64'),
      `${randomBytes(32).toString('hex').slice(0, 63)}g`,
      `${randomBytes(32).toString('base64').slice(0, 42)}!=`,
    ]) {
      expect(() => parseSecretKey(bad), bad).toThrow(/32 bytes/);
      try {
        parseSecretKey(bad);
      } catch (e) {
        if (bad) expect((e as Error).message).not.toContain(bad);
      }
    }
  });

  it('newSecretKey makes distinct keys that parse back', () => {
    const a = newSecretKey();
    expect(parseSecretKey(a)).toHaveLength(32);
    expect(newSecretKey()).not.toBe(a);
  });
});
