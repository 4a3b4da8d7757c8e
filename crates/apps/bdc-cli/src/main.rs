//! `bdc` — the command of the BDC registration platform (不动产登记信息平台).
//!
//! - `bdc serve` — migrate, then serve the API (and later the portal and workbench).
//! - `bdc migrate` — apply migrations and exit.
//! - `bdc user add` — create an account from the server's console (the first administrator).

mod bench;
mod settings;

/// Prints a line to stdout, ignoring a closed stdout: a server whose terminal or log pipe went
/// away must keep serving, not panic on its next message.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use secrecy::ExposeSecret;

use bdc_adapters::files::LocalFileStore;
use bdc_adapters::province::transport::{FileExchange, HttpTransport};
use bdc_audit::store::AuditEntry;
use bdc_core::access::{self, Realm};
use bdc_core::Actor;
use bdc_db::Db;
use bdc_identity::service::users::CreateUser;
use bdc_registry::service::{SecuritySettings, Services};
use bdc_server::{Application, WebSettings};

use settings::{FileSettings, Overrides, Settings};

#[derive(Parser)]
#[command(name = "bdc", version, about = "BDC 不动产登记信息平台")]
struct Cli {
    /// Config file (TOML). Default: ./bdc.toml when it exists.
    #[arg(long, env = "BDC_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArgs {
    /// Database URL: sqlite://FILE or postgres://… (default: SQLite under the data dir).
    #[arg(long)]
    database_url: Option<String>,
    /// Directory for the embedded database, the generated key and files (default: ./data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, then serve HTTP until interrupted.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Build a deterministic synthetic Changzhou (units, parties, years of registrations), create
    /// demo accounts of every role, then serve it.
    Demo {
        /// Number of 不动产单元 to generate.
        #[arg(long, default_value_t = 2000)]
        units: u64,
        /// Seed of the generator: the same seed and size give the same city.
        #[arg(long, default_value_t = 20261125)]
        seed: u64,
        /// Build the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Measure the registry on this machine: bulk load, restriction check, 登簿 throughput, verify.
    Bench {
        /// Units of the demo city to load (into an empty database) or reuse.
        #[arg(long, default_value_t = 100_000)]
        units: u64,
        #[arg(long, default_value_t = 20261125)]
        seed: u64,
        /// Restriction checks to time.
        #[arg(long, default_value_t = 10_000)]
        checks: usize,
        /// Cases to register for the throughput figure.
        #[arg(long, default_value_t = 2_000)]
        cases: usize,
        /// Concurrent workers.
        #[arg(long, default_value_t = 4)]
        workers: usize,
        /// Also report this many registrations to the province from a backlog and time it.
        #[arg(long, default_value_t = 0)]
        reports: usize,
        /// Also post this many court requests to a sandbox front-end as one burst and time
        /// them end to end.
        #[arg(long, default_value_t = 0)]
        court: usize,
        /// Also time this many loads each of the 工作台 task list and of random units' register
        /// books through the real server, with the statements each page ran.
        #[arg(long, default_value_t = 0)]
        pages: usize,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Print the business catalogue (业务目录): one line per flow, or with `--markdown` the flow
    /// table of docs/FLOWS.md (who may apply, effect, materials, time limit, automatic or not).
    Catalogue {
        #[arg(long)]
        markdown: bool,
    },
    /// Apply migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Re-walk the register's SM3 journal and rebuild its projections; exit 1 on the first mismatch.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Sandboxes of outside systems, for tests and demonstrations on one machine.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
    /// Manage accounts from the console.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum SandboxCommand {
    /// A court front-end machine (法院查控前置机): courts' requests are posted to
    /// `/sandbox/requests`; BDC polls `/frontend` over SOAP; feedback shows at `/sandbox/feedback`.
    Court {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8091")]
        listen: String,
        /// Credentials BDC must present.
        #[arg(long, default_value = "bdc")]
        user: String,
        #[arg(long, env = "BDC_COURT_PASSWORD", default_value = "sandbox")]
        password: String,
    },
    /// An identity authority (身份核验：公安 人证比对 and the enterprise registry) speaking the
    /// protocol of docs/IDENTITY-PROTOCOL.md. It prints its SM2 public key for
    /// `BDC_IDENTITY_PUBLIC_KEY`; residents are added at `/sandbox/residents`, their photos
    /// fetched at `/sandbox/portrait/{证件号}`.
    Identity {
        #[arg(long, default_value = "127.0.0.1:8093")]
        listen: String,
        /// The application id BDC presents.
        #[arg(long, default_value = "bdc")]
        app: String,
        /// The application secret BDC signs requests with.
        #[arg(long, env = "BDC_IDENTITY_SECRET", default_value = "sandbox-identity-secret")]
        secret: String,
    },
    /// A provincial platform answering the messages delivered to a front-end exchange directory.
    Province {
        /// The exchange directory (default: the data dir's `province`).
        #[arg(long)]
        root: Option<PathBuf>,
        /// How often to look for new messages, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
        /// Answer what is there once and exit.
        #[arg(long)]
        once: bool,
        /// Also answer messages over HTTP (`POST /api/province/messages`) on this address.
        #[arg(long)]
        listen: Option<String>,
        /// Deliver today's list of inconsistent records naming these BizMsgIDs (comma-separated), then go on.
        #[arg(long, value_delimiter = ',')]
        inconsistent: Vec<String>,
        /// Cause for `--inconsistent`: 1 接入失败, 2 入库失败, 3 未上报, 4 比对不一致.
        #[arg(long, default_value_t = 4)]
        cause: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is asked for on a terminal, or read as one line from stdin.
    Add {
        #[arg(long)]
        username: String,
        /// Role code or Chinese name (e.g. admin or 系统管理); repeat or separate with commas.
        #[arg(long, value_delimiter = ',', required = true)]
        role: Vec<String>,
        /// Display name (default: the user name).
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Logs to stderr, filtered by `RUST_LOG`. `bdc bench` also counts the SQL statements the
/// process runs (per page); nothing else pays for sqlx's statement events.
fn init_tracing(count_statements: bool) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let log = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter);
    let counter =
        count_statements.then(|| bench::STATEMENTS.get_or_init(Default::default).clone().with_filter(tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE)));
    tracing_subscriber::registry().with(log).with(counter).init();
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing(matches!(cli.command, Command::Bench { .. }));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = FileSettings::load(cli.config.as_deref())?;
    let over = |db: DbArgs, listen: Option<String>| Overrides { listen, database_url: db.database_url, data_dir: db.data_dir };
    match cli.command {
        Command::Serve { listen, db } => serve(Settings::resolve(over(db, listen), file)?).await,
        Command::Catalogue { markdown } => {
            if markdown {
                print!("{}", bdc_registry::domain::catalogue::flows_markdown());
            } else {
                for f in bdc_registry::domain::catalogue::flows() {
                    println!("{}\t{}\t{}\t{}", f.code, f.channels[0].name(), f.name, f.basis.name());
                }
            }
            Ok(())
        }
        Command::Migrate { db } => {
            let settings = Settings::resolve(over(db, None), file)?;
            let db = connect(&settings).await?;
            let applied = bdc_registry::store::migrate(&db).await?;
            if applied.is_empty() {
                println!("数据库已是最新（{}）", db.engine().name());
            } else {
                println!("已应用迁移：{}", applied.join(", "));
            }
            Ok(())
        }
        Command::Demo { units, seed, no_serve, listen, db } => {
            let mut settings = Settings::resolve(over(db, listen), file)?;
            let sandbox = demo_identity(&mut settings).await?;
            demo(&settings, units, seed, sandbox.as_deref()).await?;
            if no_serve {
                Ok(())
            } else {
                serve(settings).await
            }
        }
        Command::Bench { units, seed, checks, cases, workers, reports, court, pages, db } => {
            let settings = Settings::resolve(over(db, None), file)?;
            let db = connect(&settings).await?;
            bdc_registry::store::migrate(&db).await?;
            let s = services(&settings, db.clone()).await?;
            bench::run(&s, &bench::BenchArgs { units, seed, checks, cases, workers, reports, court, pages }).await?;
            db.close().await;
            Ok(())
        }
        Command::Verify { db } => {
            let settings = Settings::resolve(over(db, None), file)?;
            let db = connect(&settings).await?;
            bdc_registry::store::migrate(&db).await?;
            let report = bdc_registry::service::verify::verify(&services(&settings, db.clone()).await?).await?;
            let rate = if report.seconds > 0.0 { report.entries as f64 / report.seconds } else { 0.0 };
            say!("账本 {} 条，权利 {} 项，证书 {} 本，用时 {:.2} 秒（{:.0} 条/秒）", report.entries, report.rights, report.certificates, report.seconds, rate);
            db.close().await;
            match &report.checkpoint {
                Some((seq, at)) => say!("签名检查点：第 {seq} 条（{at}），SM2 签名已核对"),
                None => say!("尚无签名检查点（每日登簿日志任务生成，或运行 bdc demo 后生成）"),
            }
            for p in &report.problems {
                say!("不符：{p}");
            }
            match report.problem {
                None => {
                    say!("校验通过：账本哈希链完整，现状表与账本一致");
                    Ok(())
                }
                Some(_) => bail!("校验失败：共 {} 处不符，见上", report.problems.len()),
            }
        }
        Command::Sandbox { command: SandboxCommand::Court { listen, user, password } } => {
            let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("无法监听 {listen}"))?;
            let addr = listener.local_addr()?;
            say!("沙箱法院前置机：SOAP 接口 http://{addr}/frontend，提交请求 http://{addr}/sandbox/requests，查看回执 http://{addr}/sandbox/feedback");
            bdc_server::serve_router(listener, bdc_sandbox::court::sandbox_router(&user, &password)).await?;
            Ok(())
        }
        Command::Sandbox { command: SandboxCommand::Identity { listen, app, secret } } => {
            let sandbox = bdc_sandbox::identity::Sandbox::new(&app, &secret, bdc_crypto::SigningKeyPair::generate());
            let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("无法监听 {listen}"))?;
            let addr = listener.local_addr()?;
            say!("沙箱身份核验服务：http://{addr}（应用 {app}）");
            say!("  公钥（BDC_IDENTITY_PUBLIC_KEY）{}", sandbox.public_key_hex());
            say!("  添加人口 POST http://{addr}/sandbox/residents，企业 POST http://{addr}/sandbox/enterprises，照片 GET http://{addr}/sandbox/portrait/{{证件号}}");
            bdc_server::serve_router(listener, bdc_sandbox::identity::router(sandbox)).await?;
            Ok(())
        }
        Command::Sandbox { command: SandboxCommand::Province { root, interval_ms, once, listen, inconsistent, cause, db } } => {
            let root = match root {
                Some(r) => r,
                None => province_root(&Settings::resolve(over(db, None), file)?),
            };
            say!("沙箱省级平台：监听前置机目录 {}", root.display());
            if !inconsistent.is_empty() {
                use bdc_adapters::province::reconcile::{Item, List};
                if !(1..=4).contains(&cause) {
                    bail!("--cause 须为 1 至 4");
                }
                let today = bdc_core::time::business_date(chrono::Utc::now()).to_string();
                let mut by_area: std::collections::BTreeMap<String, Vec<Item>> = Default::default();
                for id in &inconsistent {
                    if id.len() != 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
                        bail!("BizMsgID 应为 18 位数字：{id}");
                    }
                    by_area.entry(id[..6].to_owned()).or_default().push(Item {
                        biz_msg_id: id.clone(),
                        case_number: String::new(),
                        unit_number: String::new(),
                        response_code: format!("C{cause}00"),
                        response_info: "沙箱指定的不一致记录".into(),
                        cause,
                    });
                }
                for (area_code, items) in by_area {
                    let list = List { area_code, list_date: today.clone(), items };
                    bdc_sandbox::province::deliver_inconsistencies(&root, &list).await?;
                    say!("已下发 {} 的不一致清单（{} 条）", list.area_code, list.items.len());
                }
            }
            if let Some(addr) = listen {
                let listener = tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("无法监听 {addr}"))?;
                say!("沙箱省级平台 HTTP 接口：http://{}/api/province/messages", listener.local_addr()?);
                tokio::spawn(async move {
                    if let Err(e) = axum_serve(listener).await {
                        tracing::error!(error = %e, "sandbox HTTP server stopped");
                    }
                });
            }
            loop {
                let n = bdc_sandbox::province::process(&root).await.with_context(|| format!("无法读写 {}", root.display()))?;
                if n > 0 {
                    say!("已应答 {n} 条报文");
                }
                if once {
                    return Ok(());
                }
                tokio::time::sleep(std::time::Duration::from_millis(interval_ms)).await;
            }
        }
        Command::User { command: UserCommand::Add { username, role, display_name, db } } => {
            let settings = Settings::resolve(over(db, None), file)?;
            user_add(&settings, &username, &role, display_name.as_deref()).await
        }
    }
}

async fn connect(settings: &Settings) -> anyhow::Result<Db> {
    Db::connect(&settings.database_url).await.with_context(|| format!("无法连接数据库 {}", bdc_db::redact_url(&settings.database_url)))
}

/// The server's services with every context installed: identity, reporting, the portal, the court desk.
async fn services(settings: &Settings, db: Db) -> anyhow::Result<Services> {
    let s = Services::new(
        db,
        &settings.master_key,
        Arc::new(LocalFileStore::new(settings.data_dir.join("files"))),
        SecuritySettings { session_idle_minutes: settings.session_idle_minutes, token_hours: settings.token_hours, rate_limits: settings.rate_limits, identity_min_score: settings.identity_min_score },
    )
    .with_province(match &settings.province_url {
        Some(url) => Arc::new(HttpTransport::new(url.clone())) as Arc<dyn bdc_adapters::province::transport::ProvinceTransport>,
        None => Arc::new(FileExchange::new(province_root(settings))),
    });
    let s = match &settings.identity {
        Some(i) => s.with_identity(Arc::new(bdc_adapters::identity::HttpAuthority::new(i.url.clone(), i.app.clone(), i.secret.expose_secret().to_owned(), i.public_key.clone()))),
        None => s,
    };
    let s = s.with_office(settings.office.clone()).with_cjk_font(settings.cjk_font.clone()).with_public_url(settings.public_url.clone());
    let s = match &settings.court {
        Some(c) => s.with_court(Arc::new(bdc_adapters::court::frontend::SoapClient::new(c.url.clone(), c.user.clone(), c.password.expose_secret().to_owned())), c.every),
        None => s,
    };
    let s = bdc_identity::install(s).await?;
    let s = bdc_portal::install(bdc_reporting::install(s).await?);
    Ok(bdc_court::install(s).await?)
}

/// The front-end machine's exchange directory for provincial reporting.
fn province_root(settings: &Settings) -> PathBuf {
    settings.province_root.clone().unwrap_or_else(|| settings.data_dir.join("province"))
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let db = connect(&settings).await?;
    let applied = bdc_registry::store::migrate(&db).await.context("数据迁移失败")?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    // Background jobs (daily lapse of restrictions, later polling and reporting) run in this
    // process; they are rows in the database, so several servers share them safely.
    tokio::spawn(bdc_registry::service::jobs::worker_loop(services(&settings, db.clone()).await?, std::time::Duration::from_secs(60)));
    let web = WebSettings {
        listen: settings.listen.clone(),
        max_body_bytes: settings.max_body_bytes,
        cookie_secure: settings.cookie_secure,
        request_timeout: settings.request_timeout,
        metrics_token: settings.metrics_token.clone(),
        web_dist: settings.web_dist.clone(),
    };
    let s = services(&settings, db.clone()).await?;
    let no_admin = bdc_identity::service::users::count_active_with_role(&s, "admin").await? == 0;
    let app = Application::build(s, &web).await.with_context(|| format!("无法监听 {}", settings.listen))?;
    let addr = app.local_addr()?;
    say!("BDC 已启动（数据库：{}）", db.engine().name());
    say!("  接口地址  http://{addr}/api/v1");
    say!("  接口文档  http://{addr}/api/docs");
    say!("  健康检查  http://{addr}/healthz");
    if let Some(c) = &settings.court {
        say!("  法院查控  每 {} 秒轮询 {}", c.every.as_secs(), c.url);
    }
    if no_admin {
        say!("  尚无系统管理员：运行 `bdc user add --username admin --role 系统管理` 创建第一个管理员");
    }
    app.run(shutdown_signal()).await?;
    db.close().await;
    say!("BDC 已停止");
    Ok(())
}

async fn axum_serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    bdc_server::serve_router(listener, bdc_sandbox::province::router()).await
}

/// Demo accounts: one per role, all with the same password.
const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "系统管理员"),
    ("chuangkou", "intake", "窗口受理员"),
    ("shenhe", "review", "审核员"),
    ("dengbu", "register", "登簿员"),
    ("shanzheng", "certify", "缮证发证员"),
    ("dangan", "archive", "档案员"),
    ("chaxun", "query", "查询员"),
    ("jianguan", "supervise", "监管员"),
    ("geren", "person", "演示个人用户"),
    ("qiye", "enterprise", "演示企业用户"),
    ("yinhang", "institution", "演示银行用户"),
    ("daili", "agent", "演示代理人"),
];
const DEMO_PASSWORD: &str = "Demo-2026!";

/// The demo's identity authority: when none is configured, a sandbox in this process on a
/// loopback port, so the demo's public accounts are verified as sign-up verifies them and a
/// tester can sign up people he adds to it. Returns the sandbox it started.
async fn demo_identity(settings: &mut Settings) -> anyhow::Result<Option<Arc<bdc_sandbox::identity::Sandbox>>> {
    if settings.identity.is_some() {
        return Ok(None);
    }
    let secret = bdc_crypto::random_hex(16);
    let sandbox = bdc_sandbox::identity::Sandbox::new("bdc-demo", &secret, bdc_crypto::SigningKeyPair::generate());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("无法启动身份核验沙箱")?;
    let addr = listener.local_addr()?;
    let router = bdc_sandbox::identity::router(sandbox.clone());
    tokio::spawn(async move {
        if let Err(e) = bdc_server::serve_router(listener, router).await {
            tracing::error!(error = %e, "identity sandbox stopped");
        }
    });
    say!("身份核验沙箱  http://{addr}（添加人口 POST /sandbox/residents，照片 GET /sandbox/portrait/{{证件号}}）");
    settings.identity = Some(settings::IdentitySettings { url: format!("http://{addr}"), app: "bdc-demo".into(), secret: secret.into(), public_key: sandbox.public_key_hex() });
    Ok(Some(sandbox))
}

async fn demo(settings: &Settings, units: u64, seed: u64, sandbox: Option<&bdc_sandbox::identity::Sandbox>) -> anyhow::Result<()> {
    let db = connect(settings).await?;
    bdc_registry::store::migrate(&db).await.context("数据迁移失败")?;
    let s = services(settings, db.clone()).await?;
    let bar = indicatif::ProgressBar::new(units);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 单元 {per_sec} 预计剩余 {eta}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()).progress_chars("=> "),
    );
    bar.set_message("生成演示数据");
    if units < 20_000 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let summary = bdc_demo::build(&s, units, seed, &|done| bar.set_position(done)).await?;
    bar.finish_and_clear();
    if summary.built {
        // The demo's journal is signed like a day's work (账本检查点).
        if let Some(cp) = bdc_registry::service::checkpoint::write(&s, chrono::Utc::now()).await? {
            say!("账本检查点：第 {} 条，已以 SM2 签名，保存在数据库之外的文件存储中", cp.seq);
        }
        say!(
            "演示数据已生成：{} 个不动产单元、{} 宗地、{} 名当事人、{} 项权利、{} 条登簿记录、{} 件业务；写入 {} 行，用时 {:.1} 秒（{:.0} 行/秒）",
            summary.units,
            summary.parcels,
            summary.parties,
            summary.rights,
            summary.journal_entries,
            summary.cases,
            summary.rows,
            summary.seconds,
            summary.rows as f64 / summary.seconds.max(0.001)
        );
    } else {
        say!("数据库中已有同一套演示数据（{units} 个单元，种子 {seed}），直接使用");
    }
    let console = bdc_core::Actor::console();
    for (username, role, name) in DEMO_ACCOUNTS {
        let realm = bdc_core::access::role(role).map_or(Realm::Staff, |r| r.realm);
        let cmd = CreateUser { realm, username: (*username).into(), display_name: (*name).into(), password: DEMO_PASSWORD.into(), roles: vec![(*role).into()] };
        match bdc_identity::service::users::create_user(&s, &console, cmd).await {
            Ok(_) | Err(bdc_core::ServiceError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // The public accounts stand for parties of the demo city (实名认证), so they can apply at once.
    let linked = bdc_demo::link_accounts(&s, sandbox).await?;
    say!("演示账户（密码均为 {DEMO_PASSWORD}）：");
    for (username, role, name) in DEMO_ACCOUNTS {
        let role_name = bdc_core::access::role(role).map_or("", |r| r.name);
        let realm = if bdc_core::access::role(role).is_some_and(|r| r.realm == Realm::Public) { "公众" } else { "工作人员" };
        match linked.iter().find(|(u, _)| u == username) {
            Some((_, party)) => say!("  {username:<10} {realm}·{role_name}（{name}，实名：{party}）"),
            None => say!("  {username:<10} {realm}·{role_name}（{name}）"),
        }
    }
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password("密码：")?;
        let b = rpassword::prompt_password("再次输入密码：")?;
        if a != b {
            bail!("两次输入的密码不一致");
        }
        Ok(a)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn user_add(settings: &Settings, username: &str, roles: &[String], display_name: Option<&str>) -> anyhow::Result<()> {
    let mut codes = Vec::new();
    let mut realm = None;
    for r in roles.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        let Some(def) = access::role(r) else {
            let known: Vec<String> = access::ROLES.iter().map(|d| format!("{}（{}）", d.code, d.name)).collect();
            bail!("未知角色“{r}”；可用角色：{}", known.join("、"));
        };
        if realm.is_some_and(|x: Realm| x != def.realm) {
            bail!("工作人员角色与公众角色不能授予同一账户");
        }
        realm = Some(def.realm);
        codes.push(def.code.to_owned());
    }
    let Some(realm) = realm else { bail!("至少需要一个角色") };
    let password = read_password()?;
    let db = connect(settings).await?;
    bdc_registry::store::migrate(&db).await?;
    let s = services(settings, db.clone()).await?;
    let actor = Actor::console();
    let cmd = CreateUser { realm, username: username.to_owned(), display_name: display_name.unwrap_or(username).to_owned(), password, roles: codes.clone() };
    let result = bdc_identity::service::users::create_user(&s, &actor, cmd).await;
    let entry = AuditEntry {
        id: 0,
        at: chrono_now(),
        actor_id: None,
        actor_name: "console".into(),
        realm: Some("staff".into()),
        roles: "admin".into(),
        action: "cli user add".into(),
        target: format!("{}/{username}", realm.as_str()),
        client_addr: "console".into(),
        user_agent: format!("bdc {}", env!("CARGO_PKG_VERSION")),
        outcome: if result.is_ok() { "success" } else { "failure" }.into(),
        status: 0,
        request_id: String::new(),
        detail: match &result {
            Ok(_) => format!("roles={}", codes.join(",")),
            Err(e) => e.to_string(),
        },
    };
    bdc_audit::record(&s.db, &entry).await?;
    let user = result?;
    println!("已创建用户 {}（编号 {}，角色：{}）", user.username, user.id, user.roles.join("、"));
    db.close().await;
    Ok(())
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
