//! Child processes for the subprocess track: a scratch folder whose scripts leave their pids
//! behind, fifo chains that prove commands ran at the same time, and checks that a process is
//! really gone.
//!
//! Every script the graders hand out starts with `echo $$ > <scratch>/pid_<k>`, so the grader
//! knows each process it caused, whatever the learner's code did with it, and can kill the ones
//! left behind when the test ends (dropping the [`Scratch`] does).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh folder for one run's fifos and pid files, cleaned up (with any process still alive
/// that wrote a pid there) when dropped.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Makes a new empty folder under the system's temp dir.
    pub fn new() -> Scratch {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("asynclings-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| {
            panic!("failed to create the scratch folder {}: {e}", dir.display())
        });
        Scratch { dir }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A path inside the folder, as one single-quoted shell word for a script.
    pub fn path(&self, name: &str) -> String {
        let text = self.dir.join(name).display().to_string();
        format!("'{}'", text.replace('\'', "'\\''"))
    }

    /// The shell line that records the running shell's pid as `pid_<key>`.
    pub fn record_pid(&self, key: &str) -> String {
        format!("echo $$ > {}", self.path(&format!("pid_{key}")))
    }

    /// The pid recorded under `key`, if that script got as far as writing it.
    pub fn pid(&self, key: &str) -> Option<u32> {
        let text = std::fs::read_to_string(self.dir.join(format!("pid_{key}"))).ok()?;
        text.trim().parse().ok()
    }

    /// Keys of every script that recorded its pid, i.e. that started.
    pub fn started(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut keys: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_prefix("pid_")
                    .map(str::to_owned)
            })
            .collect();
        keys.sort();
        keys
    }

    /// Makes fifos (named pipes) with these names, with the standard `mkfifo` command.
    pub fn mkfifos(&self, names: &[String]) {
        if names.is_empty() {
            return;
        }
        let status = std::process::Command::new("mkfifo")
            .args(names.iter().map(|n| self.dir.join(n)))
            .status()
            .unwrap_or_else(|e| panic!("failed to run mkfifo: {e}"));
        assert!(status.success(), "mkfifo failed: {status}");
    }

    /// `n` shell scripts that can only all finish if they all run at the same time: script
    /// `k` waits for script `k + 1` to exit, and script `k + 1` cannot get going until script
    /// `k` is running. One at a time, in either order, they wait forever. Script `k` prints
    /// `words[k]` and a newline; they finish last to first, so the order in which they finish is
    /// the reverse of the order they were given in.
    pub fn chain(&self, words: &[String]) -> Vec<String> {
        let n = words.len();
        let fifos: Vec<String> = (0..n.saturating_sub(1))
            .map(|k| format!("link_{k}"))
            .collect();
        self.mkfifos(&fifos);
        (0..n)
            .map(|k| {
                let mut lines = vec![self.record_pid(&format!("c{k:02}"))];
                if k > 0 {
                    // Held open until this script exits: script k - 1 reads until then.
                    lines.push(format!("exec 3> {}", self.path(&fifos[k - 1])));
                }
                if k + 1 < n {
                    lines.push(format!("read -r x < {}", self.path(&fifos[k])));
                }
                lines.push(format!("printf '%s\\n' '{}'", words[k]));
                lines.join("; ")
            })
            .collect()
    }

    /// `n` shell scripts that finish strictly last to first, as the runtime sees them: script
    /// `k` waits until script `k + 1` has started, exited and been reaped (awaited by its
    /// `Child`), so the runtime has taken note of `k + 1`'s exit before `k` can exit. Code that
    /// collects results as they finish gets them backwards, whatever the machine's speed.
    ///
    /// Nothing here needs the scripts to run at the same time: each wait gives up after about
    /// half a second (a next script that never starts, or an exited one nobody reaps, as when
    /// all children are spawned first and awaited one by one), so every way of running them ends.
    pub fn reaped_chain(&self, words: &[String]) -> Vec<String> {
        let n = words.len();
        (0..n)
            .map(|k| {
                let mut lines = vec![self.record_pid(&format!("r{k:02}"))];
                if k + 1 < n {
                    let next = self.path(&format!("pid_r{:02}", k + 1));
                    lines.push(format!(
                        "n=0; until [ -s {next} ] || [ $n -ge 50 ]; do sleep 0.01; n=$((n+1)); done"
                    ));
                    lines.push(format!(
                        "if [ -s {next} ]; then read -r p < {next}; n=0; \
                         while [ -e /proc/$p ] && [ $n -lt 50 ]; do st=; \
                         {{ read -r st < /proc/$p/stat; }} 2>/dev/null; \
                         case \"$st\" in *') Z '*) n=$((n+1));; esac; sleep 0.01; done; fi"
                    ));
                }
                lines.push(format!("printf '%s\\n' '{}'", words[k]));
                lines.join("\n")
            })
            .collect()
    }

    /// A script that records its pid under `key` and then becomes `sleep 30` (same pid).
    pub fn straggler(&self, key: &str) -> String {
        format!("{}; exec sleep 30", self.record_pid(key))
    }

    /// A script that records its pid under `key`, waits until the process recorded under
    /// `watched` has been killed (and reaped, or dead for half a second), then prints `word`.
    /// It gives up after about 30 s whatever happens, so it never outlives a crashed grader long.
    pub fn watcher(&self, key: &str, watched: &str, word: &str) -> String {
        let file = self.path(&format!("pid_{watched}"));
        [
            self.record_pid(key),
            format!("t=0; until [ -s {file} ] || [ $t -ge 2000 ]; do sleep 0.01; t=$((t+1)); done"),
            format!("read -r p < {file}"),
            // Wait while it exists, counting only the time it spends dead and unreaped.
            "z=0; while [ -e /proc/$p ] && [ $z -lt 50 ] && [ $t -lt 2000 ]; do st=; \
             { read -r st < /proc/$p/stat; } 2>/dev/null; \
             case \"$st\" in *') Z '*) z=$((z+1));; esac; t=$((t+1)); sleep 0.01; done"
                .to_owned(),
            format!("printf '%s\\n' '{word}'"),
        ]
        .join("\n")
    }

    /// Kills every recorded process that is still alive and ours.
    pub fn kill_leftovers(&self) {
        for key in self.started() {
            if let Some(pid) = self.pid(&key)
                && is_ours(pid, &self.dir)
                && !is_dead(pid)
            {
                kill(pid);
            }
        }
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.kill_leftovers();
        // Unjam anything blocked opening a fifo (O_RDWR never blocks on Linux), then remove the
        // folder: a script starting later finds no fifo and ends with an error, not a hang.
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.filter_map(|e| e.ok()) {
                if entry.file_name().to_string_lossy().starts_with("link_") {
                    let _ = std::fs::OpenOptions::new()
                        .read(true)
                        .write(true)
                        .open(entry.path());
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The state letter of a process (`R`, `S`, `Z` for a zombie, ...), `None` once it is gone.
pub fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (command name) S ...": the name may hold spaces and parentheses, so look after the
    // last ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    after.trim_start().chars().next()
}

/// True when the process has ended: gone, or a zombie waiting to be reaped (it runs no more).
pub fn is_dead(pid: u32) -> bool {
    matches!(state(pid), None | Some('Z' | 'X' | 'x'))
}

/// Waits up to `within` of real time for the process to end; true if it did.
pub fn wait_dead(pid: u32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if is_dead(pid) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The process's command line, words joined by spaces.
pub fn command_line(pid: u32) -> String {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    words.join(" ")
}

/// A process this grader caused: a child of this process, or one whose command names `dir`.
fn is_ours(pid: u32, dir: &Path) -> bool {
    let parent = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let after = s[s.rfind(')')? + 1..].to_owned();
            after.split_whitespace().nth(1)?.parse::<u32>().ok()
        });
    parent == Some(std::process::id()) || command_line(pid).contains(&*dir.to_string_lossy())
}

/// Sends SIGKILL with the shell's built-in `kill` (no unsafe code, no extra crate).
fn kill(pid: u32) {
    let _ = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("kill -9 {pid} 2>/dev/null"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// `n` distinct short words from the seeded generator, for commands to print.
pub fn words(rng: &mut crate::Seeded, n: usize) -> Vec<String> {
    const STEMS: [&str; 12] = [
        "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper",
        "kestrel", "lumen",
    ];
    let mut out: Vec<String> = Vec::with_capacity(n);
    while out.len() < n {
        let w = format!(
            "{}-{}",
            STEMS[rng.between(0, STEMS.len() as u64 - 1) as usize],
            rng.between(10, 99)
        );
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}
