DROP INDEX `work_orders_org_asset_idx`;--> statement-breakpoint
CREATE INDEX `work_orders_org_asset_created_idx` ON `work_orders` (`org_id`,`asset_id`,`created_at`,`type`,`status`);--> statement-breakpoint
CREATE INDEX `closure_approvals_rejected_idx` ON `closure_approvals` (`org_id`,`work_order_id`) WHERE "closure_approvals"."decision" = 'rejected';--> statement-breakpoint
CREATE INDEX `work_order_events_wo_type_idx` ON `work_order_events` (`work_order_id`,`type`,`at`,`from_status`,`to_status`);--> statement-breakpoint
CREATE INDEX `work_order_events_holds_idx` ON `work_order_events` (`org_id`,`work_order_id`) WHERE "work_order_events"."type" = 'status_changed' AND "work_order_events"."to_status" = 'ON_HOLD';