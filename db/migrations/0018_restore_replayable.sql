CREATE TABLE `sync_replayable` (
	`mutation_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`actor_id` text,
	`applied_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `node_epochs` ADD `lost_after_seq` integer;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `reconciled_epoch` integer;