import { and, eq, gt, isNull } from 'drizzle-orm';
import { depots, organizations, sessions, teamMembers, users, type Role } from '../../db/schema/index.js';
import { setHomeDepot } from '../depots/home.js';
import type { Actor, Ctx, Host } from '../core/context.js';
import { systemCtx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { mutate, type Writer } from '../core/mutate.js';
import { ConflictError, NotFoundError, UnauthorizedError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import { hashToken, newToken } from './tokens.js';
import type { z } from 'zod';
import type { SetupRequest } from './contract.js';

export interface AuthedActor extends Actor {
  userId: string;
  role: Role;
  email: string;
  sessionId: string;
  /** Teams the user belongs to: a technician's view of work is narrowed to these. */
  teamIds: string[];
}

export interface AuthedCtx extends Ctx {
  actor: AuthedActor;
}

export function setupNeeded(host: Host): boolean {
  return !host.sqlite.prepare('SELECT 1 FROM organizations LIMIT 1').get();
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'org'
  );
}

/** First run: creates the organization, its first depot and its admin. Refused once any org exists. */
export async function setup(
  host: Host,
  input: z.infer<typeof SetupRequest>,
  meta: SessionMeta,
  /**
   * Joining a hub's organization (server/sync/join.ts): its org id, and `fromHub` when the org row was
   * already written as received from the hub (it is the organization's, not this depot's, to create).
   */
  org: { id: string; fromHub?: boolean } = { id: newId() },
) {
  const alreadySetUp = () =>
    org.fromHub ? !!host.sqlite.prepare('SELECT 1 FROM users WHERE org_id = ? LIMIT 1').get(org.id) : !setupNeeded(host);
  if (alreadySetUp()) throw new ConflictError('already_set_up', 'This depot host is already set up; sign in instead.');
  const passwordHash = await hashPassword(input.admin.password);
  const orgId = org.id;
  const ctx = systemCtx(host, orgId, 'setup');
  mutate(ctx, 'org.setup', (w) => {
    // Re-checked inside the write lock: two first-run requests racing must not make two orgs.
    if (alreadySetUp()) throw new ConflictError('already_set_up', 'This depot host is already set up; sign in instead.');
    if (!org.fromHub)
      w.insert(organizations, {
        id: orgId,
        name: input.organization.name,
        slug: slugify(input.organization.name),
        timeZone: input.organization.timeZone,
      });
    const depot = input.depot ?? { name: `${input.organization.name} depot`, code: 'MAIN' };
    const home = w.insert(depots, { name: depot.name, code: depot.code, timeZone: input.organization.timeZone });
    // This host numbers its work orders with the depot it was set up for (depots/home.ts).
    setHomeDepot(host, home.id);
    w.insert(users, { email: input.admin.email, name: input.admin.name, role: 'admin', passwordHash });
  });
  return login(host, { email: input.admin.email, password: input.admin.password }, meta);
}

export interface SessionMeta {
  userAgent?: string | undefined;
  ip?: string | undefined;
  kind?: 'console' | 'crew' | 'api';
  ttlHours?: number;
}

export async function login(host: Host, input: { email: string; password: string }, meta: SessionMeta) {
  const user = host.db.select().from(users).where(eq(users.email, input.email)).get();
  // Verify against a dummy hash when the user is unknown so timing does not reveal which e-mails exist.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || !user.active) throw new UnauthorizedError('E-mail or password is wrong.');
  const ctx: Ctx = { host, orgId: user.orgId, actor: { userId: user.id, role: user.role, name: user.name } };
  const opened = mutate(ctx, 'auth.login', (w) => openSession(w, user.id, meta));
  return signedIn(host, opened);
}

/**
 * Inserts a new session for `userId` inside the caller's mutation (sign-in, crew pairing) and
 * returns its token: shown once to the client, stored only as its hash.
 */
export function openSession(w: Writer, userId: string, meta: SessionMeta): { token: string; expiresAt: number; sessionId: string } {
  const token = newToken();
  const expiresAt = w.now + (meta.ttlHours ?? 24 * 14) * 3_600_000;
  const session = w.insert(sessions, {
    userId,
    tokenHash: hashToken(token),
    kind: meta.kind ?? 'console',
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    ip: meta.ip ?? null,
    lastSeenAt: w.now,
    expiresAt,
    revokedAt: null,
  });
  return { token, expiresAt, sessionId: session.id };
}

/** The sign-in response (LoginResponse) for a session opened by openSession(), once committed. */
export function signedIn(host: Host, opened: { token: string; expiresAt: number }) {
  const actor = loadActor(host, opened.token);
  if (!actor) throw new Error('session vanished right after it was created');
  return { token: opened.token, expiresAt: iso(opened.expiresAt), user: describeUser(actor.actor) };
}

export function describeUser(actor: AuthedActor & { orgId?: string }, orgId?: string) {
  return {
    id: actor.userId,
    orgId: orgId ?? actor.orgId ?? '',
    email: actor.email,
    name: actor.name,
    role: actor.role,
    permissions: [...ROLE_PERMISSIONS[actor.role]],
    teamIds: actor.teamIds,
  };
}

const TOUCH_EVERY_MS = 60_000;
const CACHE_TTL_MS = 30_000;

type LoadedSession = { orgId: string; actor: AuthedActor & { orgId: string } };
interface CachedSession {
  session: LoadedSession;
  expiresAt: number;
  lastSeenAt: number;
  cachedAt: number;
}

/**
 * Every request resolves its token, so sessions are cached per host. Any committed change to
 * sessions, users or team memberships clears the cache (the bus publishes after COMMIT), so a
 * revoked token or a disabled user stops working at once; the TTL only bounds memory and drift.
 * A true cache, so it stays private here rather than on the services object (server/services.ts):
 * losing it changes no answer, it has nothing to start or stop, and only loadActor reads it.
 */
const sessionCaches = new WeakMap<Host, Map<string, CachedSession>>();
function sessionCache(host: Host): Map<string, CachedSession> {
  let cache = sessionCaches.get(host);
  if (!cache) {
    const created = new Map<string, CachedSession>();
    host.bus.subscribe((m) => {
      if (m.data.tables.some((t) => t === 'sessions' || t === 'users' || t === 'team_members')) created.clear();
    });
    sessionCaches.set(host, created);
    cache = created;
  }
  return cache;
}

/** Resolves a bearer token to its org and actor, or null when unknown, expired, revoked or the user is disabled. */
export function loadActor(host: Host, token: string): LoadedSession | null {
  const now = host.clock.now();
  const tokenHash = hashToken(token);
  const cache = sessionCache(host);
  const hit = cache.get(tokenHash);
  if (hit && hit.expiresAt > now && now - hit.cachedAt < CACHE_TTL_MS) {
    touch(host, hit, now);
    return hit.session;
  }
  cache.delete(tokenHash);
  const row = host.db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .get();
  if (!row || !row.user.active) return null;
  const teamIds = host.db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    // A removed membership (tombstone) gives no team access.
    .where(and(eq(teamMembers.userId, row.user.id), isNull(teamMembers.deletedAt)))
    .all()
    .map((t) => t.teamId);
  const session: LoadedSession = {
    orgId: row.user.orgId,
    actor: {
      userId: row.user.id,
      role: row.user.role,
      name: row.user.name,
      email: row.user.email,
      sessionId: row.session.id,
      teamIds,
      orgId: row.user.orgId,
    },
  };
  const entry: CachedSession = { session, expiresAt: row.session.expiresAt, lastSeenAt: row.session.lastSeenAt, cachedAt: now };
  if (cache.size > 10_000) cache.clear();
  cache.set(tokenHash, entry);
  touch(host, entry, now);
  return session;
}

function touch(host: Host, entry: CachedSession, now: number): void {
  if (now - entry.lastSeenAt <= TOUCH_EVERY_MS) return;
  entry.lastSeenAt = now;
  // Housekeeping, not a domain change: not audited or synced, and throttled to one write a minute.
  host.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, entry.session.actor.sessionId)).run();
}

export function revokeSession(ctx: Ctx, sessionId: string): void {
  mutate(ctx, 'auth.session_revoked', (w) => {
    const s = w.get(sessions, sessionId, 'session');
    if (s.revokedAt) return;
    w.update(sessions, sessionId, { revokedAt: w.now }, { before: s });
  });
}

export function listSessions(ctx: AuthedCtx) {
  const now = ctx.host.clock.now();
  return ctx.host.db
    .select({ session: sessions, userName: users.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.orgId, ctx.orgId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .all()
    .map(({ session: s, userName }) => ({
      id: s.id,
      userId: s.userId,
      userName,
      kind: s.kind,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt),
      expiresAt: iso(s.expiresAt),
      current: s.id === ctx.actor.sessionId,
    }));
}

export function assertSessionInOrg(ctx: Ctx, sessionId: string): void {
  const s = ctx.host.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.orgId, ctx.orgId)))
    .get();
  if (!s) throw new NotFoundError('session', sessionId);
}
