CREATE TABLE `sync_refusals` (
	`mutation_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`seq` integer NOT NULL,
	`action` text,
	`outcome` text NOT NULL,
	`code` text,
	`message` text,
	`at` integer NOT NULL,
	`dismissed_at` integer,
	`dismissed_by` text
);
--> statement-breakpoint
CREATE INDEX `sync_refusals_org_open_idx` ON `sync_refusals` (`org_id`,`dismissed_at`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `sync_refusals_org_seq_uq` ON `sync_refusals` (`org_id`,`seq`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`org_id` text PRIMARY KEY NOT NULL,
	`hub_url` text NOT NULL,
	`credential` text NOT NULL,
	`replica_org_id` text NOT NULL,
	`hub_org_id` text NOT NULL,
	`pull_cursor` integer DEFAULT 0 NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`last_push_at` integer,
	`last_pull_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`resnapshot_needed` integer DEFAULT false NOT NULL,
	`enrolled_at` integer NOT NULL
);
