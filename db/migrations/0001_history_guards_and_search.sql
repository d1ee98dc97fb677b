-- Append-only history (DESIGN invariant 6): the application never rewrites or removes these rows;
-- corrections are new rows. The triggers make a slip in code fail loudly instead of silently.
CREATE TRIGGER work_order_events_no_update BEFORE UPDATE ON work_order_events
BEGIN SELECT RAISE(ABORT, 'work_order_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER work_order_events_no_delete BEFORE DELETE ON work_order_events
BEGIN SELECT RAISE(ABORT, 'work_order_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
--> statement-breakpoint
-- Full-text search over work orders. External content keeps one copy of the text; the triggers
-- keep the index in step inside the same transaction as the write.
CREATE VIRTUAL TABLE work_orders_fts USING fts5(
  number, title, description,
  content='work_orders', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER work_orders_fts_ai AFTER INSERT ON work_orders BEGIN
  INSERT INTO work_orders_fts(rowid, number, title, description)
  VALUES (new.rowid, new.number, new.title, coalesce(new.description, ''));
END;
--> statement-breakpoint
CREATE TRIGGER work_orders_fts_ad AFTER DELETE ON work_orders BEGIN
  INSERT INTO work_orders_fts(work_orders_fts, rowid, number, title, description)
  VALUES ('delete', old.rowid, old.number, old.title, coalesce(old.description, ''));
END;
--> statement-breakpoint
CREATE TRIGGER work_orders_fts_au AFTER UPDATE OF number, title, description ON work_orders BEGIN
  INSERT INTO work_orders_fts(work_orders_fts, rowid, number, title, description)
  VALUES ('delete', old.rowid, old.number, old.title, coalesce(old.description, ''));
  INSERT INTO work_orders_fts(rowid, number, title, description)
  VALUES (new.rowid, new.number, new.title, coalesce(new.description, ''));
END;
