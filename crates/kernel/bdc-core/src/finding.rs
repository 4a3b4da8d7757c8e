//! Findings of a check (检查结果): what a restriction or review rule, or any other check of a case,
//! found — which check, how it acts when it fails, the message and its legal basis.

/// How a failed rule acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 阻断 — the case cannot proceed.
    Block,
    /// 提示 — the applicant proceeds at own risk; recorded.
    Warn,
    /// 需同意 — blocks unless the named right holder consents.
    Consent,
}

impl Severity {
    pub const fn code(self) -> &'static str {
        match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
            Severity::Consent => "consent",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Severity::Block, Severity::Warn, Severity::Consent].into_iter().find(|x| x.code() == s)
    }
}

/// The result of one rule on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule_code: String,
    pub rule_version: i64,
    pub rule_name: String,
    pub severity: Severity,
    pub passed: bool,
    pub message: String,
    pub legal_basis: String,
}

impl Finding {
    /// Does this finding stop the case?
    pub fn blocks(&self) -> bool {
        !self.passed && self.severity != Severity::Warn
    }
}
