CREATE TABLE "applied_mutations" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"node_id" uuid NOT NULL,
	"epoch" integer NOT NULL,
	"seq" bigint NOT NULL,
	"hlc" text NOT NULL,
	"action" text NOT NULL,
	"actor_id" text,
	"outcome" text NOT NULL,
	"version" bigint,
	"result" jsonb NOT NULL,
	"applied_at" bigint NOT NULL,
	CONSTRAINT "applied_mutations_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "batch_rows" (
	"org_id" uuid NOT NULL,
	"tbl" text NOT NULL,
	"node_id" uuid NOT NULL,
	"epoch" integer NOT NULL,
	"local_id" bigint NOT NULL,
	"fields" jsonb NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "batch_rows_org_id_tbl_node_id_epoch_local_id_pk" PRIMARY KEY("org_id","tbl","node_id","epoch","local_id")
);
--> statement-breakpoint
CREATE TABLE "conflicts" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"mutation_id" uuid NOT NULL,
	"node_id" uuid NOT NULL,
	"tbl" text NOT NULL,
	"row_id" text NOT NULL,
	"field" text,
	"code" text NOT NULL,
	"losing" jsonb,
	"kept" jsonb,
	"at" bigint NOT NULL,
	CONSTRAINT "conflicts_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "enrolment_codes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint,
	"used_by_node" uuid,
	CONSTRAINT "enrolment_codes_code_hash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "facts" (
	"org_id" uuid NOT NULL,
	"tbl" text NOT NULL,
	"row_id" text NOT NULL,
	"fields" jsonb NOT NULL,
	"version" bigint NOT NULL,
	"node_id" uuid NOT NULL,
	CONSTRAINT "facts_org_id_tbl_row_id_pk" PRIMARY KEY("org_id","tbl","row_id")
);
--> statement-breakpoint
CREATE TABLE "hub_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hub_orgs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"replica_org_id" uuid,
	"floor_version" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "hub_orgs_slug_unique" UNIQUE("slug"),
	CONSTRAINT "hub_orgs_replica_org_id_unique" UNIQUE("replica_org_id")
);
--> statement-breakpoint
CREATE TABLE "hub_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"revoked_at" bigint,
	CONSTRAINT "hub_sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "node_streams" (
	"org_id" uuid NOT NULL,
	"node_id" uuid NOT NULL,
	"epoch" integer NOT NULL,
	"acked_seq" bigint NOT NULL,
	CONSTRAINT "node_streams_org_id_node_id_epoch_pk" PRIMARY KEY("org_id","node_id","epoch")
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"depot_code" text NOT NULL,
	"depot_name" text NOT NULL,
	"credential_hash" text NOT NULL,
	"software_version" text NOT NULL,
	"schema" integer NOT NULL,
	"state" text NOT NULL,
	"enrolled_at" bigint NOT NULL,
	"last_push_at" bigint,
	"last_pull_at" bigint,
	"last_pulled_version" bigint,
	CONSTRAINT "nodes_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "nodes_credential_hash_unique" UNIQUE("credential_hash")
);
--> statement-breakpoint
CREATE TABLE "org_versions" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rows" (
	"org_id" uuid NOT NULL,
	"tbl" text NOT NULL,
	"row_id" text NOT NULL,
	"fields" jsonb NOT NULL,
	"clocks" jsonb NOT NULL,
	"versions" jsonb NOT NULL,
	"version" bigint NOT NULL,
	"gone" boolean DEFAULT false NOT NULL,
	CONSTRAINT "rows_org_id_tbl_row_id_pk" PRIMARY KEY("org_id","tbl","row_id")
);
--> statement-breakpoint
CREATE INDEX "applied_mutations_node_idx" ON "applied_mutations" USING btree ("org_id","node_id","epoch","seq");--> statement-breakpoint
CREATE INDEX "conflicts_org_at_idx" ON "conflicts" USING btree ("org_id","at");--> statement-breakpoint
CREATE INDEX "facts_org_version_idx" ON "facts" USING btree ("org_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "hub_accounts_email_uq" ON "hub_accounts" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "rows_org_version_idx" ON "rows" USING btree ("org_id","version");