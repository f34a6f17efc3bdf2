//! Every child process asynclings starts goes through here: stdin closed, output read while it
//! is produced (so nothing deadlocks) and capped as it is read (so a program printing forever
//! costs no memory), a cleaned environment, a wall-clock limit that kills the whole process
//! tree, and an error that names the command when it cannot start.

use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest line handed to a line callback; the rest of a longer line is dropped.
const MAX_LINE: usize = 1 << 20;

/// A command to run.
#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    limit: Option<Duration>,
    cap: usize,
    merge_stderr: bool,
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it (Unix), e.g. 6 for an abort, 11 for a segmentation fault.
    Signal(i32),
    /// It ran past the wall-clock limit and was killed, with everything it started.
    TimedOut(Duration),
}

/// Output as read: the first bytes up to the cap, and how many more were thrown away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The kept bytes, decoded lossily (a program may print anything).
    pub text: String,
    /// Bytes read past the cap and dropped.
    pub dropped: u64,
}

/// A finished child.
#[derive(Debug, Clone)]
pub struct Finished {
    /// How it ended.
    pub exit: Exit,
    /// Its standard output (and standard error, when merged).
    pub stdout: Captured,
    /// Its standard error, when not merged.
    pub stderr: Captured,
    /// Wall-clock time from start to exit.
    pub elapsed: Duration,
}

impl Cmd {
    /// A command with a cleaned environment, no limit, and 64 KiB of output kept per stream.
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            limit: None,
            cap: 64 * 1024,
            merge_stderr: false,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Runs it in `dir`.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Cmd {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets one environment variable (after cleaning).
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Cmd {
        self.env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Kills it, and everything it started, after `limit` of wall-clock time.
    pub fn limit(mut self, limit: Duration) -> Cmd {
        self.limit = Some(limit);
        self
    }

    /// Keeps at most `bytes` of each stream.
    pub fn cap(mut self, bytes: usize) -> Cmd {
        self.cap = bytes;
        self
    }

    /// Sends standard error into the same pipe as standard output, in the order written.
    pub fn merge_stderr(mut self) -> Cmd {
        self.merge_stderr = true;
        self
    }

    /// The command as a person would type it, for messages.
    pub fn display(&self) -> String {
        let mut parts = vec![self.program.to_string_lossy().into_owned()];
        parts.extend(self.args.iter().map(|a| a.to_string_lossy().into_owned()));
        parts.join(" ")
    }

    /// Runs to completion.
    pub fn run(&self) -> Result<Finished> {
        self.run_with_lines(&mut |_| {})
    }

    /// Runs to completion, handing each line of standard output to `on_line` as it arrives.
    pub fn run_with_lines(&self, on_line: &mut (dyn FnMut(&str) + Send)) -> Result<Finished> {
        let started = Instant::now();
        let (mut child, merged_reader) = self.spawn()?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let cap = self.cap;
        let (exit, out, err) = std::thread::scope(|scope| {
            let out = scope.spawn(move || match (merged_reader, stdout) {
                (Some(r), _) => pump(r, cap, on_line),
                (None, Some(r)) => pump(r, cap, on_line),
                (None, None) => Captured::default(),
            });
            let err = scope.spawn(move || {
                stderr
                    .map(|r| pump(r, cap, &mut |_| {}))
                    .unwrap_or_default()
            });
            let exit = wait_within(child, self.limit);
            (exit, out.join(), err.join())
        });
        let exit = exit.map_err(|source| Error::Spawn {
            command: self.display(),
            source,
        })?;
        Ok(Finished {
            exit,
            stdout: out.unwrap_or_default(),
            stderr: err.unwrap_or_default(),
            elapsed: started.elapsed(),
        })
    }

    fn spawn(&self) -> Result<(Child, Option<std::io::PipeReader>)> {
        let mut command = std::process::Command::new(&self.program);
        command.args(&self.args).stdin(Stdio::null());
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        clean_env(&mut command);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let spawn_error = |source| Error::Spawn {
            command: self.display(),
            source,
        };
        let merged = if self.merge_stderr {
            let (reader, writer) = std::io::pipe().map_err(spawn_error)?;
            command
                .stdout(writer.try_clone().map_err(spawn_error)?)
                .stderr(writer);
            Some(reader)
        } else {
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            None
        };
        own_process_group(&mut command);
        let child = command.spawn().map_err(spawn_error)?;
        // `command` still holds the write end of a merged pipe; drop it so EOF can arrive.
        drop(command);
        Ok((child, merged))
    }
}

/// Removes what a parent's environment must not decide about a learner's build or run:
/// compiler flags (a `RUSTFLAGS=-D warnings` would turn a warning into a failed step, and any
/// change of flags recompiles tokio), cargo's own per-test variables, colour settings.
fn clean_env(command: &mut std::process::Command) {
    const KEEP_CARGO: [&str; 6] = [
        "CARGO_HOME",
        "CARGO_TARGET_DIR",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTR",
        "CARGO_BUILD_JOBS",
    ];
    const DROP: [&str; 9] = [
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC_BOOTSTRAP",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "NO_COLOR",
        "RUST_BACKTRACE",
        "RUST_LIB_BACKTRACE",
        "RUST_TEST_THREADS",
    ];
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        let cargo_var =
            name.starts_with("CARGO") && !KEEP_CARGO.iter().any(|k| name.starts_with(k));
        if cargo_var || DROP.contains(&name.as_ref()) || name.starts_with("INSTA_") {
            command.env_remove(&key);
        }
    }
    command.env("CARGO_TERM_COLOR", "never");
}

/// Reads a stream to its end, keeping the first `cap` bytes and handing out whole lines.
fn pump(mut source: impl Read, cap: usize, on_line: &mut (dyn FnMut(&str) + Send)) -> Captured {
    let mut kept: Vec<u8> = Vec::new();
    let mut dropped = 0u64;
    let mut line: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = match source.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let room = cap.saturating_sub(kept.len()).min(n);
        kept.extend_from_slice(&chunk[..room]);
        dropped += (n - room) as u64;
        for &byte in &chunk[..n] {
            if byte == b'\n' {
                on_line(&String::from_utf8_lossy(&line));
                line.clear();
            } else if line.len() < MAX_LINE {
                line.push(byte);
            }
        }
    }
    if !line.is_empty() {
        on_line(&String::from_utf8_lossy(&line));
    }
    Captured {
        text: String::from_utf8_lossy(&kept).into_owned(),
        dropped,
    }
}

/// Waits for the child; past the limit, kills its process group. Either way, anything the
/// child left running in its group is killed once it has exited, so pipes reach EOF.
fn wait_within(mut child: Child, limit: Option<Duration>) -> std::io::Result<Exit> {
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(());
        status
    });
    let timed_out = match limit {
        Some(limit) => match rx.recv_timeout(limit) {
            Ok(()) => None,
            Err(_) => {
                kill_group(pid);
                Some(limit)
            }
        },
        None => {
            let _ = rx.recv();
            None
        }
    };
    let status = waiter
        .join()
        .map_err(|_| std::io::Error::other("the waiting thread panicked"))??;
    kill_group(pid);
    Ok(match timed_out {
        Some(limit) => Exit::TimedOut(limit),
        None => exit_of(status),
    })
}

#[cfg(unix)]
fn own_process_group(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_command: &mut std::process::Command) {}

#[cfg(unix)]
fn kill_group(pid: u32) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    // ESRCH (nothing left in the group) is the usual, happy answer.
    let _ = killpg(Pid::from_raw(pid as i32), Signal::SIGKILL);
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

#[cfg(unix)]
fn exit_of(status: std::process::ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}

#[cfg(not(unix))]
fn exit_of(status: std::process::ExitStatus) -> Exit {
    Exit::Code(status.code().unwrap_or(-1))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Cmd {
        Cmd::new("sh").args(["-c", script])
    }

    #[test]
    fn output_is_capped_while_it_is_read() {
        let done = sh("head -c 3000000 /dev/zero | tr '\\0' x")
            .cap(1000)
            .run()
            .unwrap();
        assert_eq!(done.exit, Exit::Code(0));
        assert_eq!(done.stdout.text.len(), 1000);
        assert_eq!(done.stdout.dropped, 3_000_000 - 1000);
    }

    #[test]
    fn stderr_can_share_the_pipe_in_order() {
        let done = sh("echo one; echo two >&2; echo three")
            .merge_stderr()
            .run()
            .unwrap();
        assert_eq!(done.stdout.text, "one\ntwo\nthree\n");
    }

    #[test]
    fn a_limit_kills_the_whole_tree_and_says_so() {
        // The grandchild keeps the pipe open: only killing the group ends the read.
        let done = sh("sleep 30 & sleep 30")
            .limit(Duration::from_millis(200))
            .run()
            .unwrap();
        assert_eq!(done.exit, Exit::TimedOut(Duration::from_millis(200)));
    }

    #[test]
    fn leftover_children_do_not_keep_the_run_alive() {
        let done = sh("(sleep 30 &) ; echo bye").run().unwrap();
        assert_eq!(
            (done.exit, done.stdout.text.as_str()),
            (Exit::Code(0), "bye\n")
        );
    }

    #[test]
    fn signals_and_bad_bytes_are_reported_not_fatal() {
        let done = sh("printf '\\377ok'; kill -ABRT $$").run().unwrap();
        assert_eq!(done.exit, Exit::Signal(6));
        assert_eq!(done.stdout.text, "\u{fffd}ok");
    }

    #[test]
    fn a_missing_program_names_the_command() {
        let err = Cmd::new("/no/such/program")
            .arg_for_test()
            .run()
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("failed to run `/no/such/program --flag`"),
            "{err}"
        );
    }

    #[test]
    fn lines_arrive_one_by_one() {
        let mut lines = Vec::new();
        sh("printf 'a\\nb\\nc'")
            .run_with_lines(&mut |l| lines.push(l.to_owned()))
            .unwrap();
        assert_eq!(lines, ["a", "b", "c"]);
    }

    impl Cmd {
        fn arg_for_test(self) -> Cmd {
            self.args(["--flag"])
        }
    }
}
