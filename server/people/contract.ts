import { z } from 'zod';
import { Email, Id, Name } from '../http/contract-common.js';
import { OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';
import { Password, RoleSchema } from '../auth/contract.js';
import { WorkingHoursSchema } from '../sla/contract.js';

const editable = {
  name: Name,
  role: RoleSchema,
  phone: OptionalText(40),
  homeDepotId: Id.nullable().optional(),
  /** Weekly shift, in the same shape as an SLA calendar's working hours. */
  shift: WorkingHoursSchema.nullable().optional(),
};

export const UserCreate = z
  .strictObject({ email: Email, password: Password.optional(), ...editable })
  // Crews may sign in only by pairing their phone (a one-time code from the console), so a
  // technician needs no password; everyone else signs in at a console with one.
  .refine((u) => u.password !== undefined || u.role === 'technician', {
    path: ['password'],
    message: 'required for every role but technician (technicians may sign in by pairing a phone instead)',
  })
  .meta({
    id: 'UserCreate',
    description: 'A new user with an initial password (they should change it); optional for technicians, who can pair a phone instead.',
  });
export const UserUpdate = patchSchema({ ...editable, active: z.boolean() }).meta({
  id: 'UserUpdate',
  description: 'Deactivating a user (active: false) also signs them out everywhere.',
});

export const User = z
  .object({
    ...TrackedDto,
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    phone: z.string().nullable(),
    homeDepotId: Id.nullable(),
    active: z.boolean(),
    shift: WorkingHoursSchema.nullable(),
    hasPassword: z.boolean().meta({
      description:
        'A password is set on this depot. Passwords never travel between depots: a person who came from another depot by sync has none here until an admin sets one.',
    }),
  })
  .meta({ id: 'User' });

export const UserSkill = z
  .object({ skillId: Id, name: z.string(), category: z.string().nullable(), level: z.number().int() })
  .meta({ id: 'UserSkill' });

export const UserDetail = User.extend({ skills: z.array(UserSkill), teamIds: z.array(Id) }).meta({ id: 'UserDetail' });

export const UserSkillPut = z.strictObject({ level: z.number().int().min(1).max(5).meta({ description: '1 (trainee) .. 5 (expert)' }) });
export const UserSkillParams = z.strictObject({ id: Id, skillId: Id });
export const PasswordReset = z.strictObject({ password: Password });
