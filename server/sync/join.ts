import type { z } from 'zod';
import type { SetupRequest } from '../auth/contract.js';
import { setup, setupNeeded, slugify, type SessionMeta } from '../auth/service.js';
import { runSyncApply } from './apply-scope.js';
import type { Host } from '../core/context.js';
import { newId } from '../core/ids.js';
import { ConflictError } from '../errors.js';
import { HOST_VERSION } from '../version.js';
import { SYNC_SCHEMA_EPOCH } from './contract-protocol.js';
import { HubClient } from './hub-client.js';
import { hubError } from './service.js';
import { recordEnrolment } from './sync-state.js';

/**
 * First-run setup that joins an organization's hub (docs/sync.md "Identity and enrolment"): the hub
 * gives the org's replica org id and name, the depot creates its org row under that id with its own
 * depot and admin, records the enrolment, and its first pull is a snapshot of the organization.
 * The same org id on every depot is what makes natural-key ids (a skill by name, a SKU) name one row
 * everywhere.
 */
export async function setupByJoining(host: Host, input: z.infer<typeof SetupRequest>, meta: SessionMeta) {
  const join = input.join!;
  if (!setupNeeded(host)) throw new ConflictError('already_set_up', 'This depot host is already set up; sign in instead.');
  const depot = input.depot ?? { name: `${input.organization.name} depot`, code: 'MAIN' };
  let client: HubClient;
  try {
    client = new HubClient(join.hubUrl, null, { timeoutMs: 15_000 });
  } catch (err) {
    hubError(err);
  }
  let answer;
  try {
    answer = await client.enrol({
      code: join.code,
      node: host.depotId,
      // An unbound org binds to this id; a bound one answers its own.
      orgId: newId(),
      depotCode: depot.code,
      depotName: depot.name,
      schema: SYNC_SCHEMA_EPOCH,
      version: HOST_VERSION,
      join: true,
    });
  } catch (err) {
    hubError(err);
  }
  const orgId = answer.replicaOrgId;
  // The org row is the organization's: written as received from the hub (no change row of ours, so
  // this depot never pushes its own version of the org's name or time zone over the one the other
  // depots share); the snapshot then brings the org's real row.
  runSyncApply(host, orgId, 'sync.pulled', 'join', (touched) => {
    host.sqlite
      .prepare('INSERT INTO organizations (id, name, slug, time_zone, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 1)')
      .run(orgId, answer.orgName, slugify(answer.orgName), input.organization.timeZone, host.clock.now(), host.clock.now());
    touched.tables.add('organizations');
  });
  const session = await setup(host, { ...input, organization: { ...input.organization, name: answer.orgName } }, meta, {
    id: orgId,
    fromHub: true,
  });
  recordEnrolment(host, orgId, {
    hubUrl: client.url,
    credential: answer.credential,
    replicaOrgId: answer.replicaOrgId,
    hubOrgId: answer.hubOrgId,
  });
  host.commits.flush();
  host.log?.info({ hub: client.url, hubOrgId: answer.hubOrgId }, 'set up by joining the organization hub');
  return session;
}
