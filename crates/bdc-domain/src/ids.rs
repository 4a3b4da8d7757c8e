//! Identifiers (标识码) — being written: see the issue "Registry core".
