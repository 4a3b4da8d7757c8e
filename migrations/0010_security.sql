-- 频率限制 (rate limits): fixed-window request counters for login, one-time codes, sign-up,
-- password change and the public queries. They live in the database, not in memory, so every
-- server instance behind a load balancer counts into the same window. A bucket names what is
-- counted (kind, per account or per address, and an SM3 digest of the account or address, so no
-- phone number or user name is kept here in clear); window_start is the window's first second as
-- a fixed-width UTC timestamp. Old windows are deleted as new ones come.

CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start TEXT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
