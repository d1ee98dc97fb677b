CREATE TABLE `stock_movements` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`depot_id` text NOT NULL,
	`item_id` text NOT NULL,
	`delta` real NOT NULL,
	`kind` text NOT NULL,
	`reason` text,
	`work_order_id` text,
	`usage_id` text,
	`actor_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`depot_id`) REFERENCES `depots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `stock_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`usage_id`) REFERENCES `material_usages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stock_movements_level_idx` ON `stock_movements` (`depot_id`,`item_id`,`at`);--> statement-breakpoint
CREATE INDEX `stock_movements_wo_idx` ON `stock_movements` (`work_order_id`);--> statement-breakpoint
CREATE TABLE `change_compaction_gate` (
	`org_id` text PRIMARY KEY NOT NULL,
	`through_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `changes` (
	`mutation_seq` integer NOT NULL,
	`n` integer NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`op` text NOT NULL,
	`fields` text,
	PRIMARY KEY(`mutation_seq`, `n`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `mutations` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`org_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`hlc` text NOT NULL,
	`action` text NOT NULL,
	`actor_id` text,
	`request_hash` text,
	`audit_from` integer,
	`audit_to` integer,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mutations_id_uq` ON `mutations` (`id`);--> statement-breakpoint
CREATE INDEX `mutations_org_seq_idx` ON `mutations` (`org_id`,`seq`);--> statement-breakpoint
CREATE TABLE `node_epochs` (
	`epoch` integer PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`reason` text NOT NULL,
	`seq_floor` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_acks` (
	`org_id` text PRIMARY KEY NOT NULL,
	`acked_seq` integer NOT NULL,
	`acked_at` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `depots_org_code_uq`;--> statement-breakpoint
ALTER TABLE `depots` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `depots` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `depots_org_code_uq` ON `depots` (`org_id`,`code`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `teams_org_name_uq`;--> statement-breakpoint
ALTER TABLE `teams` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `teams` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `teams_org_name_uq` ON `teams` (`org_id`,`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `assets_org_tag_uq`;--> statement-breakpoint
ALTER TABLE `assets` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `assets` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `assets_org_tag_uq` ON `assets` (`org_id`,`tag`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `locations_org_code_uq`;--> statement-breakpoint
ALTER TABLE `locations` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `locations` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `locations_org_code_uq` ON `locations` (`org_id`,`code`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `vehicles_org_call_sign_uq`;--> statement-breakpoint
ALTER TABLE `vehicles` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `vehicles` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `vehicles_org_call_sign_uq` ON `vehicles` (`org_id`,`call_sign`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `projects_org_code_uq`;--> statement-breakpoint
ALTER TABLE `projects` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `projects_org_code_uq` ON `projects` (`org_id`,`code`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `task_templates_org_name_uq`;--> statement-breakpoint
ALTER TABLE `task_templates` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `task_templates` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `task_templates_org_name_uq` ON `task_templates` (`org_id`,`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `sla_calendars_org_name_uq`;--> statement-breakpoint
ALTER TABLE `sla_calendars` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `sla_calendars` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `sla_calendars_org_name_uq` ON `sla_calendars` (`org_id`,`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `report_schedules_org_slug_uq`;--> statement-breakpoint
ALTER TABLE `report_schedules` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `report_schedules` ADD `deleted_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `report_schedules_org_slug_uq` ON `report_schedules` (`org_id`,`slug`) WHERE deleted_at IS NULL;--> statement-breakpoint
ALTER TABLE `skills` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `skills` ADD `deleted_by` text;--> statement-breakpoint
ALTER TABLE `team_members` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `team_members` ADD `deleted_by` text;--> statement-breakpoint
ALTER TABLE `user_skills` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `user_skills` ADD `deleted_by` text;--> statement-breakpoint
ALTER TABLE `milestones` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `milestones` ADD `deleted_by` text;--> statement-breakpoint
ALTER TABLE `project_phases` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `project_phases` ADD `deleted_by` text;--> statement-breakpoint
ALTER TABLE `sla_policies` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `sla_policies` ADD `deleted_by` text;--> statement-breakpoint
ALTER TABLE `stock_items` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `stock_items` ADD `deleted_by` text;--> statement-breakpoint
-- Hand-written below (drizzle-kit models neither triggers nor WITHOUT ROWID; `changes` above was
-- edited by hand to be clustered by its primary key, which keeps a change row near 100 bytes).
-- The mutation log is append-only; rows leave only through compaction, which opens the gate for
-- the org up to the seq the hub has acknowledged (server/sync/compaction.ts).
CREATE TRIGGER mutations_no_update BEFORE UPDATE ON mutations
BEGIN SELECT RAISE(ABORT, 'mutations is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER mutations_gated_delete BEFORE DELETE ON mutations
WHEN NOT EXISTS (SELECT 1 FROM change_compaction_gate g WHERE g.org_id = old.org_id AND old.seq <= g.through_seq)
BEGIN SELECT RAISE(ABORT, 'mutations is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER changes_gated_delete BEFORE DELETE ON changes
WHEN NOT EXISTS (SELECT 1 FROM change_compaction_gate g WHERE old.mutation_seq <= g.through_seq)
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
--> statement-breakpoint
-- Stock levels written before movements existed get one opening movement each, so every level
-- equals the sum of its movements from the first start on this version (the level's id is reused:
-- one opening movement per level, and the same id on a second run of this SQL would fail loudly).
INSERT INTO stock_movements (id, org_id, depot_id, item_id, delta, kind, reason, at)
SELECT id, org_id, depot_id, item_id, quantity, 'initial', 'opening balance (migration 0010)', updated_at
FROM stock_levels WHERE quantity <> 0;
