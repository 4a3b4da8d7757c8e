//! Small DTOs every context's API shares.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use bdc_core::access::Realm;

/// Account realm in the API: `staff` (工作人员) or `public` (公众).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RealmDto {
    Staff,
    Public,
}

impl From<RealmDto> for Realm {
    fn from(r: RealmDto) -> Self {
        match r {
            RealmDto::Staff => Realm::Staff,
            RealmDto::Public => Realm::Public,
        }
    }
}

impl From<Realm> for RealmDto {
    fn from(r: Realm) -> Self {
        match r {
            Realm::Staff => RealmDto::Staff,
            Realm::Public => RealmDto::Public,
        }
    }
}
