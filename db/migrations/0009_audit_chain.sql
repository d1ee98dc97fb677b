ALTER TABLE `audit_log` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_chain_idx` ON `audit_log` (`org_id`,`seq`);--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers). The hash chain: db/audit-chain.ts.
-- Rows written before this migration are chained once, at the next start, in insertion order
-- (db/audit-chain-backfill.ts). Until then they are the only rows the update trigger lets be touched,
-- and only their three chain columns, only while still unchained.
DROP TRIGGER audit_log_no_update;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN old.hash IS NOT NULL
  OR new.id IS NOT old.id OR new.org_id IS NOT old.org_id OR new.actor_id IS NOT old.actor_id
  OR new.action IS NOT old.action OR new.entity IS NOT old.entity OR new.entity_id IS NOT old.entity_id
  OR new.before IS NOT old.before OR new.after IS NOT old.after OR new.request_id IS NOT old.request_id OR new.at IS NOT old.at
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
-- Every new row must come through the chained writer: a plain INSERT fails loudly.
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN new.seq IS NULL OR new.prev_hash IS NULL OR new.hash IS NULL
BEGIN SELECT RAISE(ABORT, 'audit_log rows must be chained (db/audit-chain.ts appendAudit)'); END;
--> statement-breakpoint
INSERT INTO host_settings (key, value) VALUES ('audit_chain_backfill', '"pending"');
