//! Grader for `rwlock_readers`: readers of the learner's `Page` read at the same time, an edit
//! has the page to itself, and an edit waiting for readers goes in before readers who come
//! after it.
//!
//! Readers and editors are the grader's tasks, each arriving at a seeded instant; the work
//! they hand in notes on the paused clock when it runs, so overlap is observed, not trusted.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/04_sync/05_rwlock_readers.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/04_sync/05_rwlock_readers.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::sync_spans::{self, Span, Spans};
use learner::{Page, Work};
use std::sync::Arc;

fn main() {
    grade(&[
        test(
            "readers_share",
            "readers who arrive together all read at once",
            readers_share,
        ),
        test(
            "edits_alone",
            "an edit never runs while anyone else reads or edits",
            edits_alone,
        ),
        test(
            "edit_waits_its_turn",
            "an edit goes in the instant the readers before it leave, before readers after it",
            edit_waits_its_turn,
        ),
    ]);
}

const READ: char = 'r';
const EDIT: char = 'W';

/// One visit to the page: a read or an edit, arriving at `at`, whose work lasts `work`.
#[derive(Clone, Copy)]
struct Visit {
    at: Duration,
    work: Duration,
    edit: bool,
}

/// What the visits saw: the text each read returned (`None` for edits), and the spans
/// (lane = visit).
struct Observed {
    texts: Vec<Option<String>>,
    spans: Vec<Span>,
    picture: String,
}

/// The text edit number `i` stores.
fn text_of(visit: usize) -> String {
    format!("edit {}", visit + 1)
}

const FIRST_TEXT: &str = "first draft";

fn run(ctx: &mut Ctx, visits: &[Visit]) -> Result<Run<Observed>, Fail> {
    let visits = visits.to_vec();
    ctx.paused(move || async move {
        let spans = Spans::new();
        let page = Arc::new(Page::new(FIRST_TEXT));
        let mut tasks = Vec::new();
        for (i, v) in visits.iter().copied().enumerate() {
            let (page, spans) = (page.clone(), spans.clone());
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep(v.at).await;
                if v.edit {
                    let work: Work = Box::pin(spans.work(i, EDIT, v.work));
                    page.edit(text_of(i), work).await;
                    None
                } else {
                    let work: Work = Box::pin(spans.work(i, READ, v.work));
                    Some(page.read(work).await)
                }
            }));
        }
        let mut texts = Vec::new();
        for task in tasks {
            texts.push(task.await.expect("a visit panicked"));
        }
        let name = |i: usize| -> String {
            let who = if visits[i].edit { "editor" } else { "reader" };
            format!("{who} {} (at {})", i + 1, ms(visits[i].at))
        };
        let picture = spans.draw("the visits to the page (r = reading, W = editing)", name);
        Observed {
            texts,
            spans: spans.list(),
            picture,
        }
    })
}

/// The readers' spans, if they never overlapped although some were meant to.
fn took_turns(observed: &Observed) -> Option<Fail> {
    let reads: Vec<Span> = observed
        .spans
        .iter()
        .filter(|s| s.mark == READ)
        .cloned()
        .collect();
    if reads.len() < 2 || sync_spans::max_overlap(&reads) > 1 {
        return None;
    }
    Some(
        Fail::new(
            "the readers took turns: no two of them ever read the page at the same time, \
             although they arrived together. A Mutex lets one task in at a time; \
             tokio::sync::RwLock lets any number of readers in at once (read().await) and an \
             editor alone (write().await). Hold the lock in the page as an RwLock.",
        )
        .with_picture(observed.picture.clone()),
    )
}

fn readers_share(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(3, 6) as usize;
    let works = rng.distinct_durations(n, 10, 60);
    let visits: Vec<Visit> = works
        .iter()
        .map(|&w| Visit {
            at: Duration::ZERO,
            work: w * 10,
            edit: false,
        })
        .collect();
    let run = run(ctx, &visits)?;
    let observed = run.value;
    if let Some(fail) = took_turns(&observed) {
        return Err(fail);
    }
    let longest = visits.iter().map(|v| v.work).max().unwrap_or_default();
    if let Some(late) = observed.spans.iter().find(|s| s.start > Duration::ZERO) {
        return Err(Fail::new(format!(
            "{n} readers arrived at 0 ms, but reader {} only began reading at {}. Readers do \
             not wait for each other: read().await on an RwLock nobody writes to returns at once.",
            late.lane + 1,
            ms(late.start)
        ))
        .with_picture(observed.picture));
    }
    ensure!(
        observed
            .texts
            .iter()
            .all(|t| t.as_deref() == Some(FIRST_TEXT)),
        "the readers returned {:?}, but the page said {FIRST_TEXT:?}: read() should return the \
         page's text.",
        observed.texts
    );
    ensure!(
        run.virtual_elapsed == longest,
        "{n} readers reading at once should be done after the longest reading, {}; the run took \
         {}.",
        ms(longest),
        ms(run.virtual_elapsed)
    );
    Ok(())
}

fn edits_alone(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(7, 10) as usize;
    let mut visits: Vec<Visit> = (0..n)
        .map(|i| Visit {
            at: Duration::from_millis(rng.between(0, 100) * 10),
            work: Duration::from_millis(rng.between(5, 30) * 10),
            edit: i % 3 == 1,
        })
        .collect();
    visits.sort_by_key(|v| v.at);
    let run = run(ctx, &visits)?;
    let observed = run.value;
    for w in observed.spans.iter().filter(|s| s.mark == EDIT) {
        let w_end = w.end_or(Duration::MAX);
        let clash = observed
            .spans
            .iter()
            .find(|s| s.lane != w.lane && s.start < w_end && w.start < s.end_or(Duration::MAX));
        if let Some(other) = clash {
            let (who, doing) = if other.mark == EDIT {
                ("editor", "editing")
            } else {
                ("reader", "reading")
            };
            return Err(Fail::new(format!(
                "editor {} edited the page from {} to {} while {who} {} was {doing} it ({} to \
                 {}). An edit must have the page to itself: take write access before the \
                 editing work starts and keep the guard until the new text is stored; and a \
                 reader must keep its read guard while its reading work runs (reading a copy \
                 after letting go lets an edit in meanwhile).",
                w.lane + 1,
                ms(w.start),
                ms(w_end),
                other.lane + 1,
                ms(other.start),
                ms(other.end_or(w_end))
            ))
            .with_picture(observed.picture));
        }
    }
    Ok(())
}

fn edit_waits_its_turn(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let reads = rng.distinct_durations(2, 20, 60);
    let (r1, r2) = (reads[0] * 10, reads[1] * 10);
    let shortest = r1.min(r2).as_millis() as u64;
    let edit_at = Duration::from_millis(rng.between(10, shortest / 2));
    let late_at = edit_at + Duration::from_millis(rng.between(10, shortest / 2 - 10));
    let edit = Duration::from_millis(rng.between(5, 30) * 10);
    let visits = [
        Visit {
            at: Duration::ZERO,
            work: r1,
            edit: false,
        },
        Visit {
            at: Duration::ZERO,
            work: r2,
            edit: false,
        },
        Visit {
            at: edit_at,
            work: edit,
            edit: true,
        },
        Visit {
            at: late_at,
            work: Duration::from_millis(100),
            edit: false,
        },
    ];
    let run = run(ctx, &visits)?;
    let observed = run.value;
    if let Some(fail) = took_turns(&observed) {
        return Err(fail);
    }
    let spans = &observed.spans;
    let span = |lane: usize| spans.iter().find(|s| s.lane == lane);
    let (Some(w), Some(late)) = (span(2), span(3)) else {
        fail!(
            "the edit or the last reader never ran its work: read() and edit() must await the work they are given."
        );
    };
    let readers_done = r1.max(r2);
    let picture = observed.picture.clone();
    let explain = |msg: String| Err(Fail::new(msg).with_picture(picture.clone()));
    if w.start < readers_done {
        return explain(format!(
            "the edit (asking at {}) began at {}, while the first two readers were still \
             reading (until {}). An edit must wait for the readers already in: edit() takes write \
             access before its editing work starts, and read() keeps its read guard while its \
             reading work runs.",
            ms(edit_at),
            ms(w.start),
            ms(readers_done)
        ));
    }
    if late.start < w.start {
        return explain(format!(
            "a reader who arrived at {}, after the edit had asked for the page at {}, read at \
             {}, before the edit. With readers always let in ahead of a waiting edit, a steady \
             stream of readers would keep it out for ever. tokio's RwLock is fair: once an \
             edit waits, later readers queue behind it.",
            ms(late_at),
            ms(edit_at),
            ms(late.start)
        ));
    }
    if w.start != readers_done {
        return explain(format!(
            "the edit should begin at {}, the instant the last reader before it left, but it \
             began at {}.",
            ms(readers_done),
            ms(w.start)
        ));
    }
    let edit_done = readers_done + edit;
    if late.start != edit_done {
        return explain(format!(
            "the reader who arrived at {} should read at {}, the instant the edit before it \
             finished, but it began at {}.",
            ms(late_at),
            ms(edit_done),
            ms(late.start)
        ));
    }
    let texts = &observed.texts;
    let first = Some(FIRST_TEXT.to_owned());
    ensure!(
        texts[0] == first && texts[1] == first && texts[3] == Some(text_of(2)),
        "the two first readers should read {FIRST_TEXT:?} and the reader after the edit \
         {:?}; they read {:?}, {:?} and {:?}. edit() stores its text before letting go of the \
         page, and read() returns the text it holds.",
        text_of(2),
        texts[0],
        texts[1],
        texts[3]
    );
    Ok(())
}
