//! 系统管理 — the workbench's administration pages.

use axum::Router;

use crate::state::AppState;

/// The administration routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
