-- Issue 15 (storage layer, PostgreSQL as a second backend). Addresses are looked up
-- with lower(email) = lower(?), the same SQL as on PostgreSQL, which has no NOCASE
-- collation; these indexes serve that lookup. A session's code requests are found by
-- its token hash when the token rotates.
CREATE INDEX accounts_by_lower_email ON accounts (lower(email));
CREATE INDEX sign_up_links_by_lower_email ON sign_up_links (lower(email));
CREATE INDEX challenges_by_session ON challenges (session_hash);
