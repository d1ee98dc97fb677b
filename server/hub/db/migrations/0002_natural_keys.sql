ALTER TABLE "rows" ADD COLUMN "nk" text;--> statement-breakpoint
-- Rows already stored get their natural key from the policies' one-column keys (db/schema/*.policy.ts;
-- sync/store.ts writes it from then on).
UPDATE "rows" SET "nk" = "fields"->>(CASE "tbl"
    WHEN 'depots' THEN 'code' WHEN 'teams' THEN 'name' WHEN 'users' THEN 'email' WHEN 'assets' THEN 'tag'
    WHEN 'locations' THEN 'code' WHEN 'vehicles' THEN 'call_sign' WHEN 'projects' THEN 'code'
    WHEN 'task_templates' THEN 'name' WHEN 'sla_calendars' THEN 'name' WHEN 'work_orders' THEN 'number'
    WHEN 'telemetry_devices' THEN 'name' WHEN 'report_schedules' THEN 'slug' END)
  WHERE NOT "gone" AND jsonb_typeof("fields"->(CASE "tbl"
    WHEN 'depots' THEN 'code' WHEN 'teams' THEN 'name' WHEN 'users' THEN 'email' WHEN 'assets' THEN 'tag'
    WHEN 'locations' THEN 'code' WHEN 'vehicles' THEN 'call_sign' WHEN 'projects' THEN 'code'
    WHEN 'task_templates' THEN 'name' WHEN 'sla_calendars' THEN 'name' WHEN 'work_orders' THEN 'number'
    WHEN 'telemetry_devices' THEN 'name' WHEN 'report_schedules' THEN 'slug' END)) = 'string';--> statement-breakpoint
CREATE INDEX "rows_org_natural_key_idx" ON "rows" USING btree ("org_id","tbl","nk") WHERE "rows"."nk" IS NOT NULL;