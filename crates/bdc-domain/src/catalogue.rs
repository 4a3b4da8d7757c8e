//! The business catalogue (业务目录) — being written: see the issue "Registry core".
