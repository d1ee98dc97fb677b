CREATE TABLE `telemetry_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`asset_id` text,
	`vehicle_id` text,
	`location_id` text,
	`metric` text,
	`state` text NOT NULL,
	`raised_at` integer NOT NULL,
	`cleared_at` integer,
	`trigger_value` real,
	`peak_value` real,
	`work_order_id` text,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `telemetry_rules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `telemetry_alerts_org_state_idx` ON `telemetry_alerts` (`org_id`,`state`,`raised_at`);--> statement-breakpoint
CREATE INDEX `telemetry_alerts_rule_subject_idx` ON `telemetry_alerts` (`rule_id`,`subject_id`,`raised_at`);--> statement-breakpoint
CREATE TABLE `telemetry_devices` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`vendor_id` text,
	`product_id` text,
	`serial_number` text,
	`path` text,
	`protocol` text NOT NULL,
	`serial` text NOT NULL,
	`modbus` text,
	`asset_id` text,
	`vehicle_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`silence_after_ms` integer DEFAULT 30000 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telemetry_devices_org_name_uq` ON `telemetry_devices` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `telemetry_readings` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`device_id` text NOT NULL,
	`asset_id` text,
	`vehicle_id` text,
	`metric` text NOT NULL,
	`value` real NOT NULL,
	`unit` text,
	`at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `telemetry_readings_asset_metric_at_idx` ON `telemetry_readings` (`asset_id`,`metric`,`at`);--> statement-breakpoint
CREATE INDEX `telemetry_readings_vehicle_metric_at_idx` ON `telemetry_readings` (`vehicle_id`,`metric`,`at`);--> statement-breakpoint
CREATE INDEX `telemetry_readings_org_at_idx` ON `telemetry_readings` (`org_id`,`at`);--> statement-breakpoint
CREATE TABLE `telemetry_retention_gate` (
	`org_id` text PRIMARY KEY NOT NULL,
	`before_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `telemetry_rollups` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`resolution` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`metric` text NOT NULL,
	`unit` text,
	`bucket_start` integer NOT NULL,
	`count` integer NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	`sum` real NOT NULL,
	`last` real NOT NULL,
	`last_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telemetry_rollups_key_uq` ON `telemetry_rollups` (`subject_id`,`metric`,`resolution`,`bucket_start`);--> statement-breakpoint
CREATE INDEX `telemetry_rollups_org_res_bucket_idx` ON `telemetry_rollups` (`org_id`,`resolution`,`bucket_start`);--> statement-breakpoint
CREATE TABLE `telemetry_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`metric` text,
	`asset_id` text,
	`vehicle_id` text,
	`location_id` text,
	`threshold` real,
	`low` real,
	`high` real,
	`hysteresis` real DEFAULT 0 NOT NULL,
	`min_duration_ms` integer DEFAULT 0 NOT NULL,
	`raises_alert` integer DEFAULT true NOT NULL,
	`opens_work_order` integer DEFAULT false NOT NULL,
	`template_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`template_id`) REFERENCES `task_templates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `telemetry_rules_org_idx` ON `telemetry_rules` (`org_id`,`enabled`);--> statement-breakpoint
CREATE TABLE `telemetry_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`raw_retention_days` integer NOT NULL,
	`minute_retention_days` integer NOT NULL,
	`hour_retention_days` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telemetry_settings_org_uq` ON `telemetry_settings` (`org_id`);--> statement-breakpoint
CREATE TABLE `vehicle_positions` (
	`id` integer PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`device_id` text NOT NULL,
	`vehicle_id` text,
	`at` integer NOT NULL,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`speed_kmh` real,
	`heading_deg` real,
	`fix_quality` integer NOT NULL,
	`satellites` integer,
	`hdop` real,
	`altitude_m` real,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vehicle_positions_vehicle_at_idx` ON `vehicle_positions` (`vehicle_id`,`at`);--> statement-breakpoint
CREATE INDEX `vehicle_positions_org_at_idx` ON `vehicle_positions` (`org_id`,`at`);--> statement-breakpoint
-- Append-only telemetry history (DESIGN invariant 6). UPDATE is refused always. DELETE is refused
-- unless the retention job has opened the gate for that row's org and the row is older than the
-- gate's cutoff: the job inserts the gate row, deletes a chunk and removes the gate row inside one
-- transaction, so the gate is never visible outside it and nothing else can remove history (a
-- stray DELETE, or the job itself with a wrong cutoff, fails loudly).
CREATE TRIGGER telemetry_readings_no_update BEFORE UPDATE ON telemetry_readings
BEGIN SELECT RAISE(ABORT, 'telemetry_readings is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER telemetry_readings_retention_only BEFORE DELETE ON telemetry_readings
WHEN NOT EXISTS (SELECT 1 FROM telemetry_retention_gate g WHERE g.org_id = old.org_id AND old.at < g.before_at)
BEGIN SELECT RAISE(ABORT, 'telemetry_readings is append-only: only expired rows may be deleted, by the retention job'); END;
--> statement-breakpoint
CREATE TRIGGER vehicle_positions_no_update BEFORE UPDATE ON vehicle_positions
BEGIN SELECT RAISE(ABORT, 'vehicle_positions is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER vehicle_positions_retention_only BEFORE DELETE ON vehicle_positions
WHEN NOT EXISTS (SELECT 1 FROM telemetry_retention_gate g WHERE g.org_id = old.org_id AND old.at < g.before_at)
BEGIN SELECT RAISE(ABORT, 'vehicle_positions is append-only: only expired rows may be deleted, by the retention job'); END;
