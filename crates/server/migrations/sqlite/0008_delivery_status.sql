-- Issue 17 item 5: how the latest text or call of a code request is getting on, as the
-- provider reports it (queued, sent, delivered, undelivered, failed) with its error code.
ALTER TABLE challenges ADD COLUMN delivery_status TEXT NOT NULL DEFAULT 'queued';
ALTER TABLE challenges ADD COLUMN delivery_error INTEGER;
-- Which send of the request this is (1, then +1 a resend): reports name the send.
ALTER TABLE challenges ADD COLUMN send_seq INTEGER NOT NULL DEFAULT 1;
