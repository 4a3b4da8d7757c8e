//! The register's service API for the other contexts (登记簿服务接口).
//!
//! A context never reads the register's tables itself: it calls these, inside its own
//! transaction when its change and the register's must commit together (a court's seizure is
//! registered and its property marked done in one transaction). This list is the whole surface
//! other contexts may use; anything not here is the register's own.
//!
//! The court context registers through it; the reporting context reads what an entry did, on
//! which units, for which case, to build the province's messages and the daily log; the portal
//! opens the cases its applications become, through the very checks of the counter, files their
//! materials and shows the applicant his cases, units and certificates.

pub use crate::service::calendar::{load as working_calendar, load_in as working_calendar_in};
pub use crate::service::cases::{next_case_number, register_locked, system_actor, today, RequestDoc};
pub use crate::service::keys::{seal, seal_legacy, signing_key, unseal};
pub use crate::service::lapse::LapseKind;
pub use crate::store::keys::SealedColumn;

/// One-time codes by SMS (短信验证码): sent, checked and used up by the identity context's
/// sign-up as by the portal's confirmations.
pub mod codes {
    pub use crate::service::codes::{check_code, code_hash, deliver_code, phone_ok, send_code, CODE_ATTEMPTS, PASSWORD_RESET, SIGN_UP};
    pub use crate::store::codes::{code_attempted, latest_code, use_code, StoredCode};
}

/// The rate limits every server instance shares (频率限制).
pub mod limits {
    pub use crate::service::limits::{hit, refuse_if_over, Kind};
}

/// Cases (业务): opening one for a registration the context asks for, and reading one. An online
/// application is opened through the counter's own checks ([`precheck`], [`open_case`]) and
/// remembers who submitted it.
pub mod cases {
    pub use crate::service::cases::{open_case, precheck, steps_of, with_mortgage, CaseStep, Hand, OpenCase, Opened, RequestDoc};
    pub use crate::service::withdrawal::{withdraw_by_applicant, withdrawable};
    pub use crate::store::cases::{add_event, cases_of_party, cases_submitted_by, events, get_case, insert_case, set_submitted_by, submitted_by, CaseEvent, CaseRecord, NewCase};
}

/// The register's file index (申请材料): checking uploads by their bytes, storing them with
/// their SM3 digest, a case's files for whoever may see the case, and the index rows of other
/// owners (a context's drafts or letters) under the context's own checks.
pub mod materials {
    pub use crate::service::materials::{
        add_to_case, bytes, case_files, check, check_material, checklist, display_name, find, may_see_case, open_case_file, sniff, store_files, Attachment, Upload, MAX_FILES_PER_OWNER, MAX_FILE_BYTES,
    };
    pub use crate::store::attachments::{delete_of_owner, insert, move_owner, move_owner_of, of_owner, NewAttachment, CASE};
}

/// Certificates and proofs (证书、证明): their view, the signed QR, the PDF, and the public
/// authenticity check (证书核验).
pub mod certificates {
    pub use crate::service::certificates::{pdf, qr_payload, verify_by_number, verify_payload, view, CertificateView, QrFacts, Verdict};
}

/// The service guide (办事指南): a flow's conditions as the rule library holds them today, and
/// the halls and hours of the office.
pub mod guide {
    pub use crate::service::guide::{guide, Condition, GuideFacts};
}

/// Units, parties and rights as the register holds them now.
pub mod registry {
    /// The party a real-name verification proved: found by its ID number, recorded if new.
    pub use crate::service::registry::{party_on_record, verified_party};
    pub use crate::store::registry::{
        certificates_of_party, find_building, find_party_by_index, find_unit, get_parcel, get_party, get_unit, holders_of_kind, parties_by_ids, parties_named, rights_of_unit, search_units,
        unit_by_certificate, unit_of_right, units_at, upsert_party, Building, HeldAs, Parcel, Party, RightRecord, Unit, UnitFilter, UnitOrder,
    };
}

/// The journal (登记簿账本): the next sequence to register under, what an entry did, the entries
/// of a period, and the signed checkpoint of its head sent with the daily log.
pub mod journal {
    pub use crate::service::checkpoint::{for_log as checkpoint_for_log, Checkpoint};
    pub use crate::store::journal::{entries_between, entry, next_seq, parse_payload, Entry, Payload, Step};
}

/// Numbering: the next number of a daily or yearly sequence kept by the register (certificate
/// numbers, BizMsgIDs), under the caller's transaction so that a number is never given twice.
pub mod numbering {
    pub use crate::store::registry::next_certificate_seq as next_in_sequence;
}
