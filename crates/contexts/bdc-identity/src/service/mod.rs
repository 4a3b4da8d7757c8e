//! The identity context's use cases. Each checks the actor's permission itself, so the API, the
//! pages, the CLI and the demo are held to the same rules.
//!
//! - [`auth`] — login (with atomic lock-out counting and rate limits), sessions and tokens,
//!   logout, changing one's own password.
//! - [`users`] and [`roles`] — accounts and roles administration.
//! - [`verification`] — real-name verification by the identity authority (人证比对), recorded.
//! - [`signup`] — real-name sign-up and 实名认证 of a public account.
//! - [`password_reset`] — 忘记密码: a public account's new password by a code sent to its phone.
//! - [`directory`] — what the register core asks of the accounts (its `Directory` port).

pub mod auth;
pub mod directory;
pub mod password_reset;
pub mod roles;
pub mod signup;
pub mod users;
pub mod verification;
