-- Hand-written, and before the drop on purpose: the old log's last stamp becomes the HLC high-water
-- mark (host_settings.hlc_high, a JSON string), so the first start on this version never stamps
-- behind what the old log already handed out. A mark already recorded is kept.
INSERT INTO host_settings (key, value)
SELECT 'hlc_high', json_quote(hlc) FROM (SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1)
WHERE true ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
DROP TABLE `change_log`;
