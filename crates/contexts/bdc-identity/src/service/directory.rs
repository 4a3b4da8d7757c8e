//! The identity context's answer to the register core's [`Directory`] port: the accounts and
//! real-name links it keeps, read inside the caller's transaction.

use bdc_core::ServiceResult;
use bdc_db::AnyConnection;
use bdc_registry::service::directory::{AccountLink, Directory, UserName};

use crate::store::{accounts, links};

/// The accounts of this context, as the core may ask for them.
#[derive(Debug, Default)]
pub struct Accounts;

#[async_trait::async_trait]
impl Directory for Accounts {
    async fn link(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<Option<AccountLink>> {
        Ok(links::account(conn, user_id).await?.map(|a| AccountLink { user_id: a.user_id, party_id: a.party_id, phone_masked: a.phone_masked }))
    }

    async fn awaits_real_name(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<bool> {
        Ok(matches!(links::account_any(conn, user_id).await?, Some((_, None))))
    }

    async fn account_of_party(&self, conn: &mut AnyConnection, party_id: i64) -> ServiceResult<Option<i64>> {
        Ok(links::account_of_party(conn, party_id).await?)
    }

    async fn sealed_phone(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<Option<String>> {
        Ok(links::sealed_phone(conn, user_id).await?)
    }

    async fn staff_names(&self, conn: &mut AnyConnection, usernames: &[String]) -> ServiceResult<Vec<UserName>> {
        Ok(accounts::staff_names(conn, usernames).await?.into_iter().map(|(username, display_name)| UserName { username, display_name }).collect())
    }

    async fn user(&self, conn: &mut AnyConnection, user_id: i64) -> ServiceResult<Option<UserName>> {
        Ok(accounts::get_user(conn, user_id).await?.map(|u| UserName { username: u.username, display_name: u.display_name }))
    }
}
