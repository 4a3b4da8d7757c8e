//! Running the real `bdc` binary from tests.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `bdc` with a database, a data dir and a master key, and no outside configuration.
pub fn bdc(dir: &Path, url: &str, key: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bdc"));
    c.current_dir(dir).env("BDC_DATABASE_URL", url).env("BDC_DATA_DIR", dir.join("data")).env("BDC_MASTER_KEY", key).env_remove("BDC_CONFIG").env_remove("BDC_LISTEN");
    c
}

/// A running server, killed (SIGKILL) when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `bdc serve` on a random port and returns it with its base URL, read from what it prints.
/// Its output keeps being drained, as a terminal or log collector would.
pub fn serve(mut cmd: Command) -> (Server, String) {
    let mut child = cmd.args(["serve", "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("start bdc serve");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let mut base = None;
    for line in lines.by_ref().map_while(Result::ok) {
        if let Some(rest) = line.trim().strip_prefix("接口地址") {
            base = Some(rest.trim().trim_end_matches("/api/v1").to_owned());
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    (Server(child), base.expect("serve prints its address"))
}
