import type { z } from 'zod';
import type { AuditVerification } from '../../../server/audit/contract';
import { api } from '../../shared/api/client';

export type AuditVerificationDto = z.infer<typeof AuditVerification>;

/** Recomputes the org's audit hash chain on the host (admins only); an action the admin starts, not a cached list. */
export function verifyAuditTrail(): Promise<AuditVerificationDto> {
  return api.get<AuditVerificationDto>('/audit/verify');
}
