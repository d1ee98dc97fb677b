import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex: how the hub stores every bearer secret (session tokens, node credentials, enrolment codes). */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * 256 random bits, base64url, with a prefix naming what it is (`hubs_` session, `hubn_` node
 * credential): a secret pasted in the wrong place is recognisable, and scanners can spot a leak.
 */
export function newSecret(prefix: 'hubs_' | 'hubn_'): string {
  return prefix + randomBytes(32).toString('base64url');
}

// Crockford-style alphabet without 0/O/1/I/L/U: read aloud or typed from a screen without mistakes.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

/**
 * An enrolment code a depot admin types: 20 characters (~98 bits) in groups of four. Stored only
 * hashed; compared after normalising case, spaces and dashes (normaliseCode).
 */
export function newEnrolmentCode(): string {
  const bytes = randomBytes(20);
  let code = '';
  for (let i = 0; i < 20; i++) {
    if (i > 0 && i % 4 === 0) code += '-';
    // 256 % 30 leaves a bias of ~1 % toward the first 16 symbols: ~97 bits instead of ~98, irrelevant here.
    code += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  }
  return code;
}

export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}
