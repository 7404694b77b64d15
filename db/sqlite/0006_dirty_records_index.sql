-- Records waiting for reconciliation are a small, moving set: index only them. Counting a record then only removes
-- it from the index (no entry for dirty = 0 is ever written), and finding the next batch reads just the waiting ones.
DROP INDEX ix_usage_record_dirty;
CREATE INDEX ix_usage_record_waiting ON usage_record (id) WHERE dirty = 1;
