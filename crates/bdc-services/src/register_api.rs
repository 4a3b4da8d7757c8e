//! The register's service API for the other contexts (登记簿服务接口).
//!
//! A context never reads the register's tables itself: it calls these, inside its own
//! transaction when its change and the register's must commit together (a court's seizure is
//! registered and its property marked done in one transaction). This list is the whole surface
//! other contexts may use; anything not here is the register's own.

pub use crate::calendar::{load as working_calendar, load_in as working_calendar_in};
pub use crate::cases::{next_case_number, register_locked, system_actor, today, RequestDoc};
pub use crate::keys::{seal, seal_legacy, unseal};
pub use bdc_store::keys::SealedColumn;

/// Cases (业务): opening one for a registration the context asks for.
pub mod cases {
    pub use bdc_store::cases::{add_event, get_case, insert_case, NewCase};
}

/// Units, parties and rights as the register holds them now.
pub mod registry {
    pub use bdc_store::registry::{find_unit, get_party, get_unit, parties_named, rights_of_unit, unit_by_certificate, units_at, upsert_party, Party, RightRecord, Unit};
}

/// The journal (登记簿账本): the next sequence to register under, and what an entry did.
pub mod journal {
    pub use bdc_store::journal::{entry, next_seq, parse_payload, Entry, Payload, Step};
}
