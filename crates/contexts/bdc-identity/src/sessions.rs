//! The sessions of the accounts this context keeps (会话): the lookup the HTTP kernel's gate
//! calls for every authenticated request.

use bdc_core::{Actor, ServiceError};
use bdc_http::session::Sessions;
use bdc_registry::Services;

/// Looks a session or bearer token up among the accounts' sessions.
pub struct AccountSessions(pub Services);

#[async_trait::async_trait]
impl Sessions for AccountSessions {
    async fn authenticate(&self, token: &str) -> Result<Actor, ServiceError> {
        crate::service::auth::authenticate(&self.0, token).await
    }
}
