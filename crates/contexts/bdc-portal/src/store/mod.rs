//! The portal's own tables, private to it: `online_applications` and
//! `application_confirmations` ([`applications`]), `application_drafts` ([`drafts`]),
//! `agent_authorisations` ([`agency`]), `interest_applications` and `interest_evidence`
//! ([`interest`]). Everything else it reads through the register's service API.

pub mod agency;
pub mod applications;
pub mod drafts;
pub mod interest;
