//! Grader for `task_spans`: each job's task runs inside its own `job{id}` span, so events from
//! concurrent jobs, interleaved on the paused clock, are attributed to the right job.
//!
//! The jobs' delays are distinct, so the "download finished" at t ms can only come from the job
//! that sleeps t ms: that is the ground truth the event's span must agree with.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/08_logging/02_task_spans.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/08_logging/02_task_spans.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::logging_capture::{Capture, Event, listing};
use kit::prelude::*;
use learner::Job;

fn main() {
    grade(&[
        test(
            "jobs_run_at_once",
            "the jobs' tasks run at the same time",
            at_once,
        ),
        test(
            "events_inside_job_spans",
            "every download event is inside a job{id} span",
            inside,
        ),
        test(
            "each_event_in_its_own_job",
            "each event is inside its own job's span",
            attribution,
        ),
    ]);
}

/// 4 to 6 jobs with distinct ids and distinct delays, not in finishing order.
fn jobs(ctx: &mut Ctx) -> Vec<Job> {
    let mut rng = ctx.rng();
    let n = rng.between(4, 6) as usize;
    let delays = rng.distinct_durations(n, 200, 2000);
    let mut ids: Vec<u64> = Vec::new();
    while ids.len() < n {
        let id = rng.between(100, 999);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.into_iter()
        .zip(delays)
        .map(|(id, delay)| Job { id, delay })
        .collect()
}

fn show_jobs(jobs: &[Job]) -> String {
    let parts: Vec<String> = jobs
        .iter()
        .map(|j| format!("job {} sleeps {}", j.id, ms(j.delay)))
        .collect();
    parts.join(", ")
}

struct Logged {
    events: Vec<Event>,
    elapsed: Duration,
    picture: String,
}

fn run(ctx: &mut Ctx, jobs: &[Job]) -> Result<Logged, Fail> {
    let given = jobs.to_vec();
    let run = ctx.paused(|| async move {
        let capture = Capture::new();
        capture.record(learner::run_jobs(given)).await;
        capture.events()
    })?;
    let events: Vec<Event> = run
        .value
        .into_iter()
        .filter(|e| e.message.starts_with("download"))
        .collect();
    let picture = listing("what the jobs logged", &events);
    Ok(Logged {
        events,
        elapsed: run.virtual_elapsed,
        picture: format!("{picture}{}", run.timeline.draw()),
    })
}

fn at_once(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx);
    let logged = run(ctx, &jobs)?;
    let longest = jobs.iter().map(|j| j.delay).max().unwrap_or_default();
    let sum: Duration = jobs.iter().map(|j| j.delay).sum();
    if logged.elapsed == longest {
        return Ok(());
    }
    let what = if logged.elapsed >= sum {
        "the jobs ran one after another".to_owned()
    } else if logged.elapsed < longest {
        "run_jobs returned before the longest job was done".to_owned()
    } else {
        "the jobs only partly overlapped".to_owned()
    };
    Err(Fail::new(format!(
        "{what}: run_jobs took {} of virtual time for {}; all at once it takes {}. Spawn every \
         job's task first, then await the JoinHandles.",
        ms(logged.elapsed),
        show_jobs(&jobs),
        ms(longest)
    ))
    .with_picture(logged.picture))
}

/// The `id` of the innermost `job` span the event was inside.
fn job_of(e: &Event) -> Option<String> {
    e.innermost("job")
        .and_then(|s| s.field("id"))
        .map(|v| v.to_string())
}

fn inside(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx);
    let logged = run(ctx, &jobs)?;
    let expected = 2 * jobs.len();
    if logged.events.len() != expected {
        return Err(Fail::new(format!(
            "{} jobs should log {expected} download events (a start and a finish each), but {} \
             were recorded. Run download(job.delay) once per job, wait for every task before \
             run_jobs returns, and install no subscriber of your own (the grader's records \
             the events).",
            jobs.len(),
            logged.events.len()
        ))
        .with_picture(logged.picture));
    }
    if let Some(e) = logged.events.iter().find(|e| e.spans.is_empty()) {
        return Err(Fail::new(format!(
            "\"{}\" at {} was recorded outside any span, so the log cannot say which job it \
             belongs to. tokio::spawn does not carry the current span into the new task \
             (asyncio's create_task copies the context; tokio does not), and a span that is \
             created but never entered does nothing. Put the span on the future you spawn: \
             tokio::spawn(download(job.delay).instrument(span)).",
            e.message,
            ms(e.at)
        ))
        .with_picture(logged.picture));
    }
    if let Some(e) = logged.events.iter().find(|e| e.innermost("job").is_none()) {
        return Err(Fail::new(format!(
            "\"{}\" at {} was recorded inside {}, but no span named job. Name the span job: \
             tracing::info_span!(\"job\", id = job.id), or on an async fn \
             #[tracing::instrument(name = \"job\", skip_all, fields(id = job.id))].",
            e.message,
            ms(e.at),
            e.span_path()
        ))
        .with_picture(logged.picture));
    }
    if let Some(e) = logged.events.iter().find(|e| job_of(e).is_none()) {
        return Err(Fail::new(format!(
            "\"{}\" at {} was inside {}, a job span without an id field. Give the span the \
             job's id: tracing::info_span!(\"job\", id = job.id).",
            e.message,
            ms(e.at),
            e.span_path()
        ))
        .with_picture(logged.picture));
    }
    Ok(())
}

const ENTER_ACROSS_AWAIT: &str = "This is what span.enter() held across an .await does: the \
    guard keeps the span entered on the thread while the task waits, and the other jobs' tasks, \
    running on that same thread meanwhile, log inside it. Attach the span to the future instead: \
    tokio::spawn(download(job.delay).instrument(span)), or #[tracing::instrument] on an async fn.";

fn attribution(ctx: &mut Ctx) -> Check {
    let jobs = jobs(ctx);
    let logged = run(ctx, &jobs)?;
    inside_or_fail(&logged, &jobs)?;
    for job in &jobs {
        let id = job.id.to_string();
        let finished_at = logged
            .events
            .iter()
            .find(|e| e.message == "download finished" && e.at == job.delay);
        let Some(e) = finished_at else {
            return Err(Fail::new(format!(
                "job {} sleeps {}, so a \"download finished\" should be logged at {}, but none \
                 was. Each task should run download(job.delay) and nothing else.",
                job.id,
                ms(job.delay),
                ms(job.delay)
            ))
            .with_picture(logged.picture));
        };
        if job_of(e).as_deref() != Some(id.as_str()) {
            let owner = e
                .innermost("job")
                .map_or_else(String::new, |s| s.describe());
            let nested = if e.spans.iter().filter(|s| s.name == "job").count() > 1 {
                format!(
                    " Its whole span path, {}, also shows job spans nested inside each other: \
                     each job's span was created while other jobs' spans were still entered.",
                    e.span_path()
                )
            } else {
                String::new()
            };
            return Err(Fail::new(format!(
                "the \"download finished\" at {} can only be job {}'s (it is the job that sleeps \
                 {}), but the job span around it was {owner}.{nested} {ENTER_ACROSS_AWAIT}",
                ms(e.at),
                job.id,
                ms(job.delay),
            ))
            .with_picture(logged.picture));
        }
        let starts = logged
            .events
            .iter()
            .filter(|e| {
                e.message == "download started" && job_of(e).as_deref() == Some(id.as_str())
            })
            .count();
        if starts != 1 {
            return Err(Fail::new(format!(
                "job {} should log exactly one \"download started\" inside its own span, but {} \
                 were recorded inside job{{id={}}}. {ENTER_ACROSS_AWAIT}",
                job.id, starts, job.id
            ))
            .with_picture(logged.picture));
        }
    }
    let nested = |e: &&Event| e.spans.iter().filter(|s| s.name == "job").count() > 1;
    if let Some(e) = logged.events.iter().find(nested) {
        return Err(Fail::new(format!(
            "\"{}\" at {} was recorded inside {}: one job's span was created inside another's. \
             A new span's parent is the span entered on the thread when it is created. Create \
             each job's span where no other job's span is entered (for example in the loop that \
             spawns the tasks) and attach it with .instrument(span).",
            e.message,
            ms(e.at),
            e.span_path()
        ))
        .with_picture(logged.picture));
    }
    Ok(())
}

/// The checks of `events_inside_job_spans`, repeated so this test stands on its own.
fn inside_or_fail(logged: &Logged, jobs: &[Job]) -> Check {
    let longest = jobs.iter().map(|j| j.delay).max().unwrap_or_default();
    ensure!(
        logged.elapsed == longest,
        "the jobs did not all run at the same time (see the test jobs_run_at_once): fix that \
         first; their events can only interleave when they do."
    );
    let ok =
        logged.events.len() == 2 * jobs.len() && logged.events.iter().all(|e| job_of(e).is_some());
    ensure!(
        ok,
        "not every download event is inside a job span with an id (see the test \
         events_inside_job_spans): fix that first."
    );
    Ok(())
}
