//! `reset`: put a step's file back as shipped, after saving the learner's version.

use super::{Session, Status, write_error};
use crate::error::{Error, Result};
use crate::process::{Cmd, Exit};
use crate::progress::STATE_DIR;
use std::io::{BufRead, IsTerminal, Write};

/// Restores the stub of `name` from the course's git history (the committed version), keeping
/// a copy of the current file under `.asynclings/backups/`. Asks first unless `yes`.
pub fn reset(session: &mut Session, out: &mut dyn Write, name: &str, yes: bool) -> Result<Status> {
    let step = session.course.step(name)?.clone();
    let rel = session.course.exercise_rel(&step);
    let path = session.course.root.join(&rel);
    let original = committed(session, &rel)?;
    let current = std::fs::read(&path).ok();
    if current.as_deref() == Some(original.as_slice()) {
        writeln!(
            out,
            "{} is already as shipped; nothing to reset.",
            rel.display()
        )
        .map_err(write_error)?;
        return Ok(Status::AllPass);
    }
    if !yes
        && !confirm(
            out,
            &format!("Replace your {} with the original stub?", rel.display()),
        )?
    {
        writeln!(out, "Nothing changed.").map_err(write_error)?;
        return Ok(Status::Pending);
    }
    if let Some(current) = current {
        let dir = session.course.root.join(STATE_DIR).join("backups");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup = dir.join(format!("{}-{stamp}.rs", step.name));
        std::fs::write(&backup, current).map_err(|e| Error::io("write", &backup, e))?;
        writeln!(out, "Your version is saved as {}.", backup.display()).map_err(write_error)?;
    }
    std::fs::write(&path, original).map_err(|e| Error::io("write", &path, e))?;
    writeln!(out, "{} is back to the original stub.", rel.display()).map_err(write_error)?;
    Ok(Status::AllPass)
}

/// The file as last committed to the course's git repository.
fn committed(session: &Session, rel: &std::path::Path) -> Result<Vec<u8>> {
    let spec = format!("HEAD:{}", rel.to_string_lossy().replace('\\', "/"));
    let done = Cmd::new("git")
        .cwd(&session.course.root)
        .args(["show", &spec])
        .cap(4 << 20)
        .run()?;
    if done.exit != Exit::Code(0) {
        return Err(Error::Refused(format!(
            "failed to find the original of {} in the course's git history ({}); reset needs the \
             course as a git checkout",
            rel.display(),
            done.stderr.text.trim()
        )));
    }
    Ok(done.stdout.text.into_bytes())
}

fn confirm(out: &mut dyn Write, question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Refused(
            "reset replaces your file, and there is no terminal to ask for confirmation: add --yes"
                .into(),
        ));
    }
    write!(out, "{question} [y/N] ").map_err(write_error)?;
    out.flush().map_err(write_error)?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::io("read", "standard input", e))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
