import { createHash, randomBytes } from 'node:crypto';

/** A URL-safe random token from the CSPRNG: 32 bytes = 256 bits. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are stored and looked up only by their SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
