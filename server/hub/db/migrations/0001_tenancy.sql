-- Tenancy at the hub (docs/sync.md). Runs as the database owner, like every hub migration.
--
-- Roles are cluster-wide, so several hub databases on one cluster (the tests make one per file, at
-- the same time) share them: created only if missing, and a concurrent creation is not an error.
-- depotdesk_hub_app: what the hub serves as (SET LOCAL ROLE in every transaction, server/hub/db/pool.ts).
--   It owns nothing, so it cannot alter, disable or bypass the policies below.
-- depotdesk_hub_lookup: owns the SECURITY DEFINER lookups that run before an org is known (sign-in
--   by e-mail, a session token, a node credential, an enrolment code). It reads a few columns of
--   four tables through its own policy and nothing else; nobody logs in as it or can SET ROLE to it
--   but the owner. A BYPASSRLS role would need a superuser to create; this does not.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'depotdesk_hub_app') THEN
    CREATE ROLE depotdesk_hub_app NOLOGIN NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'depotdesk_hub_lookup') THEN
    CREATE ROLE depotdesk_hub_lookup NOLOGIN NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- The owner switches to the app role per transaction and hands its lookups to the lookup role:
-- both need membership (a superuser has it implicitly).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'depotdesk_hub_app', 'MEMBER') THEN
    EXECUTE format('GRANT depotdesk_hub_app TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'depotdesk_hub_lookup', 'MEMBER') THEN
    EXECUTE format('GRANT depotdesk_hub_lookup TO %I', current_user);
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO depotdesk_hub_app, depotdesk_hub_lookup;
--> statement-breakpoint
-- One policy per table: a row is visible and writable only while app.org_id names its org. Unset
-- (NULL) or reset to '' after a transaction both mean no org: nothing is visible, nothing insertable.
ALTER TABLE "hub_orgs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "hub_orgs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "hub_orgs"
  USING (id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "hub_accounts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "hub_accounts" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "hub_accounts"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "hub_sessions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "hub_sessions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "hub_sessions"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "enrolment_codes" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "enrolment_codes" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "enrolment_codes"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "nodes" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "nodes" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "nodes"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "node_streams" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "node_streams" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "node_streams"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "org_versions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "org_versions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "org_versions"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "applied_mutations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "applied_mutations" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "applied_mutations"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "rows" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "rows" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "rows"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "facts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "facts" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "facts"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "batch_rows" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "batch_rows" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "batch_rows"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "conflicts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "conflicts" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "conflicts"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
-- Only what the hub does: no TRUNCATE, REFERENCES or TRIGGER anywhere; append-only tables get no UPDATE or DELETE.
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "hub_orgs" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "hub_accounts" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "hub_sessions" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "enrolment_codes" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "nodes" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "node_streams" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "org_versions" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON "applied_mutations" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rows" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON "facts" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON "batch_rows" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON "conflicts" TO depotdesk_hub_app;
--> statement-breakpoint
-- The lookup role reads the columns its functions need, on every org's rows (its own policy, SELECT only).
GRANT SELECT (id, org_id, email, active) ON "hub_accounts" TO depotdesk_hub_lookup;
--> statement-breakpoint
GRANT SELECT (id, org_id, account_id, token_hash, revoked_at) ON "hub_sessions" TO depotdesk_hub_lookup;
--> statement-breakpoint
GRANT SELECT (org_id, id, credential_hash, state) ON "nodes" TO depotdesk_hub_lookup;
--> statement-breakpoint
GRANT SELECT (id, org_id, code_hash) ON "enrolment_codes" TO depotdesk_hub_lookup;
--> statement-breakpoint
CREATE POLICY lookup ON "hub_accounts" FOR SELECT TO depotdesk_hub_lookup USING (true);
--> statement-breakpoint
CREATE POLICY lookup ON "hub_sessions" FOR SELECT TO depotdesk_hub_lookup USING (true);
--> statement-breakpoint
CREATE POLICY lookup ON "nodes" FOR SELECT TO depotdesk_hub_lookup USING (true);
--> statement-breakpoint
CREATE POLICY lookup ON "enrolment_codes" FOR SELECT TO depotdesk_hub_lookup USING (true);
--> statement-breakpoint
-- A function's new owner needs CREATE on its schema (ALTER FUNCTION ... OWNER TO); only for this migration.
GRANT CREATE ON SCHEMA public TO depotdesk_hub_lookup;
--> statement-breakpoint
CREATE FUNCTION public.hub_account_by_email(p_email text) RETURNS TABLE(account_id uuid, org_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT a.id, a.org_id FROM public.hub_accounts a WHERE lower(a.email) = lower(p_email) AND a.active $fn$;
--> statement-breakpoint
COMMENT ON FUNCTION public.hub_account_by_email(p_email text) IS 'Sign-in: the active account with this e-mail (unique across orgs) and its org; the password is checked in the org.';
--> statement-breakpoint
ALTER FUNCTION public.hub_account_by_email(p_email text) OWNER TO depotdesk_hub_lookup;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.hub_account_by_email(p_email text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.hub_account_by_email(p_email text) TO depotdesk_hub_app;
--> statement-breakpoint
CREATE FUNCTION public.hub_session_by_token(p_token_hash text) RETURNS TABLE(session_id uuid, account_id uuid, org_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT s.id, s.account_id, s.org_id FROM public.hub_sessions s WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL $fn$;
--> statement-breakpoint
COMMENT ON FUNCTION public.hub_session_by_token(p_token_hash text) IS 'A hub account''s bearer token (SHA-256): its session, account and org; expiry is checked in the org.';
--> statement-breakpoint
ALTER FUNCTION public.hub_session_by_token(p_token_hash text) OWNER TO depotdesk_hub_lookup;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.hub_session_by_token(p_token_hash text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.hub_session_by_token(p_token_hash text) TO depotdesk_hub_app;
--> statement-breakpoint
CREATE FUNCTION public.hub_node_by_credential(p_credential_hash text) RETURNS TABLE(org_id uuid, node_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT n.org_id, n.id FROM public.nodes n WHERE n.credential_hash = p_credential_hash AND n.state = 'active' $fn$;
--> statement-breakpoint
COMMENT ON FUNCTION public.hub_node_by_credential(p_credential_hash text) IS 'A depot''s credential (SHA-256): its org and node, only while the node is active (revoked: no row, 401).';
--> statement-breakpoint
ALTER FUNCTION public.hub_node_by_credential(p_credential_hash text) OWNER TO depotdesk_hub_lookup;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.hub_node_by_credential(p_credential_hash text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.hub_node_by_credential(p_credential_hash text) TO depotdesk_hub_app;
--> statement-breakpoint
CREATE FUNCTION public.hub_enrolment_code(p_code_hash text) RETURNS TABLE(code_id uuid, org_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT c.id, c.org_id FROM public.enrolment_codes c WHERE c.code_hash = p_code_hash $fn$;
--> statement-breakpoint
COMMENT ON FUNCTION public.hub_enrolment_code(p_code_hash text) IS 'An enrolment code (SHA-256): its id and org; whether it is used or expired is checked in the org, under a row lock.';
--> statement-breakpoint
ALTER FUNCTION public.hub_enrolment_code(p_code_hash text) OWNER TO depotdesk_hub_lookup;
--> statement-breakpoint
REVOKE ALL ON FUNCTION public.hub_enrolment_code(p_code_hash text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.hub_enrolment_code(p_code_hash text) TO depotdesk_hub_app;
--> statement-breakpoint
REVOKE CREATE ON SCHEMA public FROM depotdesk_hub_lookup;
