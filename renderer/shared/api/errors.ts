/**
 * One error model in every app (STYLE 9): a refusal from the depot host or the hub, both of which
 * answer with problem+json (RFC 9457), as one Error subclass the views can show and branch on.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** The problem+json body of a refusal (any part may be missing when a proxy answered instead). */
export function problemError(status: number, statusText: string, body: unknown): ApiError {
  const p = (body && typeof body === 'object' ? body : {}) as { code?: string; detail?: string; errors?: FieldError[]; requestId?: string };
  return new ApiError(status, p.code ?? 'error', p.detail ?? `${status} ${statusText}`.trim(), p.errors ?? [], p.requestId);
}
