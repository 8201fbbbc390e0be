-- Issue 17 item 5 (see sqlite/0008_delivery_status.sql).
ALTER TABLE challenges ADD COLUMN delivery_status TEXT NOT NULL DEFAULT 'queued';
ALTER TABLE challenges ADD COLUMN delivery_error BIGINT;
ALTER TABLE challenges ADD COLUMN send_seq BIGINT NOT NULL DEFAULT 1;
