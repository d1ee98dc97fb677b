import { defineHubRoute, type HubFeature } from '../http/route.js';
import { attemptsLimiter } from '../http/rate-limit.js';
import { EnrolAnswer, EnrolRequest, EnrolmentCodeAnswer } from './contract.js';
import { enrol, issueEnrolmentCode } from './service.js';

const issueCode = defineHubRoute({
  method: 'post',
  path: '/enrolment-codes',
  summary: 'Issue a one-use enrolment code for a depot of your org (24 h)',
  tag: 'enrolment',
  access: 'admin',
  response: EnrolmentCodeAnswer,
  handler: async ({ deps, auth }) => {
    const issued = await issueEnrolmentCode(deps.pool, auth, deps.now(), deps.config.enrolmentCodeTtlMs);
    return { code: issued.code, expiresAt: new Date(issued.expiresAt).toISOString() };
  },
});

const enrolRoute = defineHubRoute({
  method: 'post',
  path: '/enrol',
  summary: 'A depot enrols with a code and gets its node credential',
  tag: 'enrolment',
  access: 'public',
  body: EnrolRequest,
  status: 200,
  response: EnrolAnswer,
  errors: [401, 409, 410, 429],
  before: attemptsLimiter('enrolment'),
  handler: ({ deps, body }) => enrol(deps.pool, deps.now(), body),
});

export const enrolmentFeature: HubFeature = { name: 'enrolment', routes: [issueCode, enrolRoute] };
