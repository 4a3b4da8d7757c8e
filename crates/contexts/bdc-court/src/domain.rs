//! The court context's vocabulary: where a court property stands (处理状态) and where its
//! receipt stands (回执状态), each with the code stored in `court_properties` and the name staff
//! read.

/// Where a property of a court request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PropertyStatus {
    /// 待处理: read from the message, not yet processed.
    #[default]
    Pending,
    /// 已登簿: registered (active or waiting).
    Registered,
    /// 未能控制: processed and refused with a reason (unit not found, already released …).
    Refused,
    /// 隔离待查: could not be read or matched; staff look, then reprocess.
    Quarantined,
    /// 转人工: a 过户裁定书 the counter must register by hand.
    Manual,
}

impl PropertyStatus {
    pub const ALL: [PropertyStatus; 5] = [PropertyStatus::Pending, PropertyStatus::Registered, PropertyStatus::Refused, PropertyStatus::Quarantined, PropertyStatus::Manual];

    /// The code stored and published in the API.
    pub fn code(self) -> &'static str {
        match self {
            PropertyStatus::Pending => "pending",
            PropertyStatus::Registered => "registered",
            PropertyStatus::Refused => "refused",
            PropertyStatus::Quarantined => "quarantined",
            PropertyStatus::Manual => "manual",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PropertyStatus::Pending => "待处理",
            PropertyStatus::Registered => "已登簿",
            PropertyStatus::Refused => "未能控制",
            PropertyStatus::Quarantined => "隔离待查",
            PropertyStatus::Manual => "转人工",
        }
    }

    pub fn parse(code: &str) -> Option<PropertyStatus> {
        PropertyStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a property's receipt (回执) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReceiptState {
    /// 无需回执: nothing to answer (yet, or a manual case).
    #[default]
    None,
    /// 待回执: to be answered through the front-end by its due date (1 working day).
    Due,
    /// 已回执.
    Sent,
    /// 纸质回执: a counter delivery, answered on paper.
    Paper,
}

impl ReceiptState {
    pub const ALL: [ReceiptState; 4] = [ReceiptState::None, ReceiptState::Due, ReceiptState::Sent, ReceiptState::Paper];

    /// The code stored and published in the API.
    pub fn code(self) -> &'static str {
        match self {
            ReceiptState::None => "none",
            ReceiptState::Due => "due",
            ReceiptState::Sent => "sent",
            ReceiptState::Paper => "paper",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ReceiptState::None => "无需回执",
            ReceiptState::Due => "待回执",
            ReceiptState::Sent => "已回执",
            ReceiptState::Paper => "纸质回执",
        }
    }

    pub fn parse(code: &str) -> Option<ReceiptState> {
        ReceiptState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// How a processed property is answered: on paper when it was handed in at the counter,
    /// through the front-end otherwise.
    pub fn for_source(source: &str) -> ReceiptState {
        if source == "counter" {
            ReceiptState::Paper
        } else {
            ReceiptState::Due
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_unknown_codes_are_refused() {
        for s in PropertyStatus::ALL {
            assert_eq!(PropertyStatus::parse(s.code()), Some(s));
        }
        for r in ReceiptState::ALL {
            assert_eq!(ReceiptState::parse(r.code()), Some(r));
        }
        assert_eq!(PropertyStatus::parse("true"), None);
        assert_eq!(ReceiptState::parse(""), None);
    }
}
