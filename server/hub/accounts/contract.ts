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

export const HUB_ROLES = ['admin', 'manager'] as const;

/** The signed-in account (GET /auth/me): what the managers' console shows and which pages it offers. */
export const MeAnswer = z.strictObject({
  accountId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(HUB_ROLES),
  org: z.strictObject({ id: z.string(), name: z.string(), slug: z.string() }),
  expiresAt: z.string().meta({ description: 'ISO-8601: when this session ends' }),
});
export type MeAnswer = z.infer<typeof MeAnswer>;

export const AccountView = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(HUB_ROLES),
  active: z.boolean(),
  createdAt: z.string(),
  /** The newest sign-in, or null if never. */
  lastSignInAt: z.string().nullable(),
});
export type AccountView = z.infer<typeof AccountView>;

export const AccountList = z.strictObject({ items: z.array(AccountView) });

/** A hub admin adds an account to their org; the password is set by the admin and told to the person. */
export const CreateAccountRequest = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(200),
  role: z.enum(HUB_ROLES),
  password: z.string().min(10, 'at least 10 characters').max(1024),
});
export type CreateAccountRequest = z.infer<typeof CreateAccountRequest>;

/** Change a role, disable or enable, or set a new password. Disabling ends the account's sessions. */
export const UpdateAccountRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(HUB_ROLES).optional(),
    active: z.boolean().optional(),
    password: z.string().min(10, 'at least 10 characters').max(1024).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one of name, role, active, password' });
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequest>;

export const AccountIdParams = z.strictObject({ id: z.uuid() });

export const RenameOrgRequest = z.strictObject({ name: z.string().trim().min(1).max(200) });
