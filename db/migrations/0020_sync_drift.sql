ALTER TABLE `sync_state` ADD `drift_checked_at` integer;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `drift_summary` text;