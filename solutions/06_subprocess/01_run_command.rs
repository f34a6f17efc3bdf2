//! # Step 1 — run a command and capture its output
//!
//! In Python you would write:
//!
//! ```python
//! async def run(program, *args):
//!     proc = await asyncio.create_subprocess_exec(
//!         program, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
//!     out, err = await proc.communicate()
//!     if proc.returncode != 0:
//!         raise CommandFailed(proc.returncode, err.decode())
//!     return out.decode()
//! ```
//!
//! Write `run`, tokio's version of that:
//!
//! - start `program` with `args` using **`tokio::process::Command`** and wait for it with
//!   `.output().await`, which captures stdout and stderr for you. The standard library's
//!   `std::process::Command` has the very same methods, but its `output()` makes the whole
//!   thread wait for the child: inside async code that stops every other task;
//! - when the command exits with status 0, return everything it printed on stdout, exactly
//!   (trailing newline included; `String::from_utf8_lossy` turns the bytes into text);
//! - when it exits with another status, return `Err(RunError::Failed { code, stderr })`:
//!   `code` is `output.status.code()` (`None` when a signal ended it), `stderr` everything it
//!   printed on stderr, exactly too (trailing newline included, nothing trimmed);
//! - when it cannot be started at all (no such program), return `Err(RunError::Spawn(..))`
//!   with the error's text.
//!
//! The grader runs real processes on the real clock and checks: the runtime thread is never
//! held while a command runs, stdout comes back exactly, a failing command gives `Failed` with
//! its exit code and its stderr exactly, and a missing program gives `Spawn`.
//!
//! Run the program yourself with `cargo run -p course --example run_command`.

/// Why a command did not give its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// The command could not be started; the text of the error.
    Spawn(String),
    /// The command ran and exited with a failure: its exit code (`None` if a signal ended it)
    /// and what it printed on stderr.
    Failed { code: Option<i32>, stderr: String },
}

/// Runs `program` with `args`, waits for it to exit, and returns what it printed on stdout.
pub async fn run(program: &str, args: &[&str]) -> Result<String, RunError> {
    let output = tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|e| RunError::Spawn(e.to_string()))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(RunError::Failed {
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

#[tokio::main]
async fn main() {
    println!(
        "{:?}",
        run("echo", &["hello", "from", "a", "child", "process"]).await
    );
    println!("{:?}", run("sh", &["-c", "echo oops >&2; exit 3"]).await);
    println!("{:?}", run("no-such-program", &[]).await);
}
