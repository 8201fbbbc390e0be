-- Rule C4 (see sqlite/0005_late_codes.sql).
ALTER TABLE challenges ADD COLUMN prev_code_mac BYTEA;
ALTER TABLE challenges ADD COLUMN prev_expires_at BIGINT;
