import { createHash, randomBytes } from 'node:crypto';

/** Opaque bearer tokens: 256 random bits. Only their SHA-256 is stored, so a copied database signs no one in. */
export function newToken(): string {
  return `ddk_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
