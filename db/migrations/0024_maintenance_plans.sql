CREATE TABLE `maintenance_occurrences` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`occurrence_key` text NOT NULL,
	`asset_id` text,
	`due_at` integer NOT NULL,
	`work_order_id` text,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `maintenance_plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `maintenance_occurrences_plan_key_uq` ON `maintenance_occurrences` (`org_id`,`plan_id`,`occurrence_key`);--> statement-breakpoint
CREATE INDEX `maintenance_occurrences_org_due_idx` ON `maintenance_occurrences` (`org_id`,`due_at`);--> statement-breakpoint
CREATE TABLE `maintenance_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`depot_id` text,
	`template_id` text NOT NULL,
	`asset_id` text,
	`asset_category` text,
	`location_id` text,
	`kind` text NOT NULL,
	`rrule` text,
	`dtstart` text,
	`meter_device_id` text,
	`meter_metric` text,
	`meter_mode` text,
	`meter_interval` real,
	`meter_baseline` real,
	`meter_threshold` real,
	`effective_from` integer NOT NULL,
	`horizon_days` integer DEFAULT 14 NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	`deleted_by` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`depot_id`) REFERENCES `depots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`template_id`) REFERENCES `task_templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meter_device_id`) REFERENCES `telemetry_devices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `maintenance_plans_org_idx` ON `maintenance_plans` (`org_id`,`paused`);