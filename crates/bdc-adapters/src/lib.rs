//! BDC adapters — outside systems behind traits (外部系统适配).
//!
//! Each outside system is one trait with a real implementation and, where the system is
//! remote, a sandbox that speaks the same protocol. Services hold them as `Arc<dyn Trait>`.
//! Today: [`files`] (file storage for scans, attachments and generated PDFs). The court
//! front-end, the provincial platform and SMS come with their issues.

pub mod court;
pub mod files;
pub mod province;
