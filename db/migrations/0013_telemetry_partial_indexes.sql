DROP INDEX `telemetry_readings_org_at_idx`;--> statement-breakpoint
DROP INDEX `telemetry_readings_asset_metric_at_idx`;--> statement-breakpoint
DROP INDEX `telemetry_readings_vehicle_metric_at_idx`;--> statement-breakpoint
CREATE INDEX `telemetry_readings_device_metric_at_idx` ON `telemetry_readings` (`device_id`,`metric`,`at`) WHERE asset_id IS NULL AND vehicle_id IS NULL;--> statement-breakpoint
CREATE INDEX `telemetry_readings_asset_metric_at_idx` ON `telemetry_readings` (`asset_id`,`metric`,`at`) WHERE asset_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `telemetry_readings_vehicle_metric_at_idx` ON `telemetry_readings` (`vehicle_id`,`metric`,`at`) WHERE vehicle_id IS NOT NULL;