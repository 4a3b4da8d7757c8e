//! Issuance-data normalisation (签发数据组织, A4.4): rules, kept as data, that adjust field
//! values before exchange messages and e-licence data leave the system — a default for an empty
//! field, one join separator for multi-valued fields, value mappings, full-width to half-width.

/// What a rule does to a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// 补充字段值 — use this value when the field is empty.
    Default(String),
    /// 统一连接符 — join multiple values with this separator (`,` `，` `、` `;` `；` are read as separators).
    Separator(String),
    /// 值规范 — replace whole values: pairs of `from=>to`.
    Map(Vec<(String, String)>),
    /// 全角转半角 — brackets, digits and letters to half-width.
    HalfWidth,
    /// 去除首尾空白.
    Trim,
}

/// `(code, Chinese name)` of every action, as stored in `issuance_rules.action` and offered by the
/// 系统管理 form — the name is what an administrator reads, the code what the API takes.
pub const ACTIONS: &[(&str, &str)] = &[("default", "补充字段值"), ("separator", "统一连接符"), ("map", "值规范（映射）"), ("halfwidth", "全角转半角"), ("trim", "去除首尾空白")];

/// The Chinese name of a stored action code (the code itself when it is none of [`ACTIONS`]).
pub fn action_name(code: &str) -> &str {
    ACTIONS.iter().find(|(c, _)| *c == code).map_or(code, |(_, n)| n)
}

impl Action {
    /// The code stored for this action.
    pub fn code(&self) -> &'static str {
        match self {
            Action::Default(_) => "default",
            Action::Separator(_) => "separator",
            Action::Map(_) => "map",
            Action::HalfWidth => "halfwidth",
            Action::Trim => "trim",
        }
    }

    /// What an administrator reads (补充字段值 …).
    pub fn name(&self) -> &'static str {
        ACTIONS.iter().find(|(c, _)| *c == self.code()).map_or("", |(_, n)| n)
    }
}

/// A rule: which table (`*` for all) and field it touches, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub table: String,
    pub field: String,
    pub action: Action,
}

/// Why a rule record was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    #[error("未知的规则动作：{0}（可用 default、separator、map、halfwidth、trim）")]
    UnknownAction(String),
    #[error("值映射格式应为 原值=>新值;原值=>新值：{0}")]
    BadMap(String),
    #[error("表名和字段名须为大写字母、数字和下划线（表名可为 *）")]
    BadName,
}

impl Rule {
    /// Builds a rule from its stored parts.
    pub fn new(table: &str, field: &str, action: &str, param: &str) -> Result<Rule, RuleError> {
        let ok = |s: &str| !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !(table == "*" || ok(table)) || !ok(field) {
            return Err(RuleError::BadName);
        }
        let action = match action {
            "default" => Action::Default(param.to_owned()),
            "separator" => Action::Separator(param.to_owned()),
            "halfwidth" => Action::HalfWidth,
            "trim" => Action::Trim,
            "map" => Action::Map(
                param
                    .split(';')
                    .filter(|p| !p.is_empty())
                    .map(|p| p.split_once("=>").map(|(a, b)| (a.to_owned(), b.to_owned())).ok_or_else(|| RuleError::BadMap(param.to_owned())))
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(RuleError::UnknownAction(other.to_owned())),
        };
        Ok(Rule { table: table.to_owned(), field: field.to_owned(), action })
    }

    fn applies(&self, table: &str, field: &str) -> bool {
        (self.table == "*" || self.table == table) && self.field == field
    }
}

fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// Applies every rule for `table.field` to `value`, in order.
pub fn normalise(rules: &[Rule], table: &str, field: &str, value: &str) -> String {
    let mut v = value.to_owned();
    for r in rules.iter().filter(|r| r.applies(table, field)) {
        v = match &r.action {
            Action::Default(d) if v.trim().is_empty() => d.clone(),
            Action::Default(_) => v,
            Action::Separator(sep) => v.split([',', '，', '、', ';', '；']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(sep),
            Action::Map(pairs) => pairs.iter().find(|(from, _)| *from == v).map_or(v, |(_, to)| to.clone()),
            Action::HalfWidth => half_width(&v),
            Action::Trim => v.trim().to_owned(),
        };
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_in_order_to_their_fields_only() {
        let rules = vec![
            Rule::new("*", "BDCQZH", "halfwidth", "").unwrap(),
            Rule::new("*", "BDCQZH", "separator", "、").unwrap(),
            Rule::new("ZTT_GY_QLR", "GYFS", "map", "0=>0;1=>1;共同=>1").unwrap(),
            Rule::new("QLF_QL_DYAQ", "DYFS", "default", "1").unwrap(),
        ];
        assert_eq!(
            normalise(&rules, "QLT_FW_FDCQ_YZ", "BDCQZH", "苏（2026）常州市不动产权第0000001号,苏(2026)常州市不动产权第0000002号"),
            "苏(2026)常州市不动产权第0000001号、苏(2026)常州市不动产权第0000002号"
        );
        assert_eq!(normalise(&rules, "ZTT_GY_QLR", "GYFS", "共同"), "1");
        assert_eq!(normalise(&rules, "QLF_QL_DYAQ", "DYFS", ""), "1");
        assert_eq!(normalise(&rules, "QLF_QL_CFDJ", "DYFS", ""), "", "another table");
        assert_eq!(Rule::new("*", "X", "explode", ""), Err(RuleError::UnknownAction("explode".into())));
        assert_eq!(Rule::new("*", "X", "map", "a"), Err(RuleError::BadMap("a".into())));
        assert_eq!(Rule::new("t", "X", "trim", ""), Err(RuleError::BadName));
    }

    #[test]
    fn every_action_has_a_chinese_name_and_reads_back_from_its_code() {
        for (code, name) in ACTIONS {
            let rule = Rule::new("*", "ZL", code, "a=>b").unwrap();
            assert_eq!((rule.action.code(), rule.action.name()), (*code, *name));
            assert_eq!(action_name(code), *name);
        }
        assert_eq!(action_name("explode"), "explode");
    }
}
