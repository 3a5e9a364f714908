/**
 * Secrets at rest (the ACME account key, certificates' private keys) are sealed with
 * AES-256-GCM under a 32-byte key from configuration. A sealed value is one line of text,
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), so it fits a text column and says how to open it.
 *
 * `aad` binds a value to where it is stored (a hostname, a row id): a sealed key copied to
 * another row does not open there. The version is bound too, so a value cannot be relabelled.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]*$/;

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new Error(`sealing key must be ${KEY_BYTES} bytes`);
  }
}

function additionalData(aad: string | undefined): Buffer {
  // The version and a separator come first, so v1 with aad "x" never equals another layout.
  return Buffer.from(`${VERSION}\0${aad ?? ''}`, 'utf8');
}

/** Seals `plaintext` under `key`; every call uses a fresh random IV. */
export function seal(key: Buffer, plaintext: string | Buffer, aad?: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(aad));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Strict base64url: a changed character never decodes to the same bytes (no spare bits). */
function decodePart(part: string, what: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (!B64URL.test(part) || bytes.toString('base64url') !== part) {
    throw new Error(`sealed value is malformed (${what})`);
  }
  return bytes;
}

/**
 * Opens a value made by `seal` with the same key and `aad`. Throws if the value was
 * changed in any way, or the key or `aad` differ (GCM cannot tell these apart).
 */
export function open(key: Buffer, sealed: string, aad?: string): Buffer {
  checkKey(key);
  const parts = sealed.split('.');
  if (parts[0] !== VERSION) throw new Error('sealed value is malformed (unknown version)');
  if (parts.length !== 4) throw new Error('sealed value is malformed (expected 4 parts)');
  const iv = decodePart(parts[1]!, 'iv');
  const tag = decodePart(parts[2]!, 'tag');
  const ciphertext = decodePart(parts[3]!, 'ciphertext');
  if (iv.length !== IV_BYTES) throw new Error('sealed value is malformed (iv length)');
  if (tag.length !== TAG_BYTES) throw new Error('sealed value is malformed (tag length)');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(aad));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new Error('sealed value could not be opened: wrong key, wrong context (aad) or tampered with');
  }
}

/**
 * The sealing key from configuration: exactly 32 bytes as 64 hex digits, or base64 /
 * base64url (43 or 44 characters). The message never repeats the input.
 */
export function parseSecretKey(text: string): Buffer {
  const s = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(s)) key = Buffer.from(s, 'base64');
  else if (/^[A-Za-z0-9_-]{43}$/.test(s)) key = Buffer.from(s, 'base64url');
  if (!key || key.length !== KEY_BYTES) {
    throw new Error('secret key must be 32 bytes, written as 64 hex digits or 44 base64 characters (generate one with newSecretKey)');
  }
  return key;
}

/** A new random 32-byte key, base64, for configuration. */
export function newSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
