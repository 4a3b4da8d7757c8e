//! Black-box API tests: each starts the real server on a random port over a fresh database, on
//! SQLite and (with `BDC_TEST_DATABASE_URL`) on PostgreSQL.

mod helpers;

mod admin_pages;
mod archive_lists;
mod at_rest;
mod audit;
mod auth;
mod bad_input;
mod calendar;
mod case_lifecycle;
mod case_search;
mod court;
mod documents;
mod duties;
mod error_pages;
mod flows;
mod guide;
mod interest;
mod materials;
mod password_reset;
mod permissions;
mod portal;
mod portal_api;
mod portal_withdraw;
mod registry;
mod security;
mod staff_screens;
mod system;
mod users;
