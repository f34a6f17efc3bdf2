//! # Step 3 — time out, and kill
//!
//! In Python you would write:
//!
//! ```python
//! async def run_with_timeout(script, limit):
//!     proc = await asyncio.create_subprocess_shell(script, stdout=asyncio.subprocess.PIPE)
//!     try:
//!         out, _ = await asyncio.wait_for(proc.communicate(), limit)
//!         return out.decode()
//!     except TimeoutError:
//!         proc.kill()          # wait_for gave up waiting; the process is still running
//!         await proc.wait()
//!         raise
//! ```
//!
//! Write `run_with_timeout`: run `script` with `sh -c`; if it exits within `limit`, return
//! `Ok` with what it printed on stdout; if not, **kill it** and return `Err(TimedOut)`.
//!
//! `tokio::time::timeout(limit, fut)` gives up *waiting* after `limit`: it drops `fut` and
//! returns `Err(Elapsed)`. Dropping a future that waits for a child does not stop the child:
//! by default a tokio `Child` that is dropped keeps running, just as asyncio's process keeps
//! running after `wait_for` raises. Two ways to stop it:
//!
//! - keep the `Child`, take its stdout (`child.stdout.take()`), and when the time is up call
//!   `child.kill().await`, which sends SIGKILL and waits for the process to end; or
//! - build the command with `.kill_on_drop(true)`: dropping the `Child` (or the `output()`
//!   future that owns it) then kills the process.
//!
//! The grader runs real processes on the real clock: a quick command must give its output; a
//! command that would sleep 30 s, given half a second, must give `Err(TimedOut)` within a few
//! seconds, and its process (found by the pid it wrote down) must be gone right afterwards.
//!
//! Run the program yourself with `cargo run -p course --example kill_on_timeout`.

use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

/// The command was still running when its time was up, and has been killed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedOut;

/// Runs `script` with `sh -c` and returns its stdout, unless it takes longer than `limit`: then
/// the process is killed and the result is `Err(TimedOut)`.
pub async fn run_with_timeout(script: &str, limit: Duration) -> Result<String, TimedOut> {
    let child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdout(Stdio::piped())
        .spawn()
        .expect("failed to start sh");
    // TODO: when the time is up, timeout drops the wait_with_output future and the Child inside
    // it, but dropping a Child does not stop the process: it keeps running. Kill it.
    match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(output) => {
            let output = output.expect("failed to wait for the command");
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Err(_elapsed) => Err(TimedOut),
    }
}

#[tokio::main]
async fn main() {
    let quick = run_with_timeout("echo quick", Duration::from_secs(2)).await;
    println!("echo quick, 2 s allowed: {quick:?}");
    let started = std::time::Instant::now();
    let slow = run_with_timeout("sleep 30", Duration::from_millis(500)).await;
    println!(
        "sleep 30, 500 ms allowed: {slow:?} after {:?}",
        started.elapsed()
    );
}
