CREATE TABLE `attendance` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`work_order_id` text NOT NULL,
	`user_id` text NOT NULL,
	`location_id` text,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`lat` real,
	`lon` real,
	`accuracy_m` real,
	`distance_m` real,
	`fence` text NOT NULL,
	`reviewed_by` text,
	`reviewed_at` integer,
	`meta` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attendance_wo_idx` ON `attendance` (`work_order_id`,`at`);--> statement-breakpoint
CREATE INDEX `attendance_org_fence_idx` ON `attendance` (`org_id`,`fence`,`at`);--> statement-breakpoint
CREATE INDEX `attendance_user_idx` ON `attendance` (`user_id`,`at`);--> statement-breakpoint
CREATE TABLE `upload_keys` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`attachment_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `upload_keys_uq` ON `upload_keys` (`org_id`,`user_id`,`key`);--> statement-breakpoint
CREATE TABLE `work_order_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`work_order_id` text NOT NULL,
	`author_id` text,
	`body` text NOT NULL,
	`written_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`work_order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `work_order_messages_wo_idx` ON `work_order_messages` (`work_order_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `attachments` ADD `display_key` text;--> statement-breakpoint
CREATE TRIGGER work_order_messages_no_update BEFORE UPDATE ON work_order_messages
BEGIN SELECT RAISE(ABORT, 'work_order_messages is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER work_order_messages_no_delete BEFORE DELETE ON work_order_messages
BEGIN SELECT RAISE(ABORT, 'work_order_messages is append-only'); END;
