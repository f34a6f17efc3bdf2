//! Grader for `progress_log`: `with_progress` logs `still running` exactly every `every` and
//! `done` exactly when the work ends, with `elapsed_ms` from tokio's clock, inside the caller's
//! span, and leaves nothing running.
//!
//! Work lengths are never a multiple of `every`, so a tick and the end of the work never
//! coincide: every expected event has one exact virtual instant.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/08_logging/03_progress_log.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/08_logging/03_progress_log.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::logging_capture::{Capture, Event, Value, listing};
use kit::prelude::*;
use tracing::Instrument;

fn main() {
    grade(&[
        test(
            "progress_on_schedule",
            "still running every `every`, done when the work ends",
            schedule,
        ),
        test(
            "elapsed_on_tokio_clock",
            "elapsed_ms says the time on tokio's clock",
            elapsed,
        ),
        test(
            "inside_callers_span",
            "the events are inside the caller's span",
            callers_span,
        ),
        test(
            "nothing_left_running",
            "after it returns nothing logs or runs",
            nothing_left,
        ),
        test(
            "three_at_once",
            "three calls at once give exactly the merged log",
            three_at_once,
        ),
    ]);
}

/// One call: the heartbeat period, how long the work takes, and what the work returns.
#[derive(Clone, Copy)]
struct Call {
    every: Duration,
    work: Duration,
    token: u64,
}

impl Call {
    fn new(rng: &mut Seeded) -> Call {
        let every = rng.between(200, 600);
        let work = every * rng.between(2, 5) + rng.between(1, every - 1);
        Call {
            every: Duration::from_millis(every),
            work: Duration::from_millis(work),
            token: rng.between(1, 1_000_000),
        }
    }

    /// The events this call should log: (virtual time, message).
    fn expected(&self) -> Vec<(Duration, &'static str)> {
        let mut out = Vec::new();
        let mut t = self.every;
        while t < self.work {
            out.push((t, "still running"));
            t += self.every;
        }
        out.push((self.work, "done"));
        out
    }

    fn describe(&self) -> String {
        format!(
            "every = {} around work that takes {}",
            ms(self.every),
            ms(self.work)
        )
    }
}

const MESSAGES: [&str; 2] = ["still running", "done"];

/// What one run of a single call showed.
struct Single {
    output: u64,
    returned_at: Duration,
    alive_after: usize,
    events: Vec<Event>,
}

/// Runs one call inside a span `upload{n=..}`, then waits three more periods and looks around.
fn run_single(ctx: &mut Ctx, call: Call) -> Result<Single, Fail> {
    let run = ctx.paused(|| async move {
        let capture = Capture::new();
        let work = async move {
            tokio::time::sleep(call.work).await;
            call.token
        };
        let (output, returned_at, alive_after) = capture
            .record(async {
                let span = tracing::info_span!("upload", n = call.token);
                let output = learner::with_progress(call.every, work)
                    .instrument(span)
                    .await;
                let returned_at = capture.now();
                tokio::time::sleep(call.every * 3).await;
                let alive = tokio::runtime::Handle::current()
                    .metrics()
                    .num_alive_tasks();
                (output, returned_at, alive)
            })
            .await;
        Single {
            output,
            returned_at,
            alive_after,
            events: capture.events(),
        }
    })?;
    let mut single = run.value;
    single
        .events
        .retain(|e| MESSAGES.contains(&e.message.as_str()));
    Ok(single)
}

fn show_expected(call: &Call) -> String {
    let mut out = "what it should log:\n".to_owned();
    for (at, msg) in call.expected() {
        out.push_str(&format!(
            "  {:>8}  INFO upload{{n={}}}: {msg:?} elapsed_ms={}\n",
            ms(at),
            call.token,
            at.as_millis()
        ));
    }
    out
}

fn pictures(call: &Call, events: &[Event]) -> String {
    format!(
        "{}{}",
        listing("what with_progress logged", events),
        show_expected(call)
    )
}

fn schedule(ctx: &mut Ctx) -> Check {
    let call = Call::new(&mut ctx.rng());
    let single = run_single(ctx, call)?;
    let picture = pictures(&call, &single.events);
    let fail = |msg: String| Err(Fail::new(msg).with_picture(picture.clone()));
    if single.output != call.token {
        return fail(format!(
            "with_progress returned {}, but the work returned {}: return the work's output.",
            single.output, call.token
        ));
    }
    if single.returned_at != call.work {
        return fail(format!(
            "with_progress returned at {} of virtual time, but the work it was given ends at {}. \
             Await the work and return as soon as it is done.",
            ms(single.returned_at),
            ms(call.work)
        ));
    }
    if single.events.is_empty() {
        return fail(format!(
            "with_progress({}) logged nothing: expected \"still running\" events and a \"done\".",
            call.describe()
        ));
    }
    let first = &single.events[0];
    if first.at.is_zero() && first.message == "still running" {
        return fail(
            "the first \"still running\" came at 0 ms, the moment with_progress was called, \
             before anything was running for long. A tokio interval's first tick completes \
             immediately; start the heartbeat one period later: \
             tokio::time::interval_at(start + every, every)."
                .to_owned(),
        );
    }
    if let Some(late) = single.events.iter().find(|e| e.at > call.work) {
        return fail(format!(
            "\"{}\" was logged at {}, after the work had finished at {}: the heartbeat kept \
             going. A spawned task lives on until it ends or is aborted; stop the heartbeat \
             when the work is done (JoinHandle::abort), or run it in the same task as the work \
             with tokio::select!, so it stops when with_progress returns.",
            late.message,
            ms(late.at),
            ms(call.work)
        ));
    }
    let got: Vec<(Duration, &str)> = single
        .events
        .iter()
        .map(|e| (e.at, e.message.as_str()))
        .collect();
    if got != call.expected() {
        return fail(format!(
            "with_progress({}) should log \"still running\" at every multiple of {} before {} \
             and \"done\" at {}; its log differs (see both below). Tick on tokio's clock, once \
             per period, from one period after the start.",
            call.describe(),
            ms(call.every),
            ms(call.work),
            ms(call.work)
        ));
    }
    ensure!(
        single
            .events
            .iter()
            .all(|e| e.level == tracing::Level::INFO),
        "the events should be at level INFO: tracing::info!(elapsed_ms, \"still running\")."
    );
    Ok(())
}

fn elapsed(ctx: &mut Ctx) -> Check {
    let call = Call::new(&mut ctx.rng());
    let single = run_single(ctx, call)?;
    let picture = pictures(&call, &single.events);
    ensure!(
        !single.events.is_empty(),
        "with_progress logged nothing (see progress_on_schedule)."
    );
    for e in &single.events {
        let want = e.at.as_millis() as i128;
        match e.field("elapsed_ms") {
            Some(Value::Int(n)) if *n == want => {}
            Some(Value::Int(0)) if want > 0 => {
                return Err(Fail::new(format!(
                    "\"{}\" at {} of virtual time says elapsed_ms=0. std::time::Instant measures \
                     real time, and under tokio's paused clock almost none passes; \
                     tokio::time::Instant reads the runtime's clock, the one sleep and interval \
                     use (in production they agree; in a test only tokio's is right). Take the \
                     start with tokio::time::Instant::now().",
                    e.message,
                    ms(e.at)
                ))
                .with_picture(picture));
            }
            Some(Value::Int(n)) => {
                return Err(Fail::new(format!(
                    "\"{}\" at {} says elapsed_ms={n}; it should be {want}, the whole \
                     milliseconds since with_progress was called on tokio's clock: \
                     start.elapsed().as_millis() as u64, with start taken when with_progress \
                     begins.",
                    e.message,
                    ms(e.at)
                ))
                .with_picture(picture));
            }
            Some(v) => fail!(
                "\"{}\" has elapsed_ms={v} recorded as text; give the number itself: \
                 elapsed_ms = start.elapsed().as_millis() as u64.",
                e.message
            ),
            None => {
                return Err(Fail::new(format!(
                    "\"{}\" at {} has no elapsed_ms field. Add it: \
                     tracing::info!(elapsed_ms, \"{}\").",
                    e.message,
                    ms(e.at),
                    e.message
                ))
                .with_picture(picture));
            }
        }
    }
    Ok(())
}

fn callers_span(ctx: &mut Ctx) -> Check {
    let call = Call::new(&mut ctx.rng());
    let single = run_single(ctx, call)?;
    let picture = pictures(&call, &single.events);
    ensure!(
        !single.events.is_empty(),
        "with_progress logged nothing (see progress_on_schedule)."
    );
    let mine = format!("upload{{n={}}}", call.token);
    for e in &single.events {
        if e.span_path() == mine {
            continue;
        }
        let why = if e.spans.is_empty() && e.task.is_some() {
            " It was logged from a spawned task: a new task starts outside every span, whatever \
             span was entered where tokio::spawn was called. Take the caller's span along, \
             tokio::spawn(heartbeat.in_current_span()), or keep the heartbeat in the caller's \
             own task with tokio::select!."
        } else {
            " Log from the code the caller awaits, without entering or creating spans of your \
             own around it."
        };
        return Err(Fail::new(format!(
            "the caller ran with_progress inside the span {mine}, so its events belong there, \
             but \"{}\" at {} was recorded inside {}.{why}",
            e.message,
            ms(e.at),
            e.span_path()
        ))
        .with_picture(picture));
    }
    Ok(())
}

fn nothing_left(ctx: &mut Ctx) -> Check {
    let call = Call::new(&mut ctx.rng());
    let single = run_single(ctx, call)?;
    let picture = pictures(&call, &single.events);
    if let Some(late) = single.events.iter().find(|e| e.at > single.returned_at) {
        return Err(Fail::new(format!(
            "with_progress returned at {}, yet \"{}\" was logged at {}: something it started is \
             still running. Abort the heartbeat task before returning, or run it in the same \
             task with tokio::select!.",
            ms(single.returned_at),
            late.message,
            ms(late.at)
        ))
        .with_picture(picture));
    }
    ensure!(
        single.alive_after == 0,
        "{} task(s) started by with_progress were still alive {} after it returned. A heartbeat \
         task must not outlive the work it reports on: abort it, or use tokio::select! in the \
         caller's task.",
        single.alive_after,
        ms(call.every * 3)
    );
    Ok(())
}

fn three_at_once(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let calls = [
        Call::new(&mut rng),
        Call::new(&mut rng),
        Call::new(&mut rng),
    ];
    let run = ctx.paused(|| async move {
        let capture = Capture::new();
        let one = |i: usize| {
            let call = calls[i];
            let work = async move {
                tokio::time::sleep(call.work).await;
                call.token
            };
            learner::with_progress(call.every, work)
                .instrument(tracing::info_span!("upload", n = i))
        };
        let outputs = capture
            .record(async { tokio::join!(one(0), one(1), one(2)) })
            .await;
        (outputs, capture.events())
    })?;
    let (outputs, mut events) = run.value;
    events.retain(|e| MESSAGES.contains(&e.message.as_str()));
    let outputs = [outputs.0, outputs.1, outputs.2];
    let tokens = calls.map(|c| c.token);
    ensure!(
        outputs == tokens,
        "three calls at once returned {outputs:?}, but their work returned {tokens:?}: each \
         call must return its own work's output."
    );
    let mut want: Vec<String> = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        for (at, msg) in call.expected() {
            want.push(format!(
                "{:>8} upload{{n={i}}}: {msg:?} elapsed_ms={}",
                ms(at),
                at.as_millis()
            ));
        }
    }
    let shown = |e: &Event| {
        let elapsed = e
            .field("elapsed_ms")
            .map_or_else(|| "?".to_owned(), |v| v.to_string());
        format!(
            "{:>8} {}: {:?} elapsed_ms={elapsed}",
            ms(e.at),
            e.span_path(),
            e.message
        )
    };
    let mut got: Vec<String> = events.iter().map(shown).collect();
    // Events of different calls at the same instant may come in either order: compare sorted.
    want.sort();
    got.sort();
    if got == want {
        return Ok(());
    }
    let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
    let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
    let mut picture = String::new();
    for (title, lines) in [
        ("expected but not logged", &missing),
        ("logged but not expected", &extra),
    ] {
        if !lines.is_empty() {
            picture.push_str(&format!("{title}:\n"));
            for l in lines.iter().take(12) {
                picture.push_str(&format!("  {l}\n"));
            }
        }
    }
    let setup: Vec<String> = calls
        .iter()
        .enumerate()
        .map(|(i, c)| format!("upload{{n={i}}}: {}", c.describe()))
        .collect();
    Err(Fail::new(format!(
        "three calls ran at once ({}), and the merged log is not what their three heartbeats \
         should give. Each call must keep its own clock, its own ticks and its own span, and \
         share nothing with the others.",
        setup.join("; ")
    ))
    .with_picture(picture))
}
