-- The office's duty setting per flow (岗位设置): which of 受理, 审核 and 登簿 one person may combine
-- on one case. A flow without a row keeps the default, three different people ('separate').
CREATE TABLE flow_duties (
    flow_code TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
