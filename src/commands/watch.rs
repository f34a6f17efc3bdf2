//! `watch`: grade the current step every time its file is saved, move on when it passes, and
//! take single keys (next, hint, list, reset, quit) without Enter. The terminal is put back as
//! it was on quit, Ctrl-C or a panic.

use super::{Session, Status, write_error};
use crate::error::{Error, Result};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// How long to wait after a file event for the burst of events an editor's save makes.
const DEBOUNCE: Duration = Duration::from_millis(60);
/// How often `--poll` looks at the files.
const POLL_EVERY: Duration = Duration::from_millis(300);

enum Input {
    Saved(PathBuf),
    Key(char),
    Quit,
}

/// Runs until `q` (or Ctrl-C, or end of input when not on a terminal with every step done).
pub fn watch(session: &mut Session, out: &mut dyn Write, poll: bool) -> Result<Status> {
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let (tx, rx) = mpsc::channel();
    let exercises = session.course.root.join("exercises");
    let _watcher = watch_files(&exercises, poll, tx.clone())?;
    let _raw = if interactive {
        Some(RawMode::enable(tx)?)
    } else {
        None
    };
    let mut crlf = Crlf {
        inner: out,
        on: interactive,
    };
    let out: &mut dyn Write = &mut crlf;
    let mut watching: Option<PathBuf> = None;
    loop {
        let file = show(session, out, interactive, watching.as_deref())?;
        watching.clone_from(&file);
        if file.is_none() {
            if !interactive {
                return Ok(Status::AllPass);
            }
            writeln!(out, "Press q to leave.").map_err(write_error)?;
        }
        match wait(&rx, file.as_deref()) {
            Input::Quit => break,
            Input::Saved(_) => continue,
            Input::Key(key) => {
                if !keys(session, out, key, &rx)? {
                    break;
                }
            }
        }
    }
    let done = session.first_not_passed().is_none();
    writeln!(
        out,
        "Bye! `cargo run -- watch` picks up where you left off."
    )
    .map_err(write_error)?;
    Ok(if done {
        Status::AllPass
    } else {
        Status::Pending
    })
}

/// Grades the current step and shows it (saying so when the step watched until now passed);
/// returns its file, or `None` when all pass.
fn show(
    session: &mut Session,
    out: &mut dyn Write,
    interactive: bool,
    before: Option<&Path>,
) -> Result<Option<PathBuf>> {
    let current = session.current()?;
    if interactive {
        write!(out, "\x1b[2J\x1b[H").map_err(write_error)?;
    }
    session.flush_notice(out)?;
    let now = current
        .as_ref()
        .map(|(step, _)| session.course.root.join(session.course.exercise_rel(step)));
    // Said last, beside the prompt, so it stays on screen however long the verdict is.
    let moved_on = before.filter(|b| now.as_deref() != Some(*b)).map(|b| {
        let name = b
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("✓ {name} passes. On to the next step!")
    });
    let Some((step, report)) = current else {
        let total = session.course.steps.len();
        session
            .term
            .summary(out, &session.course, total, None)
            .map_err(write_error)?;
        if let Some(line) = moved_on {
            writeln!(out, "{line}").map_err(write_error)?;
        }
        return Ok(None);
    };
    let term = session.term;
    term.step_intro(out, &session.course, &step)
        .map_err(write_error)?;
    term.verdict(out, &step, &report).map_err(write_error)?;
    term.timing(out, &step, &report).map_err(write_error)?;
    writeln!(out).map_err(write_error)?;
    if let Some(line) = moved_on {
        writeln!(out, "{line}").map_err(write_error)?;
    }
    let keys = if interactive {
        " · n: check again · h: hint · l: list · r: reset · q: quit"
    } else {
        ""
    };
    writeln!(out, "Watching {} — save it to check again{keys}", step.file).map_err(write_error)?;
    out.flush().map_err(write_error)?;
    Ok(Some(
        session.course.root.join(session.course.exercise_rel(&step)),
    ))
}

/// Waits for a save of `file` (after the editor's burst of events settles) or a key.
fn wait(rx: &Receiver<Input>, file: Option<&Path>) -> Input {
    loop {
        match rx.recv() {
            Err(_) => return Input::Quit,
            Ok(Input::Saved(path)) if file.is_some_and(|f| same_file(f, &path)) => {
                std::thread::sleep(DEBOUNCE);
                while rx.try_recv().is_ok_and(|i| matches!(i, Input::Saved(_))) {}
                return Input::Saved(path);
            }
            Ok(Input::Saved(_)) => {}
            Ok(other) => return other,
        }
    }
}

/// Handles one key; `false` means leave.
fn keys(
    session: &mut Session,
    out: &mut dyn Write,
    key: char,
    rx: &Receiver<Input>,
) -> Result<bool> {
    let current = session
        .first_not_passed()
        .map(|i| session.course.steps[i].clone());
    match (key, current) {
        ('q', _) => Ok(false),
        ('h', Some(step)) => {
            session.term.hint(out, &step).map_err(write_error)?;
            pause(out, rx)
        }
        ('l', _) => {
            writeln!(out).map_err(write_error)?;
            super::learn::list(session, out)?;
            pause(out, rx)
        }
        ('r', Some(step)) => {
            write!(out, "Reset {} to the original stub (your version is kept in .asynclings/backups)? [y/N] ", step.name)
                .map_err(write_error)?;
            out.flush().map_err(write_error)?;
            if matches!(rx.recv(), Ok(Input::Key('y'))) {
                super::reset::reset(session, out, &step.name, true)?;
            }
            Ok(true)
        }
        _ => Ok(true),
    }
}

/// Leaves what was just shown on screen until a key or a save.
fn pause(out: &mut dyn Write, rx: &Receiver<Input>) -> Result<bool> {
    writeln!(out, "(any key to go back)").map_err(write_error)?;
    out.flush().map_err(write_error)?;
    Ok(!matches!(rx.recv(), Ok(Input::Quit) | Err(_)))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || (a.file_name() == b.file_name() && a.canonicalize().ok() == b.canonicalize().ok())
}

/// Watches the exercise folders (not single files: editors that save by writing a temporary
/// file and renaming it over the original replace the file being watched).
fn watch_files(dir: &Path, poll: bool, tx: Sender<Input>) -> Result<Box<dyn Watcher>> {
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) {
            for path in event.paths {
                let _ = tx.send(Input::Saved(path));
            }
        }
    };
    let failed = |e: notify::Error| {
        Error::Usage(format!(
            "failed to watch {}: {e}; try `watch --poll`",
            dir.display()
        ))
    };
    let mut watcher: Box<dyn Watcher> = if poll {
        let config = notify::Config::default()
            .with_poll_interval(POLL_EVERY)
            .with_compare_contents(true);
        Box::new(notify::PollWatcher::new(handler, config).map_err(failed)?)
    } else {
        Box::new(notify::recommended_watcher(handler).map_err(failed)?)
    };
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .map_err(failed)?;
    Ok(watcher)
}

/// Raw mode for single keys; restored when dropped, including on panic and Ctrl-C.
struct RawMode;

impl RawMode {
    fn enable(tx: Sender<Input>) -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode()
            .map_err(|e| Error::io("set up", "the terminal", e))?;
        std::thread::spawn(move || {
            while let Ok(event) = event::read() {
                let Event::Key(key) = event else { continue };
                if key.kind != KeyEventKind::Press {
                    continue;
                }
                let input = match key.code {
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Input::Quit
                    }
                    KeyCode::Char(c) => Input::Key(c.to_ascii_lowercase()),
                    KeyCode::Esc => Input::Key('q'),
                    _ => continue,
                };
                if tx.send(input).is_err() {
                    break;
                }
            }
        });
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// In raw mode a line feed does not return the cursor: write `\r\n` instead.
struct Crlf<'a> {
    inner: &'a mut dyn Write,
    on: bool,
}

impl Write for Crlf<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.on {
            return self.inner.write(buf);
        }
        for chunk in buf.split_inclusive(|&b| b == b'\n') {
            match chunk.strip_suffix(b"\n") {
                Some(line) => {
                    self.inner.write_all(line)?;
                    self.inner.write_all(b"\r\n")?;
                }
                None => self.inner.write_all(chunk)?,
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_mode_output_returns_the_cursor() {
        let mut buf = Vec::new();
        let mut crlf = Crlf {
            inner: &mut buf,
            on: true,
        };
        crlf.write_all(b"a\nb\n").unwrap();
        assert_eq!(buf, b"a\r\nb\r\n");
    }
}
