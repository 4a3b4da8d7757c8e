//! The service guide (办事指南) as the public reads it: the catalogue's guide of a flow
//! ([`crate::domain::guide`]) with the register's conditions (限制条件) as the rule library holds
//! them today, and the halls and office hours of the office. A public read: no account, nothing
//! personal.

use crate::domain::catalogue::{self, Flow};
use crate::domain::rules::Rule;
use bdc_core::calendar::OfficeHours;
use bdc_core::finding::Severity;
use bdc_core::office::ServiceHall;

use crate::service::{ServiceError, ServiceResult, Services};

/// One condition the register checks before a case of the flow may proceed (办理条件).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The rule's name, e.g. 存在查封不得办理转移登记.
    pub name: String,
    /// 不得办理 (block), 须经同意 (consent) or 提示 (warn).
    pub severity: Severity,
    pub legal_basis: String,
}

impl Condition {
    /// How the condition binds, in words.
    pub fn binds(&self) -> &'static str {
        match self.severity {
            Severity::Block => "不符合的不予办理",
            Severity::Consent => "须经相关权利人书面同意",
            Severity::Warn => "提示申请人注意",
        }
    }
}

/// Everything the guide page of one flow shows that is not in the catalogue itself.
#[derive(Debug, Clone)]
pub struct GuideFacts {
    pub flow: &'static Flow,
    pub conditions: Vec<Condition>,
    pub halls: Vec<ServiceHall>,
    pub office_hours: OfficeHours,
}

/// The guide of the flow with `code`, or a Chinese 404.
pub async fn guide(s: &Services, code: &str) -> ServiceResult<GuideFacts> {
    let flow = catalogue::flow(code).ok_or_else(|| ServiceError::NotFound(format!("没有业务“{code}”的办事指南")))?;
    let today = crate::service::cases::today();
    let mut conn = s.db.conn().await?;
    let rules = crate::store::rules::active_rules(&mut conn).await?;
    drop(conn);
    let calendar = crate::service::calendar::load(s).await?;
    Ok(GuideFacts { flow, conditions: conditions_of(flow, &rules, today), halls: s.office.halls.clone(), office_hours: calendar.office_hours().clone() })
}

/// The rules in force on `today` that apply to `flow`, blocking ones first.
pub fn conditions_of(flow: &Flow, rules: &[Rule], today: chrono::NaiveDate) -> Vec<Condition> {
    let mut out: Vec<Condition> = rules
        .iter()
        .filter(|r| r.applies.applies(flow) && r.effective_from <= today && r.effective_to.is_none_or(|to| today <= to))
        .map(|r| Condition { name: r.name.clone(), severity: r.severity, legal_basis: r.legal_basis.clone() })
        .collect();
    out.sort_by_key(|c| match c.severity {
        Severity::Block => 0,
        Severity::Consent => 1,
        Severity::Warn => 2,
    });
    out
}
