//! Counting the SQL statements a process runs (语句计数), for the query-count test and the page
//! benchmark: a `tracing` layer over sqlx's statement events (target `sqlx::query`). Only a
//! process that installs it pays for those events.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Adds one to its counter for every statement sqlx runs, leaving out the `PRAGMA`s with which
/// the pool sets up a new SQLite connection: they belong to the connection, not to the work.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(pub Arc<AtomicUsize>);

impl StatementCounter {
    /// Statements counted so far.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The statement's summary (its first words), read from the event.
#[derive(Default)]
struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            value.clone_into(&mut self.0);
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target().starts_with("sqlx::query") {
            let mut summary = Summary::default();
            event.record(&mut summary);
            if !summary.0.trim_start_matches('"').to_ascii_uppercase().starts_with("PRAGMA") {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
