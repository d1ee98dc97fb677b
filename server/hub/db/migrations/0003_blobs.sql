CREATE TABLE "blob_parts" (
	"org_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"offset" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "blob_parts_org_id_sha256_offset_pk" PRIMARY KEY("org_id","sha256","offset")
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"org_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"received" bigint DEFAULT 0 NOT NULL,
	"complete" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "blobs_org_id_sha256_pk" PRIMARY KEY("org_id","sha256")
);
--> statement-breakpoint
-- Tenancy as for every table (0001_tenancy.sql): the app role sees and writes only the org it set.
ALTER TABLE "blobs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "blobs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "blobs"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "blob_parts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "blob_parts" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY org_isolation ON "blob_parts"
  USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
-- A blob whose parts do not hash to its name is deleted whole, parts and all.
GRANT SELECT, INSERT, UPDATE, DELETE ON "blobs" TO depotdesk_hub_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "blob_parts" TO depotdesk_hub_app;
