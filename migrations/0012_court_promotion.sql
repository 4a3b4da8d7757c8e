-- Court seizure follow-up (法院网络查控, issue 13).
--
-- `court_requests.problem`: why a request could not be read as sent (an attachment that does
-- not decode, an unknown action, a failed check). Its properties are answered 未能控制 with it;
-- such a request is not reprocessed — the court sends a corrected one.
--
-- `court_properties.promoted_at`: when a waiting seizure (轮候查封) became the active one after
-- the seizure before it was released or lapsed. The court is then told again (查封成功, its term
-- from that day, no 轮候 flag) within 1 working day, through the same receipt columns.

ALTER TABLE court_requests ADD COLUMN problem TEXT NOT NULL DEFAULT '';
ALTER TABLE court_properties ADD COLUMN promoted_at TEXT;
