-- Rule C4: after a resend the code before it stays valid until its own expiry (texts
-- arrive late); at most two live codes per request.
ALTER TABLE challenges ADD COLUMN prev_code_mac BLOB;
ALTER TABLE challenges ADD COLUMN prev_expires_at INTEGER;
