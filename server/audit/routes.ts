import { page } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { AuditEntry, AuditQuery } from './contract.js';
import { listAudit } from './repo.js';

export const auditRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/audit', tag: 'Audit', access: 'audit:read',
    summary: 'Who changed what: the audit trail of this organization, newest first (secrets redacted)',
    query: AuditQuery, response: page(AuditEntry),
    handler: ({ ctx, query }) => listAudit(ctx, query),
  }),
];
