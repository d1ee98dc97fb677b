import { z } from 'zod';

export const LoginRequest = z.strictObject({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginAnswer = z.strictObject({
  token: z.string(),
  expiresAt: z.string().meta({ description: 'ISO-8601' }),
  orgId: z.string(),
  accountId: z.string(),
  role: z.enum(['admin', 'manager']),
});
export type LoginAnswer = z.infer<typeof LoginAnswer>;

/** The operator's `create-org` input (cli.ts), checked like a request body. */
export const CreateOrgInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
    .optional(),
  adminEmail: z.email().max(254),
  adminName: z.string().trim().min(1).max(200),
  adminPassword: z.string().min(10, 'at least 10 characters').max(1024),
});
export type CreateOrgInput = z.infer<typeof CreateOrgInput>;
