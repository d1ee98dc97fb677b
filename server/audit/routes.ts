import { page } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { AuditEntry, AuditQuery, AuditVerification } from './contract.js';
import { listAudit } from './repo.js';
import { verifyOrgAudit } from './service.js';

export const auditRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/audit',
    tag: 'Audit',
    access: 'audit:read',
    summary: 'Who changed what: the audit trail of this organization, newest first (secrets redacted)',
    query: AuditQuery,
    response: page(AuditEntry),
    handler: ({ ctx, query }) => listAudit(ctx, query),
  }),
  defineRoute({
    method: 'get',
    path: '/audit/verify',
    tag: 'Audit',
    access: 'audit:verify',
    summary: "Checks this organization's audit hash chain end to end: ok, rows checked, the head hash, and the first broken row with why",
    response: AuditVerification,
    handler: ({ ctx }) => verifyOrgAudit(ctx),
  }),
];
