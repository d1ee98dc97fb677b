import { describe, expect, it } from 'vitest';
import { auditHash, canonicalAudit, GENESIS_HASH } from './audit-chain.js';

/**
 * The encoding is a contract with every later verifier (the hub, an auditor's script): this pins it
 * to bytes and a digest computed outside Node (`printf '%s' '<canonical>' | sha256sum`).
 */
describe('audit chain encoding', () => {
  const row = {
    seq: 1,
    id: '01900000-0000-7000-8000-000000000001',
    orgId: '01900000-0000-7000-8000-0000000000aa',
    actorId: null,
    action: 'skills.insert',
    entity: 'skills',
    entityId: '01900000-0000-7000-8000-000000000002',
    before: null,
    after: JSON.stringify({ name: 'Łódź "quoted"\n' }),
    requestId: null,
    at: 1_790_000_000_000,
    prevHash: GENESIS_HASH,
  };

  it('when a row is encoded, then it is the fixed 13-element JSON array with stored text kept as a string', () => {
    expect(canonicalAudit(row)).toBe(
      '["depotdesk-audit-v1",1,"01900000-0000-7000-8000-000000000001","01900000-0000-7000-8000-0000000000aa",null,"skills.insert","skills",' +
        '"01900000-0000-7000-8000-000000000002",null,"{\\"name\\":\\"Łódź \\\\\\"quoted\\\\\\"\\\\n\\"}",null,1790000000000,' +
        `"${'0'.repeat(64)}"]`,
    );
  });

  it('when a row is hashed, then the digest is the SHA-256 of that UTF-8 text as sha256sum computes it', () => {
    expect(auditHash(row)).toBe('affead01d13039cc9c59a52b5ba933c34eee743748ff6af8b817687e74595682');
  });

  it('when any field or the previous hash differs, then the hash differs', () => {
    const base = auditHash(row);
    for (const change of [{ seq: 2 }, { at: row.at + 1 }, { actorId: 'x' }, { before: '{}' }, { prevHash: 'f'.repeat(64) }]) {
      expect(auditHash({ ...row, ...change })).not.toBe(base);
    }
  });
});
