CREATE TABLE `sync_held` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`tbl` text NOT NULL,
	`row_id` text NOT NULL,
	`fields` text NOT NULL,
	`clocks` text,
	`held_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sync_held_org_tbl_idx` ON `sync_held` (`org_id`,`tbl`);