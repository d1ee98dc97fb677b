import type { ZodError } from 'zod';

export interface FieldError {
  /** JSON pointer-ish dotted path of the offending field ("body.title", "query.limit"). */
  field: string;
  message: string;
}

/** One error model (STYLE 9): every refusal the API makes is one of these, rendered as RFC 9457 problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: FieldError[] = []) {
    super(400, 'validation_failed', message, errors);
  }

  static fromZod(where: string, err: ZodError): ValidationError {
    const errors = err.issues.map((i) => ({
      field: [where, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    return new ValidationError(`The ${where} is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first: send "Authorization: Bearer <token>".') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

/** Also what another org's ids get (DESIGN invariant 2): never a hint that the row exists. */
export class NotFoundError extends AppError {
  constructor(entity: string, id?: string) {
    super(404, 'not_found', id ? `No ${entity} with id ${id}.` : `No such ${entity}.`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(409, code, message, [], extra);
  }
}

/** Optimistic concurrency: someone else changed the row since the caller read it (If-Match / version). */
export class VersionConflictError extends AppError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(409, 'version_conflict', message, [], extra);
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, message: string, errors: FieldError[] = []) {
    super(422, code, message, errors);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string) {
    super(429, 'too_many_requests', message);
  }
}
