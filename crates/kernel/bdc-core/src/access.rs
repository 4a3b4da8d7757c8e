//! Realms, roles and permissions (账户域、角色与权限).
//!
//! Staff (工作人员) and the public (公众用户) are separate realms: a public account can never hold
//! a staff role and the reverse. Roles are data in the database (an administrator changes their
//! permissions through the API); this module names the built-in roles and permissions and the
//! grants a fresh installation starts with.

use std::fmt;
use std::str::FromStr;

/// Which population an account belongs to (账户域).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Realm {
    /// 工作人员 — staff of the registration centre.
    Staff,
    /// 公众 — citizens, companies, institutions and agents using the public portal.
    Public,
}

impl Realm {
    pub const fn as_str(self) -> &'static str {
        match self {
            Realm::Staff => "staff",
            Realm::Public => "public",
        }
    }
}

impl fmt::Display for Realm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown realm, role or permission code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("未知的{kind}：{value}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub value: String,
}

impl FromStr for Realm {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "staff" => Ok(Realm::Staff),
            "public" => Ok(Realm::Public),
            _ => Err(UnknownCode { kind: "账户域", value: s.to_owned() }),
        }
    }
}

/// A built-in role: its stable code, Chinese name and realm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleDef {
    pub code: &'static str,
    pub name: &'static str,
    pub realm: Realm,
}

/// The built-in roles. Staff: 窗口受理, 审核, 登簿, 缮证发证, 档案, 查询, 监管, 系统管理.
/// Public: 个人, 企业, 机构 (banks, developers, agencies), 代理 (acting for another user).
pub const ROLES: &[RoleDef] = &[
    RoleDef { code: "intake", name: "窗口受理", realm: Realm::Staff },
    RoleDef { code: "review", name: "审核", realm: Realm::Staff },
    RoleDef { code: "register", name: "登簿", realm: Realm::Staff },
    RoleDef { code: "certify", name: "缮证发证", realm: Realm::Staff },
    RoleDef { code: "archive", name: "档案", realm: Realm::Staff },
    RoleDef { code: "query", name: "查询", realm: Realm::Staff },
    RoleDef { code: "supervise", name: "监管", realm: Realm::Staff },
    RoleDef { code: "admin", name: "系统管理", realm: Realm::Staff },
    RoleDef { code: "person", name: "个人", realm: Realm::Public },
    RoleDef { code: "enterprise", name: "企业", realm: Realm::Public },
    RoleDef { code: "institution", name: "机构", realm: Realm::Public },
    RoleDef { code: "agent", name: "代理", realm: Realm::Public },
];

/// Finds a built-in role by code or by Chinese name.
pub fn role(code_or_name: &str) -> Option<&'static RoleDef> {
    ROLES.iter().find(|r| r.code == code_or_name || r.name == code_or_name)
}

/// A permission (权限): the unit that routes and services check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// 管理用户 — create users, change their roles, lock and unlock them.
    UsersManage,
    /// 管理角色权限 — change which permissions a role grants.
    RolesManage,
    /// 查阅审计日志 — read the audit log (supervision).
    AuditRead,
    /// 查阅工作日历 — read the working-day calendar and compute deadlines.
    CalendarRead,
    /// 维护工作日历 — edit holidays, make-up working days and office hours.
    CalendarManage,
    /// 查阅登记簿 — read units, parties (masked) and the register.
    RegistryRead,
    /// 维护地籍数据 — enter parcels and units (宗地、不动产单元).
    CadastreManage,
    /// 登记当事人 — record parties with their ID numbers.
    PartiesManage,
    /// 受理 — open cases, request correction, return, withdraw.
    CaseIntake,
    /// 审核 — review cases: approve, request correction, return, suspend.
    CaseReview,
    /// 登簿 — enter approved cases in the register.
    CaseRegister,
    /// 缮证发证 — prepare and hand over certificates.
    CaseCertify,
    /// 归档 — archive finished cases.
    CaseArchive,
    /// 查阅业务 — read cases and their history.
    CaseRead,
    /// 查阅规则库 — read restriction and review rules.
    RulesRead,
    /// 管理规则库 — create, change and retire rules.
    RulesManage,
    /// 查看后台任务 — see background jobs, their attempts and errors.
    JobsRead,
    /// 审批利害关系人查询 — review interested-party query applications (利害关系人查询) with their
    /// evidence, and approve or refuse them.
    InterestReview,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::UsersManage,
        Permission::RolesManage,
        Permission::AuditRead,
        Permission::CalendarRead,
        Permission::CalendarManage,
        Permission::RegistryRead,
        Permission::CadastreManage,
        Permission::PartiesManage,
        Permission::CaseIntake,
        Permission::CaseReview,
        Permission::CaseRegister,
        Permission::CaseCertify,
        Permission::CaseArchive,
        Permission::CaseRead,
        Permission::RulesRead,
        Permission::RulesManage,
        Permission::JobsRead,
        Permission::InterestReview,
    ];

    /// Stable machine code, stored in the database.
    pub const fn code(self) -> &'static str {
        match self {
            Permission::UsersManage => "users.manage",
            Permission::RolesManage => "roles.manage",
            Permission::AuditRead => "audit.read",
            Permission::CalendarRead => "calendar.read",
            Permission::CalendarManage => "calendar.manage",
            Permission::RegistryRead => "registry.read",
            Permission::CadastreManage => "cadastre.manage",
            Permission::PartiesManage => "parties.manage",
            Permission::CaseIntake => "case.intake",
            Permission::CaseReview => "case.review",
            Permission::CaseRegister => "case.register",
            Permission::CaseCertify => "case.certify",
            Permission::CaseArchive => "case.archive",
            Permission::CaseRead => "case.read",
            Permission::RulesRead => "rules.read",
            Permission::RulesManage => "rules.manage",
            Permission::JobsRead => "jobs.read",
            Permission::InterestReview => "interest.review",
        }
    }

    /// Chinese name, shown to administrators.
    pub const fn name(self) -> &'static str {
        match self {
            Permission::UsersManage => "管理用户",
            Permission::RolesManage => "管理角色权限",
            Permission::AuditRead => "查阅审计日志",
            Permission::CalendarRead => "查阅工作日历",
            Permission::CalendarManage => "维护工作日历",
            Permission::RegistryRead => "查阅登记簿",
            Permission::CadastreManage => "维护地籍数据",
            Permission::PartiesManage => "登记当事人",
            Permission::CaseIntake => "受理",
            Permission::CaseReview => "审核",
            Permission::CaseRegister => "登簿",
            Permission::CaseCertify => "缮证发证",
            Permission::CaseArchive => "归档",
            Permission::CaseRead => "查阅业务",
            Permission::RulesRead => "查阅规则库",
            Permission::RulesManage => "管理规则库",
            Permission::JobsRead => "查看后台任务",
            Permission::InterestReview => "审批利害关系人查询",
        }
    }

    /// Which realm may hold this permission at all. Staff-only permissions can never be granted
    /// to a public role, whatever an administrator tries.
    pub const fn realm(self) -> Realm {
        Realm::Staff
    }
}

impl FromStr for Permission {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::ALL.iter().copied().find(|p| p.code() == s).ok_or_else(|| UnknownCode { kind: "权限", value: s.to_owned() })
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Grants a fresh installation starts with (least privilege: each role gets what its work needs).
pub fn default_grants(role_code: &str) -> &'static [Permission] {
    use Permission::*;
    match role_code {
        "admin" => &[UsersManage, RolesManage, CalendarRead, CalendarManage, RulesRead, RulesManage, JobsRead],
        "supervise" => &[AuditRead, CalendarRead, RegistryRead, CaseRead, RulesRead, JobsRead],
        "intake" => &[CalendarRead, RegistryRead, CadastreManage, PartiesManage, CaseIntake, CaseRead],
        "review" => &[CalendarRead, RegistryRead, CaseReview, CaseRead, RulesRead],
        "register" => &[CalendarRead, RegistryRead, CadastreManage, CaseRegister, CaseRead],
        "certify" => &[CalendarRead, RegistryRead, CaseCertify, CaseRead],
        "archive" => &[CalendarRead, RegistryRead, CaseArchive, CaseRead],
        "query" => &[CalendarRead, RegistryRead, CaseRead, InterestReview],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_found_by_code_and_by_chinese_name() {
        for r in ROLES {
            assert_eq!(role(r.code), Some(r));
            assert_eq!(role(r.name), Some(r));
        }
        assert_eq!(role("超级用户"), None);
    }

    #[test]
    fn permission_codes_round_trip() {
        for p in Permission::ALL {
            assert_eq!(p.code().parse::<Permission>().unwrap(), *p);
        }
        assert!("users.delete".parse::<Permission>().is_err());
    }

    #[test]
    fn administrators_cannot_read_the_audit_log_by_default() {
        // Separation of duties: the supervisor watches the administrator.
        assert!(!default_grants("admin").contains(&Permission::AuditRead));
        assert!(default_grants("supervise").contains(&Permission::AuditRead));
        assert!(default_grants("person").is_empty());
    }
}
