//! 发证 (handing over the certificates): who received them and on which blank paper they were
//! printed. The person collecting shows an identity document of one of a few kinds and says how
//! he stands to the right holder; each certificate of the case is printed on a blank with its
//! own 证书印制号, which the office never uses twice.

/// 证件类型 of the person who collects the certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// 居民身份证: checked as a 公民身份号码 (GB 11643).
    ResidentCard,
    /// 护照.
    Passport,
    /// 港澳居民来往内地通行证.
    HkMacauPermit,
    /// 台湾居民来往大陆通行证.
    TaiwanPermit,
    /// 其他.
    Other,
}

impl IdKind {
    pub const ALL: [IdKind; 5] = [IdKind::ResidentCard, IdKind::Passport, IdKind::HkMacauPermit, IdKind::TaiwanPermit, IdKind::Other];

    /// The code stored and accepted by the API.
    pub fn code(self) -> &'static str {
        match self {
            IdKind::ResidentCard => "resident_card",
            IdKind::Passport => "passport",
            IdKind::HkMacauPermit => "hk_macau_permit",
            IdKind::TaiwanPermit => "taiwan_permit",
            IdKind::Other => "other",
        }
    }

    /// 中文名称.
    pub fn name(self) -> &'static str {
        match self {
            IdKind::ResidentCard => "居民身份证",
            IdKind::Passport => "护照",
            IdKind::HkMacauPermit => "港澳居民来往内地通行证",
            IdKind::TaiwanPermit => "台湾居民来往大陆通行证",
            IdKind::Other => "其他",
        }
    }

    pub fn parse(code: &str) -> Option<IdKind> {
        IdKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// 与权利人关系 of the person who collects the certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// 本人: the right holder himself.
    Holder,
    /// 代理人: collecting under an authorisation.
    Agent,
    /// 其他.
    Other,
}

impl Relation {
    pub const ALL: [Relation; 3] = [Relation::Holder, Relation::Agent, Relation::Other];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Holder => "holder",
            Relation::Agent => "agent",
            Relation::Other => "other",
        }
    }

    /// 中文名称.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Holder => "本人",
            Relation::Agent => "代理人",
            Relation::Other => "其他",
        }
    }

    pub fn parse(code: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Whether `serial` may be a 证书印制号: the number printed on the blank paper, letters and
/// digits (the provinces print e.g. `JS32011234567`), 4 to 32 of them.
pub fn serial_ok(serial: &str) -> bool {
    (4..=32).contains(&serial.len()) && serial.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `number` may be the number of a document other than a 居民身份证 (passports and
/// permits are letters and digits, 5 to 30, a hyphen allowed).
pub fn document_number_ok(number: &str) -> bool {
    (5..=30).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_relations_read_back_from_their_codes() {
        for k in IdKind::ALL {
            assert_eq!(IdKind::parse(k.code()), Some(k));
        }
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.code()), Some(r));
        }
        assert_eq!(IdKind::parse("居民身份证"), None);
    }

    #[test]
    fn serials_are_letters_and_digits() {
        assert!(serial_ok("JS32011234567"));
        assert!(!serial_ok("JS-3201"));
        assert!(!serial_ok("123"));
        assert!(document_number_ok("E12345678"));
        assert!(!document_number_ok("E1 2345678"));
    }
}
