DROP INDEX `work_orders_org_status_idx`;--> statement-breakpoint
CREATE INDEX `work_orders_org_status_created_idx` ON `work_orders` (`org_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_org_type_idx` ON `work_orders` (`org_id`,`type`);--> statement-breakpoint
CREATE INDEX `work_orders_org_project_idx` ON `work_orders` (`org_id`,`project_id`) WHERE project_id IS NOT NULL;