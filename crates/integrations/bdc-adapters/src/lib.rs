//! BDC adapters — outside systems behind traits (外部系统适配).
//!
//! Each outside system is one trait with a real implementation and, where the system is
//! remote, a sandbox that speaks the same protocol. Services hold them as `Arc<dyn Trait>`.
//! [`files`] (file storage for scans, attachments and generated PDFs), [`province`] (the
//! provincial platform), [`court`] (the court front-end), [`sms`] (one-time codes), [`identity`] (公安 人证比对 and the enterprise registry).

pub mod certificate_pdf;
pub mod court;
pub mod files;
pub mod identity;
pub mod notice_pdf;
mod pdf_common;
pub mod province;
pub mod sms;
