//! The reporting context's vocabulary: where a reported message stands (报文状态), why it was
//! built (上报 / 补报 / 重报), and the reconciliation items' cause and status (销账原因、销账状态),
//! each with the code stored in `report_messages` / `reconciliation_items` and the name staff
//! read. The issuance-data rules are in [`issuance`], the Chinese names of the exchange's tables
//! and fields in [`exchange_names`].

pub mod exchange_names;
pub mod issuance;

/// Where a message reported to the province stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageState {
    /// 已发送: handed to the exchange, waiting for the province's answer.
    Sent,
    /// 接入成功.
    Accepted,
    /// 接入失败: the province refused it (a reconciliation item of its own).
    Rejected,
    /// 响应隔离: the answer could not be read or names another message; kept raw for staff.
    Quarantined,
}

impl MessageState {
    pub const ALL: [MessageState; 4] = [MessageState::Sent, MessageState::Accepted, MessageState::Rejected, MessageState::Quarantined];

    /// The code stored and published in the API.
    pub fn code(self) -> &'static str {
        match self {
            MessageState::Sent => "sent",
            MessageState::Accepted => "accepted",
            MessageState::Rejected => "rejected",
            MessageState::Quarantined => "quarantined",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MessageState::Sent => "已发送",
            MessageState::Accepted => "接入成功",
            MessageState::Rejected => "接入失败",
            MessageState::Quarantined => "响应隔离",
        }
    }

    pub fn parse(code: &str) -> Option<MessageState> {
        MessageState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Why a message was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// 上报: the registration's own report.
    Report,
    /// 补报: a record the province says was never reported.
    Supplement,
    /// 重报: a record reported again after a failure or a mismatch.
    Resend,
}

impl MessageKind {
    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Report => "report",
            MessageKind::Supplement => "supplement",
            MessageKind::Resend => "resend",
        }
    }
}

/// Why a record is on the province's reconciliation list (销账原因, the list's `cause`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemCause {
    /// 1 接入失败.
    AccessFailed,
    /// 2 入库失败.
    StoreFailed,
    /// 3 未上报: answered by 补报.
    NotReported,
    /// 4 比对不一致.
    Mismatch,
}

impl ItemCause {
    pub const ALL: [ItemCause; 4] = [ItemCause::AccessFailed, ItemCause::StoreFailed, ItemCause::NotReported, ItemCause::Mismatch];

    /// The code of the national exchange, as stored.
    pub fn code(self) -> i64 {
        match self {
            ItemCause::AccessFailed => 1,
            ItemCause::StoreFailed => 2,
            ItemCause::NotReported => 3,
            ItemCause::Mismatch => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ItemCause::AccessFailed => "接入失败",
            ItemCause::StoreFailed => "入库失败",
            ItemCause::NotReported => "未上报",
            ItemCause::Mismatch => "比对不一致",
        }
    }

    pub fn parse(code: i64) -> Option<ItemCause> {
        ItemCause::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Where a reconciliation item stands (销账状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemStatus {
    /// 1 未销账.
    Open,
    /// 2 销账中: re-reported, waiting for the province's answer.
    Clearing,
    /// 3 成功.
    Cleared,
    /// 4 失败: the re-report was refused too.
    Failed,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [ItemStatus::Open, ItemStatus::Clearing, ItemStatus::Cleared, ItemStatus::Failed];

    pub fn code(self) -> i64 {
        match self {
            ItemStatus::Open => 1,
            ItemStatus::Clearing => 2,
            ItemStatus::Cleared => 3,
            ItemStatus::Failed => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ItemStatus::Open => "未销账",
            ItemStatus::Clearing => "销账中",
            ItemStatus::Cleared => "成功",
            ItemStatus::Failed => "失败",
        }
    }

    pub fn parse(code: i64) -> Option<ItemStatus> {
        ItemStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still to be worked (its deadline counts).
    pub fn is_open(self) -> bool {
        matches!(self, ItemStatus::Open | ItemStatus::Clearing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for s in MessageState::ALL {
            assert_eq!(MessageState::parse(s.code()), Some(s));
        }
        for c in ItemCause::ALL {
            assert_eq!(ItemCause::parse(c.code()), Some(c));
        }
        for s in ItemStatus::ALL {
            assert_eq!(ItemStatus::parse(s.code()), Some(s));
        }
        assert_eq!(MessageState::parse("lost"), None);
        assert_eq!(ItemStatus::parse(0), None);
    }
}
