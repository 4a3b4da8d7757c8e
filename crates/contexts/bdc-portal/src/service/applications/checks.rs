//! 逐项核对 — the online form's own checks, field by field, before the counter's.
//!
//! Why here: the register's intake ([`bdc_registry::register_api::cases::precheck`]) stops at
//! the first thing it finds wrong, which is right for a clerk's one request but makes an
//! applicant at home submit a long form again and again, one message at a time. What the form
//! itself asks (its particulars, shares, 共有方式, the roles the flow needs) is checked here
//! whole, every problem noted beside its field; the counter's checks then run unchanged on a
//! form that passed, so the portal still never accepts what the counter would refuse.

use std::collections::BTreeMap;

use bdc_core::FieldErrors;
use bdc_registry::domain::catalogue::{ApplicantRole, Flow};
use bdc_registry::domain::register::{attr, Share};
use chrono::NaiveDate;

use super::{FieldKind, FormSpec, CO_OWNERSHIP};

/// 份额: empty is the whole; anything else must read as a share of at most the whole.
pub(super) fn share(errors: &mut FieldErrors, field: &str, who: &str, raw: &str) {
    let raw = raw.trim();
    if !raw.is_empty() && Share::parse(raw).is_none() {
        errors.add("bad_share", field, format!("{who}的份额“{raw}”无效：应为如 1/2 或 0.5 的正数且不大于 1"));
    }
}

/// The code of a missing required particular: the counter's own where it has one.
fn required_code(key: &str) -> &'static str {
    match key {
        attr::AMOUNT => "amount_required",
        attr::TERM_START | attr::TERM_END => "term_required",
        "new_name" => "new_name_required",
        "location" => "location_required",
        _ => "particular_required",
    }
}

/// A 金额（元）as the counter reads it: greater than zero, at most two decimals.
fn amount_ok(a: &str) -> bool {
    a.parse::<f64>().is_ok_and(|x| x > 0.0 && x < 1e14) && a.split_once('.').is_none_or(|(_, f)| f.len() <= 2) && a.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// 登记事项: each particular the form asks, by its kind; a required one must be filled; an
/// end date not before its start date.
pub(super) fn particulars(errors: &mut FieldErrors, spec: &FormSpec, attrs: &BTreeMap<String, String>) {
    let value = |key: &str| attrs.get(key).map_or("", |v| v.trim());
    for p in &spec.particulars {
        let v = value(p.key);
        if v.is_empty() {
            if !p.required {
                continue;
            }
            // A term is one particular of two dates: both missing is one problem, beside its start.
            let term = p.key == attr::TERM_START || p.key == attr::TERM_END;
            if term && p.key == attr::TERM_END && value(attr::TERM_START).is_empty() {
                continue;
            }
            let message = if term && p.key == attr::TERM_START && value(attr::TERM_END).is_empty() {
                format!("请填写{}和{}", p.label, spec.particulars.iter().find(|q| q.key == attr::TERM_END).map_or("截止日", |q| q.label))
            } else {
                format!("请填写{}", p.label)
            };
            errors.add(required_code(p.key), p.key, message);
            continue;
        }
        if v.chars().count() > 500 {
            errors.add("attribute_too_long", p.key, format!("{}不超过 500 个字", p.label));
            continue;
        }
        match p.kind {
            FieldKind::Text => {}
            FieldKind::Date if v.parse::<NaiveDate>().is_err() => errors.add("bad_date", p.key, format!("{}“{v}”不是有效日期（YYYY-MM-DD）", p.label)),
            FieldKind::Amount if !amount_ok(v) => errors.add("bad_amount", p.key, format!("{}“{v}”无效：应为大于零的金额（元），至多两位小数", p.label)),
            FieldKind::Choice(options) if !options.iter().any(|(code, _)| *code == v) => errors.add("bad_choice", p.key, format!("请选择{}", p.label)),
            _ => {}
        }
    }
    let label = |key: &str| spec.particulars.iter().find(|p| p.key == key).map(|p| p.label);
    let date = |key: &str| value(key).parse::<NaiveDate>().ok();
    for (start, end) in [(attr::TERM_START, attr::TERM_END), (attr::CLAIM_START, attr::CLAIM_END)] {
        if let (Some(s), Some(e), Some(start_label), Some(end_label)) = (date(start), date(end), label(start), label(end)) {
            if e < s {
                errors.add("bad_term", end, format!("{end_label}不能早于{start_label}"));
            }
        }
    }
    // 最高额抵押: the period in which the claims are fixed (债权确定期间) is part of the mortgage.
    if label(attr::CLAIM_START).is_some() && value(attr::MORTGAGE_METHOD) == "2" {
        for key in [attr::CLAIM_START, attr::CLAIM_END] {
            if value(key).is_empty() {
                errors.add("claim_period_required", key, format!("最高额抵押须填写{}", label(key).unwrap_or("债权确定期间")));
            }
        }
    }
}

/// 共有方式: one of the listed; required by a 共有性质变更 (several 权利人 named without it are
/// 共同共有, as at the counter).
pub(super) fn co_ownership(errors: &mut FieldErrors, spec: &FormSpec, chosen: Option<&str>) {
    match chosen.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if !CO_OWNERSHIP.iter().any(|(k, _)| *k == c) => errors.add("bad_co_ownership", "co_ownership", "请选择共有方式"),
        Some(_) => {}
        None if spec.co_ownership_required => errors.add("co_ownership_required", "co_ownership", "请选择变更后的共有方式"),
        None => {}
    }
}

/// Every role the flow needs is named in the form (the 代理人 only where it is the flow's sole
/// role), as the counter requires; `typed` are the roles of the rows filled in.
pub(super) fn roles_named(errors: &mut FieldErrors, flow: &Flow, typed: &[&str]) {
    let only_agent = flow.applicant_roles.iter().all(|r| *r == ApplicantRole::Agent);
    let missing: Vec<&str> = flow.applicant_roles.iter().filter(|r| only_agent || **r != ApplicantRole::Agent).filter(|r| !typed.contains(&r.code())).map(|r| r.name()).collect();
    if !missing.is_empty() {
        errors.add("missing_applicant", "others", format!("请填写{}：业务“{}”须有{}", missing.join("、"), flow.name, missing.join("和")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bdc_registry::domain::catalogue;

    fn fields(errors: FieldErrors) -> Vec<String> {
        match errors.finish() {
            Ok(()) => vec![],
            Err(e) => e.field_messages().into_iter().map(|(f, _)| f.to_owned()).collect(),
        }
    }

    #[test]
    fn every_particular_is_checked_in_one_go() {
        let flow = catalogue::flow("IND-MORTGAGE-FIRST-PRIVATE-LOAN").expect("a mortgage flow");
        let spec = super::super::form_of(flow);
        let mut errors = FieldErrors::new();
        let attrs: BTreeMap<String, String> =
            [(attr::AMOUNT, "12.345"), (attr::TERM_START, "2026-05-01"), (attr::TERM_END, "2026-04-01"), (attr::MORTGAGE_METHOD, "2")].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        particulars(&mut errors, &spec, &attrs);
        assert_eq!(fields(errors), vec![attr::AMOUNT, attr::TERM_END, attr::CLAIM_START, attr::CLAIM_END]);
        let mut errors = FieldErrors::new();
        particulars(&mut errors, &spec, &[(attr::AMOUNT.to_owned(), "500000".to_owned())].into_iter().collect());
        assert!(
            matches!(errors.finish(), Err(bdc_core::ServiceError::Validation { code: "term_required", field: Some(f), .. }) if f == attr::TERM_START),
            "a missing term is one problem, as at the counter"
        );
    }

    #[test]
    fn shares_and_co_ownership_are_read_as_the_counter_reads_them() {
        let flow = catalogue::flow("IND-TRANSFER-STOCK-HOUSE").expect("a sale");
        let spec = super::super::form_of(flow);
        let mut errors = FieldErrors::new();
        share(&mut errors, "my_share", "您", "1/2");
        share(&mut errors, "others[0].share", "第 1 位其他申请人", "3/2");
        co_ownership(&mut errors, &spec, None);
        assert_eq!(fields(errors), vec!["others[0].share"], "a sale may leave 共有方式 to the counter's default");
        let mut errors = FieldErrors::new();
        co_ownership(&mut errors, &spec, Some("9"));
        roles_named(&mut errors, flow, &["right_holder"]);
        assert_eq!(fields(errors), vec!["co_ownership", "others"]);
        let change = super::super::form_of(catalogue::flow("IND-CHANGE-STATE-HOUSE-CO-OWNERSHIP").expect("a 共有性质变更"));
        let mut errors = FieldErrors::new();
        co_ownership(&mut errors, &change, Some(" "));
        assert_eq!(fields(errors), vec!["co_ownership"], "a 共有性质变更 names the new 共有方式");
    }
}
