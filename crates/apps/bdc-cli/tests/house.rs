//! The rules of the house (ARCHITECTURE.md), checked on the workspace as it is: which crate may
//! depend on which, and that no HTTP handler or page reaches a store.
//!
//! The dependency graph comes from `cargo metadata` (declared dependencies of every workspace
//! crate); the source rule reads the `api` and `pages` modules of every crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a crate lives: its folder under `crates/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Floor {
    Kernel,
    Context,
    Integration,
    App,
}

struct Krate {
    floor: Floor,
    /// Workspace crates it depends on, normal (not dev) dependencies only.
    deps: Vec<String>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(3).expect("crates/apps/bdc-cli is three below the root").to_path_buf()
}

/// Every Rust source under `crates/` that is not a test (`tests/` folders left out), with its text.
fn production_sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![workspace_root().join("crates")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.file_name().is_some_and(|n| n == "tests" || n == "target") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    out
}

fn workspace() -> BTreeMap<String, Krate> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo).args(["metadata", "--format-version", "1", "--no-deps", "--offline"]).current_dir(workspace_root()).output().expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<String> = meta["packages"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect();
    let mut crates = BTreeMap::new();
    for p in meta["packages"].as_array().unwrap() {
        let path = p["manifest_path"].as_str().unwrap();
        let floor = if path.contains("/crates/kernel/") {
            Floor::Kernel
        } else if path.contains("/crates/contexts/") {
            Floor::Context
        } else if path.contains("/crates/integrations/") {
            Floor::Integration
        } else {
            assert!(path.contains("/crates/apps/"), "{path}: every crate lives under crates/kernel, contexts, integrations or apps");
            Floor::App
        };
        let deps = p["dependencies"].as_array().unwrap().iter().filter(|d| d["kind"].is_null()).map(|d| d["name"].as_str().unwrap().to_owned()).filter(|n| names.contains(n)).collect();
        crates.insert(p["name"].as_str().unwrap().to_owned(), Krate { floor, deps });
    }
    crates
}

#[test]
fn every_crate_depends_only_on_what_the_house_allows() {
    let ws = workspace();
    let floor = |n: &str| ws[n].floor;
    let mut broken = Vec::new();
    for (name, k) in &ws {
        for d in &k.deps {
            let ok = match (k.floor, floor(d)) {
                // The kernel knows no business: only other kernel crates.
                (Floor::Kernel, to) => to == Floor::Kernel,
                // An adapter or sandbox speaks to an outside system: kernel and adapters only.
                (Floor::Integration, to) => to == Floor::Kernel || (to == Floor::Integration && d == "bdc-adapters"),
                // A context: the kernel, the adapters, and the register's service API.
                (Floor::Context, Floor::Kernel) => true,
                (Floor::Context, Floor::Integration) => d == "bdc-adapters",
                (Floor::Context, Floor::Context) => d == "bdc-registry",
                (Floor::Context, Floor::App) => false,
                // Apps compose everything; the demo city is linked by apps only.
                (Floor::App, _) => true,
            };
            if !ok {
                broken.push(format!("{name} ({:?}) → {d} ({:?})", k.floor, floor(d)));
            }
        }
    }
    assert!(broken.is_empty(), "dependencies the house forbids:\n{}", broken.join("\n"));
    // The sandboxes and the demo city ship in no production crate.
    for (name, k) in &ws {
        // The server is what a registration centre runs: it composes the contexts only.
        if k.floor != Floor::App || name == "bdc-server" {
            for d in ["bdc-sandbox", "bdc-demo"] {
                assert!(!k.deps.contains(&d.to_owned()), "{name} links {d}");
            }
        }
    }
}

#[test]
fn test_support_is_compiled_into_test_builds_only() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo).args(["metadata", "--format-version", "1", "--no-deps", "--offline"]).current_dir(workspace_root()).output().expect("run cargo metadata");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut offenders = Vec::new();
    for p in meta["packages"].as_array().unwrap() {
        for d in p["dependencies"].as_array().unwrap() {
            let features: Vec<&str> = d["features"].as_array().unwrap().iter().filter_map(|f| f.as_str()).collect();
            if d["kind"].is_null() && features.contains(&"testing") {
                offenders.push(format!("{} → {}", p["name"], d["name"]));
            }
        }
    }
    assert!(offenders.is_empty(), "production dependencies with the `testing` feature (fresh test databases):\n{}", offenders.join("\n"));
}

#[test]
fn the_interface_reaches_the_data_only_through_the_use_cases() {
    // No handler or page names a store, whatever crate it is in.
    let mut offenders = Vec::new();
    for (p, text) in production_sources() {
        // `api/…` and `pages/…` modules, and a context's `api.rs` and `pages.rs`.
        let interface = |n: &std::ffi::OsStr| n == "api" || n == "pages";
        let in_interface = p.components().any(|c| interface(c.as_os_str())) || p.file_stem().is_some_and(interface);
        if in_interface && (text.contains("bdc_registry::store") || text.contains("crate::store") || text.contains("super::store") || text.contains("sqlx::")) {
            offenders.push(p.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "handlers or pages that reach a store:\n{}", offenders.join("\n"));
}

/// The register's store is private to the register: another context, and the HTTP shell, reach
/// it only through the register's use cases (`bdc_registry::register_api`, `service`). The other apps
/// (the demo's bulk loading, the benchmarks) and tests may.
#[test]
fn no_other_context_names_the_registers_store() {
    let mut offenders = Vec::new();
    for (p, text) in production_sources() {
        let path = p.display().to_string();
        let outsider = (path.contains("/crates/contexts/") && !path.contains("/bdc-registry/")) || path.contains("/crates/apps/bdc-server/");
        if outsider && text.contains("bdc_registry::store") {
            offenders.push(path);
        }
    }
    assert!(offenders.is_empty(), "code outside the register that names its store:\n{}", offenders.join("\n"));
}

/// Every type of the API document has a name of its own: utoipa keeps one schema per name, so two
/// contexts' `RoleDto`s would describe one of them wrongly (schemathesis found the portal's flow
/// roles checked against identity's roles).
#[test]
fn no_two_api_types_share_a_name() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut clashes = Vec::new();
    for (p, text) in production_sources() {
        let mut derives_schema = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") {
                derives_schema = line.contains("ToSchema");
            } else if let Some(rest) = line.strip_prefix("pub struct ").or_else(|| line.strip_prefix("pub enum ")) {
                if derives_schema {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if let Some(other) = seen.insert(name.clone(), p.display().to_string()) {
                        clashes.push(format!("{name}: {other} and {}", p.display()));
                    }
                }
                derives_schema = false;
            }
        }
    }
    assert!(clashes.is_empty(), "API types with the same name:\n{}", clashes.join("\n"));
}

/// The workspace's `rust-version` is at least what every dependency declares it needs, so a
/// toolchain the workspace claims to support can build it.
#[test]
fn the_declared_rust_version_covers_every_dependency() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo).args(["metadata", "--format-version", "1", "--locked"]).current_dir(workspace_root()).output().expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = |s: &str| s.split('.').map(|x| x.parse::<u32>().unwrap_or(0)).chain(std::iter::repeat(0)).take(3).collect::<Vec<_>>();
    let used: std::collections::BTreeSet<&str> = meta["resolve"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages.iter().find(|p| p["name"] == "bdc-core").and_then(|p| p["rust_version"].as_str()).expect("bdc-core declares rust-version");
    let mut short = Vec::new();
    for p in packages.iter().filter(|p| used.contains(p["id"].as_str().unwrap())) {
        if let Some(need) = p["rust_version"].as_str() {
            if version(need) > version(ours) {
                short.push(format!("{} {} needs {need}", p["name"].as_str().unwrap(), p["version"].as_str().unwrap()));
            }
        }
    }
    assert!(short.is_empty(), "rust-version {ours} is below what dependencies need:\n{}", short.join("\n"));
}

/// A context's tables and the crate that owns them: no other crate's code reads or writes them
/// in SQL (the migrations create them; tests may read them as an attacker with the database file
/// would).
const OWNED_TABLES: [(&str, &[&str]); 4] = [
    ("bdc-identity", &["users", "roles", "role_permissions", "user_roles", "sessions", "identity_verifications", "portal_accounts"]),
    ("bdc-portal", &["online_applications", "application_confirmations", "application_drafts", "agent_authorisations", "interest_applications", "interest_evidence"]),
    ("bdc-court", &["court_messages", "court_requests", "court_properties"]),
    ("bdc-reporting", &["report_messages", "reconciliation_items", "issuance_rules"]),
];

/// Whether `text` names table `t` in SQL (`FROM t`, `JOIN t`, `INTO t`, `UPDATE t`) or as a
/// sealed column (`("t", …)`).
fn names_table(text: &str, t: &str) -> bool {
    // A sealed column `("table", "key", "column")`: three identifiers.
    let prefix = format!("(\"{t}\", \"");
    let sealed = text.match_indices(&prefix).any(|(i, _)| {
        let rest = &text[i + prefix.len()..];
        let key = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').count();
        key > 0 && rest[key..].starts_with("\", \"")
    });
    sealed
        || ["FROM ", "JOIN ", "INTO ", "UPDATE "].iter().any(|kw| {
            let needle = format!("{kw}{t}");
            text.match_indices(&needle).any(|(i, _)| !text[i + needle.len()..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'))
        })
}

#[test]
fn no_crate_reads_another_contexts_tables() {
    let mut offenders = Vec::new();
    for (p, text) in production_sources() {
        for (owner, tables) in OWNED_TABLES {
            if p.components().any(|c| c.as_os_str() == owner) {
                continue;
            }
            for t in tables.iter().filter(|t| names_table(&text, t)) {
                offenders.push(format!("{} names {t} ({owner}'s)", p.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "code that reads another context's tables:\n{}", offenders.join("\n"));
}

#[test]
fn the_table_check_sees_sql_and_not_words() {
    assert!(names_table("SELECT id FROM users WHERE", "users"));
    assert!(names_table("(\"report_messages\", \"id\", \"message\")", "report_messages"));
    assert!(!names_table("pub roles: Vec<String>, FROM roles_of", "roles"));
    assert!(!names_table("let users = list_users();", "users"));
    assert!(!names_table("f.all(\"roles\")", "roles"));
    assert!(!names_table("errors.insert(\"roles\", \"请至少选择一个角色\")", "roles"));
}
