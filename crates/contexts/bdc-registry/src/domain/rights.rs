//! Kinds of rights and restrictions (权利与限制类型), with their national codes.
//!
//! Ownership and use rights carry the national 权利类型 (QLLX) code of TD/T 1066. Mortgage,
//! advance notice, objection, seizure and the administrative lock have no national QLLX code;
//! they are restrictions with life cycles of their own, kept as their own kinds here (vendors'
//! customary codes are given for the exchange formats only).

/// A kind of right or restriction that can attach to a 不动产单元.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RightKind {
    /// 1 集体土地所有权
    CollectiveLandOwnership,
    /// 3 国有建设用地使用权
    StateConstructionLandUse,
    /// 4 国有建设用地使用权/房屋（构筑物）所有权 — 房地产权
    StateLandAndHouse,
    /// 5 宅基地使用权
    HomesteadUse,
    /// 6 宅基地使用权/房屋所有权
    HomesteadAndHouse,
    /// 7 集体建设用地使用权
    CollectiveConstructionLandUse,
    /// 8 集体建设用地使用权/房屋所有权
    CollectiveLandAndHouse,
    /// 9 土地承包经营权
    LandContractManagement,
    /// 10 土地承包经营权/森林林木所有权
    LandContractAndForest,
    /// 11 林地使用权
    ForestLandUse,
    /// 12 林地使用权/森林林木使用权 — 林权
    ForestLandAndTrees,
    /// 13 草原使用权 (国有农用地的使用权 is registered under this and 99 by flow)
    StateAgriculturalLandUse,
    /// 19 地役权
    Easement,
    /// 居住权 (民法典 第366条; no 2015 QLLX code, vendors use 99)
    ResidenceRight,
    /// 森林、林木所有权 (registered with QLLX 10/12 in practice; kept apart for flows)
    ForestOwnership,
    /// 抵押权 (vendor code 37)
    Mortgage,
    /// 预告登记 (vendor code 96)
    AdvanceNotice,
    /// 异议登记 (vendor code 97)
    Objection,
    /// 查封登记 (vendor code 98)
    Seizure,
    /// 锁定 — administrative lock by the registration office
    Lock,
}

impl RightKind {
    pub const ALL: &'static [RightKind] = &[
        RightKind::CollectiveLandOwnership,
        RightKind::StateConstructionLandUse,
        RightKind::StateLandAndHouse,
        RightKind::HomesteadUse,
        RightKind::HomesteadAndHouse,
        RightKind::CollectiveConstructionLandUse,
        RightKind::CollectiveLandAndHouse,
        RightKind::LandContractManagement,
        RightKind::LandContractAndForest,
        RightKind::ForestLandUse,
        RightKind::ForestLandAndTrees,
        RightKind::StateAgriculturalLandUse,
        RightKind::Easement,
        RightKind::ResidenceRight,
        RightKind::ForestOwnership,
        RightKind::Mortgage,
        RightKind::AdvanceNotice,
        RightKind::Objection,
        RightKind::Seizure,
        RightKind::Lock,
    ];

    /// Stable machine code, stored in the database and used in the API.
    pub const fn code(self) -> &'static str {
        match self {
            RightKind::CollectiveLandOwnership => "collective_land_ownership",
            RightKind::StateConstructionLandUse => "state_construction_land_use",
            RightKind::StateLandAndHouse => "state_land_and_house",
            RightKind::HomesteadUse => "homestead_use",
            RightKind::HomesteadAndHouse => "homestead_and_house",
            RightKind::CollectiveConstructionLandUse => "collective_construction_land_use",
            RightKind::CollectiveLandAndHouse => "collective_land_and_house",
            RightKind::LandContractManagement => "land_contract_management",
            RightKind::LandContractAndForest => "land_contract_and_forest",
            RightKind::ForestLandUse => "forest_land_use",
            RightKind::ForestLandAndTrees => "forest_land_and_trees",
            RightKind::StateAgriculturalLandUse => "state_agricultural_land_use",
            RightKind::Easement => "easement",
            RightKind::ResidenceRight => "residence_right",
            RightKind::ForestOwnership => "forest_ownership",
            RightKind::Mortgage => "mortgage",
            RightKind::AdvanceNotice => "advance_notice",
            RightKind::Objection => "objection",
            RightKind::Seizure => "seizure",
            RightKind::Lock => "lock",
        }
    }

    /// Chinese name as printed in the register.
    pub const fn name(self) -> &'static str {
        match self {
            RightKind::CollectiveLandOwnership => "集体土地所有权",
            RightKind::StateConstructionLandUse => "国有建设用地使用权",
            RightKind::StateLandAndHouse => "国有建设用地使用权/房屋所有权",
            RightKind::HomesteadUse => "宅基地使用权",
            RightKind::HomesteadAndHouse => "宅基地使用权/房屋所有权",
            RightKind::CollectiveConstructionLandUse => "集体建设用地使用权",
            RightKind::CollectiveLandAndHouse => "集体建设用地使用权/房屋所有权",
            RightKind::LandContractManagement => "土地承包经营权",
            RightKind::LandContractAndForest => "土地承包经营权/森林、林木所有权",
            RightKind::ForestLandUse => "林地使用权",
            RightKind::ForestLandAndTrees => "林地使用权/森林、林木使用权",
            RightKind::StateAgriculturalLandUse => "国有农用地的使用权",
            RightKind::Easement => "地役权",
            RightKind::ResidenceRight => "居住权",
            RightKind::ForestOwnership => "森林、林木所有权",
            RightKind::Mortgage => "抵押权",
            RightKind::AdvanceNotice => "预告登记",
            RightKind::Objection => "异议登记",
            RightKind::Seizure => "查封登记",
            RightKind::Lock => "锁定",
        }
    }

    /// National 权利类型 code where one exists; restrictions give the customary vendor code.
    pub const fn qllx(self) -> u16 {
        match self {
            RightKind::CollectiveLandOwnership => 1,
            RightKind::StateConstructionLandUse => 3,
            RightKind::StateLandAndHouse => 4,
            RightKind::HomesteadUse => 5,
            RightKind::HomesteadAndHouse => 6,
            RightKind::CollectiveConstructionLandUse => 7,
            RightKind::CollectiveLandAndHouse => 8,
            RightKind::LandContractManagement => 9,
            RightKind::LandContractAndForest => 10,
            RightKind::ForestLandUse => 11,
            RightKind::ForestLandAndTrees => 12,
            RightKind::StateAgriculturalLandUse => 13,
            RightKind::Easement => 19,
            RightKind::ResidenceRight | RightKind::ForestOwnership | RightKind::Lock => 99,
            RightKind::Mortgage => 37,
            RightKind::AdvanceNotice => 96,
            RightKind::Objection => 97,
            RightKind::Seizure => 98,
        }
    }

    /// Restrictions (抵押, 预告, 异议, 查封, 锁定) limit a right; the others are rights.
    pub const fn is_restriction(self) -> bool {
        matches!(self, RightKind::Mortgage | RightKind::AdvanceNotice | RightKind::Objection | RightKind::Seizure | RightKind::Lock)
    }

    pub fn from_code(code: &str) -> Option<RightKind> {
        RightKind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// 登记类型 (DJLX) of TD/T 1066.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationType {
    /// 100 首次登记
    First,
    /// 200 转移登记
    Transfer,
    /// 300 变更登记
    Change,
    /// 400 注销登记
    Cancellation,
    /// 500 更正登记
    Correction,
    /// 600 异议登记
    Objection,
    /// 700 预告登记
    Advance,
    /// 800 查封登记
    Seizure,
    /// 900 其他登记 (换证, 遗失补证, …)
    Other,
}

impl RegistrationType {
    pub const fn code(self) -> u16 {
        match self {
            RegistrationType::First => 100,
            RegistrationType::Transfer => 200,
            RegistrationType::Change => 300,
            RegistrationType::Cancellation => 400,
            RegistrationType::Correction => 500,
            RegistrationType::Objection => 600,
            RegistrationType::Advance => 700,
            RegistrationType::Seizure => 800,
            RegistrationType::Other => 900,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            RegistrationType::First => "首次登记",
            RegistrationType::Transfer => "转移登记",
            RegistrationType::Change => "变更登记",
            RegistrationType::Cancellation => "注销登记",
            RegistrationType::Correction => "更正登记",
            RegistrationType::Objection => "异议登记",
            RegistrationType::Advance => "预告登记",
            RegistrationType::Seizure => "查封登记",
            RegistrationType::Other => "其他登记",
        }
    }
}

/// 权属状态 (QSZT): the life-cycle state of a right or restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RightState {
    /// 0 临时 — pending in a case, not yet registered.
    Pending,
    /// 1 现势 — current.
    Current,
    /// 2 历史 — superseded by a later registration.
    Historic,
    /// 3 终止 — ended (cancelled, released, lapsed).
    Ended,
}

impl RightState {
    pub const fn code(self) -> u8 {
        match self {
            RightState::Pending => 0,
            RightState::Current => 1,
            RightState::Historic => 2,
            RightState::Ended => 3,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            RightState::Pending => "临时",
            RightState::Current => "现势",
            RightState::Historic => "历史",
            RightState::Ended => "终止",
        }
    }

    pub fn from_code(c: u8) -> Option<RightState> {
        [RightState::Pending, RightState::Current, RightState::Historic, RightState::Ended].into_iter().find(|s| s.code() == c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for k in RightKind::ALL {
            assert!(seen.insert(k.code()), "{k:?}");
            assert_eq!(RightKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(RightKind::StateLandAndHouse.qllx(), 4);
        assert!(RightKind::Seizure.is_restriction() && !RightKind::StateLandAndHouse.is_restriction());
    }
}
