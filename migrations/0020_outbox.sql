-- The outbox's subscriptions (事务外发箱订阅): which job kinds a topic's events queue.
-- A context subscribes when it is installed; a change publishes an event in its own transaction,
-- which queues one job per subscribing kind (de-duplicated by the event's key).
CREATE TABLE outbox_subscriptions (
    topic TEXT NOT NULL,
    job_kind TEXT NOT NULL,
    PRIMARY KEY (topic, job_kind)
);
