//! 利害关系人查询 — interested-party queries: applied for on the portal, decided on the workbench.

use axum::Router;

use crate::state::AppState;

/// The interested-party query routes (portal and workbench).
pub fn routes() -> Router<AppState> {
    Router::new()
}
