//! The accounts the register core does not keep (账户目录): a port the identity context fills.
//!
//! Accounts, sessions and real-name links are the identity context's tables. The register core
//! and the portal's use cases still need a few facts about them — which party a public account
//! has been proven to be, whether a party has such an account, the phone to send a confirmation
//! code to, whose name to show — and ask them here, inside their own transaction, of whatever
//! the server installed ([`crate::service::Services::with_directory`]). Without one, no account is linked.

use bdc_db::AnyConnection;

use crate::service::ServiceResult;

/// A public account's proven link to its party (实名关联).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLink {
    pub user_id: i64,
    pub party_id: i64,
    pub phone_masked: String,
}

/// A user as other contexts may name him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName {
    pub username: String,
    pub display_name: String,
}

/// What the core asks of the accounts.
#[async_trait::async_trait]
pub trait Directory: Send + Sync + std::fmt::Debug {
    /// The verified real-name link of public account `user_id`; `None` without one.
    async fn link(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<Option<AccountLink>>;
    /// Whether public account `user_id` was signed up before real-name was proven and must
    /// verify (实名认证) before anything else: tied to a party, but not proven to be it.
    async fn awaits_real_name(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<bool>;
    /// The public account proven to be `party_id`, if any (one party, one account).
    async fn account_of_party(&self, conn: &mut AnyConnection, party_id: i64) -> ServiceResult<Option<i64>>;
    /// The sealed phone number of public account `user_id`, to send it a one-time code.
    async fn sealed_phone(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<Option<String>>;
    /// The user's names.
    async fn user(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<Option<UserName>>;
    /// The display names of staff accounts by username (the journal's 登簿人), in one statement;
    /// a username it does not know is left out.
    async fn staff_names(&self, conn: &mut AnyConnection, usernames: &[String]) -> ServiceResult<Vec<UserName>>;
}

/// No accounts at all: what a server without the identity context sees.
#[derive(Debug, Default)]
pub struct NoAccounts;

#[async_trait::async_trait]
impl Directory for NoAccounts {
    async fn link(&self, _: &mut AnyConnection, _: i64) -> ServiceResult<Option<AccountLink>> {
        Ok(None)
    }
    async fn awaits_real_name(&self, _: &mut AnyConnection, _: i64) -> ServiceResult<bool> {
        Ok(false)
    }
    async fn account_of_party(&self, _: &mut AnyConnection, _: i64) -> ServiceResult<Option<i64>> {
        Ok(None)
    }
    async fn sealed_phone(&self, _: &mut AnyConnection, _: i64) -> ServiceResult<Option<String>> {
        Ok(None)
    }
    async fn staff_names(&self, _: &mut AnyConnection, _: &[String]) -> ServiceResult<Vec<UserName>> {
        Ok(Vec::new())
    }

    async fn user(&self, _: &mut AnyConnection, _: i64) -> ServiceResult<Option<UserName>> {
        Ok(None)
    }
}
