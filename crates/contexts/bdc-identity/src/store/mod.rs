//! The identity context's own tables, private to it: `users`, `roles`, `role_permissions`,
//! `user_roles`, `sessions` ([`accounts`]), `identity_verifications` ([`verifications`]) and
//! `portal_accounts` ([`links`]).

pub mod accounts;
pub mod links;
pub mod verifications;

#[cfg(test)]
mod tests;
