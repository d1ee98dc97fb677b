import { z } from 'zod';

export { EnrolAnswer, EnrolRequest } from '../../sync/contract-protocol.js';

export const EnrolmentCodeAnswer = z.strictObject({
  code: z.string().meta({ description: 'Shown once; only its hash is stored. One use.' }),
  expiresAt: z.string().meta({ description: 'ISO-8601; 24 h after issue' }),
});
export type EnrolmentCodeAnswer = z.infer<typeof EnrolmentCodeAnswer>;
