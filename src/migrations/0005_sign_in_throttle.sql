-- Sign-in throttling by account and by (account, address) as well as by address
-- (src/platform/auth/signin.ts): failures are looked up by the normalised username too.
CREATE INDEX sign_in_failures_username_at ON sign_in_failures (lower(username), at);
