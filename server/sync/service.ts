import { HOST_VERSION } from '../version.js';
import type { Ctx } from '../core/context.js';
import { homeDepot } from '../depots/home.js';
import { AppError } from '../errors.js';
import { SYNC_SCHEMA_EPOCH } from './contract-protocol.js';
import { HubClient, HubCredentialError, HubRefusedError, HubUnavailableError } from './hub-client.js';
import { dismissRefusal, readSyncState, recordEnrolment, setPaused, markResnapshotNeeded } from './sync-state.js';

/**
 * What an admin does on the Sync page (docs/sync.md "Identity and enrolment"). Each writes only the
 * depot's local sync bookkeeping; the loop (runtime.ts) picks the change up on its next cycle.
 */

export function hubError(err: unknown): never {
  if (err instanceof HubUnavailableError) throw new AppError(502, 'hub_unreachable', err.message);
  if (err instanceof HubRefusedError) {
    // The hub's own words: wrong or used code, another organization, a bad address.
    const status = err.status === 409 ? 409 : err.status === 400 && err.code === 'hub_url_invalid' ? 400 : 422;
    throw new AppError(status, err.code === 'hub_url_invalid' ? 'hub_url_invalid' : 'enrolment_refused', err.message);
  }
  throw err;
}

export async function enrol(ctx: Ctx, input: { hubUrl: string; code: string }): Promise<void> {
  const { host } = ctx;
  const depot = homeDepot(ctx);
  if (!depot)
    throw new AppError(409, 'no_depot', 'Set up this depot (Settings → Depots) before joining a hub: the hub needs its code and name.');
  const name =
    (host.sqlite.prepare('SELECT name FROM depots WHERE id = ? AND org_id = ?').pluck().get(depot.id, ctx.orgId) as string | undefined) ??
    depot.code;
  let client: HubClient;
  try {
    client = new HubClient(input.hubUrl, null, { timeoutMs: 15_000 });
  } catch (err) {
    hubError(err);
  }
  let answer;
  try {
    answer = await client.enrol({
      code: input.code,
      node: host.depotId,
      orgId: ctx.orgId,
      depotCode: depot.code,
      depotName: name,
      schema: SYNC_SCHEMA_EPOCH,
      version: HOST_VERSION,
    });
  } catch (err) {
    hubError(err);
  }
  // The hub refuses a depot of another organization; check again here so a hub that does not can
  // never make this depot write rows under an org id that is not its own.
  if (answer.replicaOrgId !== ctx.orgId)
    throw new AppError(
      409,
      'enrolment_refused',
      'That hub belongs to another organization: this depot keeps its own data and cannot merge it into another organization.',
    );
  recordEnrolment(host, ctx.orgId, {
    hubUrl: client.url,
    credential: answer.credential,
    replicaOrgId: answer.replicaOrgId,
    hubOrgId: answer.hubOrgId,
  });
  host.commits.flush();
  ctx.host.log?.info({ hub: client.url, hubOrgId: answer.hubOrgId, by: ctx.actor.userId }, 'joined the organization hub');
}

function requireEnrolled(ctx: Ctx) {
  const state = readSyncState(ctx.host.sqlite, ctx.orgId);
  if (!state) throw new AppError(409, 'not_enrolled', 'This depot has not joined a hub.');
  return state;
}

export function pause(ctx: Ctx, paused: boolean): void {
  requireEnrolled(ctx);
  setPaused(ctx.host, ctx.orgId, paused);
}

export function resnapshot(ctx: Ctx): void {
  requireEnrolled(ctx);
  markResnapshotNeeded(ctx.host, ctx.orgId);
}

/**
 * Leaves the hub: revokes the credential there (best effort: an unreachable hub must not keep a
 * depot from leaving; a hub admin can revoke it too), then forgets the link. Data stays.
 */
export async function leave(ctx: Ctx): Promise<{ revokedAtHub: boolean }> {
  const state = requireEnrolled(ctx);
  let revokedAtHub = true;
  try {
    await new HubClient(state.hubUrl, state.credential, { timeoutMs: 10_000 }).leave();
  } catch (err) {
    if (!(err instanceof HubUnavailableError || err instanceof HubCredentialError)) throw err;
    revokedAtHub = err instanceof HubCredentialError;
  }
  ctx.host.commits.run(() => ctx.host.sqlite.prepare('DELETE FROM sync_state WHERE org_id = ?').run(ctx.orgId));
  ctx.host.commits.flush();
  ctx.host.log?.info({ hub: state.hubUrl, revokedAtHub, by: ctx.actor.userId }, 'left the organization hub');
  return { revokedAtHub };
}

export function dismiss(ctx: Ctx, mutationId: string): void {
  if (!dismissRefusal(ctx.host, ctx.orgId, mutationId, ctx.actor.userId ?? `system:${ctx.actor.name}`))
    throw new AppError(404, 'not_found', 'No open refusal with that id.');
}
