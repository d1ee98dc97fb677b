import { z } from 'zod';
import { Email, Id, IsoTime, Name } from '../http/contract-common.js';
import { DepotLocaleDto } from '../depots/contract.js';

export const RoleSchema = z.enum(['admin', 'dispatcher', 'supervisor', 'technician', 'viewer']);

export const Password = z.string().min(10, 'must be at least 10 characters').max(200);

export const LoginRequest = z.strictObject({ email: Email, password: z.string().min(1).max(200) });

export const SessionUser = z.object({
  id: Id,
  orgId: Id,
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  permissions: z.array(z.string()),
  teamIds: z.array(Id),
});

/**
 * GET /auth/me: the user, plus the zone and locale of this host's depot, which the console and the
 * crew view format every date and number in (issue 17, 6). Not in the login answer: both apps read
 * /auth/me at start anyway, and the login answer's shape is shared with scripts.
 */
export const MeResponse = SessionUser.extend({ depot: DepotLocaleDto }).meta({ id: 'Me' });

export const LoginResponse = z.object({ token: z.string(), expiresAt: IsoTime, user: SessionUser }).meta({ id: 'LoginResponse' });

export const SetupStatus = z.object({ needed: z.boolean() });

/** The one-time code the host prints at start (and the desktop app puts in its window's URL). */
const SetupCode = z.string().min(1).max(128).describe('One-time setup code printed by the host at start');

export const DemoSetupRequest = z.strictObject({ setupCode: SetupCode });

export const SetupRequest = z.strictObject({
  setupCode: SetupCode,
  organization: z.strictObject({
    name: Name,
    timeZone: z.string().min(1).max(64).default('UTC'),
  }),
  depot: z.strictObject({ name: Name, code: z.string().trim().min(1).max(20) }).optional(),
  admin: z.strictObject({ name: Name, email: Email, password: Password }),
  /**
   * Join an organization's hub instead of starting a new organization: the depot takes the org's id
   * and name from the hub, then pulls a snapshot of its data (docs/sync.md "Identity and enrolment").
   */
  join: z.strictObject({ hubUrl: z.string().trim().min(1).max(500), code: z.string().trim().min(8).max(200) }).optional(),
});

export const SessionInfo = z
  .object({
    id: Id,
    userId: Id,
    userName: z.string(),
    kind: z.enum(['console', 'crew', 'api']),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: IsoTime,
    lastSeenAt: IsoTime,
    expiresAt: IsoTime,
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
