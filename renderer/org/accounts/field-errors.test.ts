import { describe, expect, it } from 'vitest';
import { CreateAccountRequest } from '../../../server/hub/accounts/contract';
import { ApiError } from '../../shared/api/errors';
import { fromError, fromZod } from './field-errors';

describe('form errors on the accounts page', () => {
  it('when the new account form is checked before sending, then each bad field gets the contract message', () => {
    const parsed = CreateAccountRequest.safeParse({ email: 'not-an-email', name: ' ', role: 'manager', password: 'short' });
    expect(parsed.success).toBe(false);
    const errors = fromZod(parsed.error!);
    expect(Object.keys(errors.fields).sort()).toEqual(['email', 'name', 'password']);
    expect(errors.fields.password).toBe('at least 10 characters');
    expect(errors.form).toBeNull();
  });

  it('when the hub refuses, then its detail is the form message and its field errors go to their fields', () => {
    const err = new ApiError(409, 'email_taken', 'An account with this e-mail already exists in the organization.', [
      { field: 'body.email', message: 'already used' },
    ]);
    expect(fromError(err)).toEqual({
      fields: { email: 'already used' },
      form: 'An account with this e-mail already exists in the organization.',
    });
  });

  it('when something else fails, then its message is shown as it is', () => {
    expect(fromError(new Error('boom'))).toEqual({ fields: {}, form: 'boom' });
  });
});
