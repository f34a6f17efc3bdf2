//! Grader for `async_logger`: the gather workload logs through a channel to one logger task,
//! every line reaches the sink in order, each event sits in its own nap's span at its exact
//! virtual time, and the logger ends cleanly once the subscriber is gone.
//!
//! The grader builds the subscriber: its own recording layer, a `fmt` layer writing to the
//! learner's `LogWriter`, and an identical `fmt` layer writing straight into memory. That last
//! one is the reference: the sink must end up holding exactly its bytes.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/08_logging/04_async_logger.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/08_logging/04_async_logger.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::logging_capture::{Capture, Event, Value, listing};
use kit::prelude::*;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use tokio::time::Instant;
use tracing_subscriber::fmt::format::{DefaultFields, Format, Full, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::layer::SubscriberExt;

fn main() {
    grade(&[
        test(
            "gather_still_works",
            "the naps run at once; results come back in order",
            gathers,
        ),
        test(
            "each_nap_in_its_span",
            "started/finished inside nap{i}, at exact virtual times",
            spans,
        ),
        test(
            "every_line_reaches_the_sink",
            "the sink holds exactly the formatted lines, in order",
            lines,
        ),
        test(
            "logger_finishes_cleanly",
            "the logger ends after the work, returns the sink",
            finishes,
        ),
        test(
            "written_by_one_logger_task",
            "one logger task writes every line, no nap does",
            one_writer,
        ),
    ]);
}

/// The `Write` handed to `start_logger`: remembers each write and which task made it.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Writes>>);

/// Each write to the sink: the task that made it (`None` outside any task) and its bytes.
type Writes = Vec<(Option<tokio::task::Id>, Vec<u8>)>;

impl Sink {
    fn writes(&self) -> Writes {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn text(&self) -> String {
        let bytes: Vec<u8> = self.writes().into_iter().flat_map(|(_, b)| b).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let entry = (tokio::task::try_id(), buf.to_vec());
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The reference writer: the formatted text, written on the spot.
#[derive(Clone, Default)]
struct Reference(Arc<Mutex<Vec<u8>>>);

impl Write for Reference {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `  1200 ms`, on tokio's clock from the start of the run.
#[derive(Clone, Copy)]
struct VirtualTime(Instant);

impl FormatTime for VirtualTime {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        write!(w, "{:>6} ms", self.0.elapsed().as_millis())
    }
}

/// Everything one run of the workload showed.
struct Outcome {
    durations: Vec<Duration>,
    slept: Vec<Duration>,
    /// Virtual time gather_logged took.
    took: Duration,
    events: Vec<Event>,
    /// When the logger task had already ended at the moment gather_logged returned.
    ended_early: bool,
    /// What awaiting the logger gave, within a second of the subscriber being dropped: `None`
    /// if it had not ended, `Some(true)` if it handed back the very sink it was given.
    returned_sink: Option<Result<bool, String>>,
    /// Tasks alive once everything should be over.
    alive_after: usize,
    sink: Sink,
    reference: String,
    picture: String,
}

/// The fmt layer's settings, the same for the learner's writer and the reference.
fn fmt_layer<S>(
    origin: Instant,
) -> tracing_subscriber::fmt::Layer<S, DefaultFields, Format<Full, VirtualTime>> {
    tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_ansi(false)
        .with_timer(VirtualTime(origin))
}

fn workload(ctx: &mut Ctx) -> Result<Outcome, Fail> {
    let mut rng = ctx.rng();
    let n = rng.between(4, 6) as usize;
    let durations = rng.distinct_durations(n, 200, 3000);
    let shortest = durations.iter().min().copied().unwrap_or_default();
    ctx.scale_stall_limit(shortest, 0.5);
    let given = durations.clone();
    let run = ctx.paused(|| async move {
        let origin = Instant::now();
        let capture = Capture::new();
        let (sink, reference) = (Sink::default(), Reference::default());
        let (writer, logger) = learner::start_logger(sink.clone());
        let reference_writer = reference.clone();
        let subscriber = tracing_subscriber::registry()
            .with(capture.layer())
            .with(fmt_layer(origin).with_writer(writer))
            .with(fmt_layer(origin).with_writer(move || reference_writer.clone()));
        let dispatch = tracing::Dispatch::new(subscriber);
        let slept = {
            let _default = tracing::dispatcher::set_default(&dispatch);
            learner::gather_logged(given).await
        };
        let took = origin.elapsed();
        let ended_early = logger.is_finished();
        // The last handle on the subscriber, and so on the LogWriter inside it.
        drop(dispatch);
        let returned_sink = match tokio::time::timeout(Duration::from_secs(1), logger).await {
            Err(_) => None,
            Ok(Err(e)) => Some(Err(e.to_string())),
            Ok(Ok(back)) => Some(Ok(Arc::ptr_eq(&back.0, &sink.0))),
        };
        tokio::task::yield_now().await;
        let alive_after = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        let reference =
            String::from_utf8_lossy(&reference.0.lock().unwrap_or_else(|e| e.into_inner()))
                .into_owned();
        (
            slept,
            took,
            capture.events(),
            ended_early,
            returned_sink,
            alive_after,
            sink,
            reference,
        )
    })?;
    let (slept, took, events, ended_early, returned_sink, alive_after, sink, reference) = run.value;
    let picture = format!(
        "{}{}",
        listing("what the naps logged", &events),
        run.timeline.draw()
    );
    Ok(Outcome {
        durations,
        slept,
        took,
        events,
        ended_early,
        returned_sink,
        alive_after,
        sink,
        reference,
        picture,
    })
}

fn gathers(ctx: &mut Ctx) -> Check {
    let o = workload(ctx)?;
    ensure!(
        o.slept == o.durations,
        "gather_logged was given {} and returned {}: return what each nap slept, in the order \
         of the durations (await the JoinHandles in the order you spawned them).",
        show_durations(&o.durations),
        show_durations(&o.slept)
    );
    let longest = o.durations.iter().max().copied().unwrap_or_default();
    if o.took != longest {
        return Err(Fail::new(format!(
            "gather_logged took {} of virtual time; naps of {} all at once take {}. Spawn every \
             nap's task first, then await them.",
            ms(o.took),
            show_durations(&o.durations),
            ms(longest)
        ))
        .with_picture(o.picture));
    }
    Ok(())
}

/// The index in the innermost `nap` span around the event.
fn nap_of(e: &Event) -> Option<String> {
    e.innermost("nap")
        .and_then(|s| s.field("i"))
        .map(Value::to_string)
}

fn spans(ctx: &mut Ctx) -> Check {
    let o = workload(ctx)?;
    let fail = |msg: String| Err(Fail::new(msg).with_picture(o.picture.clone()));
    if o.events.is_empty() {
        return fail(
            "no event reached the caller's subscriber. Log with tracing::info! in the naps, and \
             install no subscriber inside gather_logged: the caller (main, or the grader) does."
                .to_owned(),
        );
    }
    if let Some(e) = o.events.iter().find(|e| nap_of(e).is_none()) {
        return fail(format!(
            "\"{}\" at {} was recorded inside {}, not inside a span nap with a field i. Run \
             each nap's future inside tracing::info_span!(\"nap\", i), attached with \
             .instrument(span).",
            e.message,
            ms(e.at),
            e.span_path()
        ));
    }
    for (i, d) in o.durations.iter().enumerate() {
        let want = i.to_string();
        let started: Vec<&Event> = o
            .events
            .iter()
            .filter(|e| e.message == "started" && nap_of(e).as_deref() == Some(&want))
            .collect();
        if started.len() != 1 || !started[0].at.is_zero() {
            return fail(format!(
                "nap {i} should log one \"started\" inside nap{{i={i}}}, at 0 ms; {} such events \
                 were recorded{}.",
                started.len(),
                started
                    .first()
                    .map_or_else(String::new, |e| format!(", the first at {}", ms(e.at)))
            ));
        }
        let Some(e) = o
            .events
            .iter()
            .find(|e| e.message == "finished" && e.at == *d)
        else {
            return fail(format!(
                "nap {i} sleeps {}, so a \"finished\" should be logged at {}, but none was. Log \
                 it right after the nap's sleep.",
                ms(*d),
                ms(*d)
            ));
        };
        if nap_of(e).as_deref() != Some(want.as_str()) {
            return fail(format!(
                "the \"finished\" at {} can only be nap {i}'s (the nap that sleeps {}), but the \
                 nap span around it was {} (its span path: {}). An entered span guard held \
                 across an .await stays entered on the thread while the other naps run and log; \
                 attach the span to the future with .instrument(span) instead.",
                ms(e.at),
                ms(*d),
                e.innermost("nap")
                    .map_or_else(String::new, |s| s.describe()),
                e.span_path()
            ));
        }
        if e.field("slept_ms").and_then(Value::as_int) != Some(d.as_millis() as i128) {
            return fail(format!(
                "nap {i}'s \"finished\" should carry slept_ms={} as a number; its fields are {:?}. \
                 tracing::info!(slept_ms = d.as_millis() as u64, \"finished\").",
                d.as_millis(),
                e.fields
            ));
        }
    }
    Ok(())
}

fn first_line_not_in(text: &str, other: &str) -> Option<String> {
    let mut others: Vec<&str> = other.lines().collect();
    for line in text.lines() {
        match others.iter().position(|o| *o == line) {
            Some(at) => {
                others.remove(at);
            }
            None => return Some(line.to_owned()),
        }
    }
    None
}

fn lines(ctx: &mut Ctx) -> Check {
    let o = workload(ctx)?;
    let got = o.sink.text();
    if got == o.reference {
        return Ok(());
    }
    let expected = o.reference.lines().count();
    let picture = format!(
        "what the fmt layer formatted:\n{}what reached the sink:\n{}",
        indent(&o.reference),
        indent(&got)
    );
    let fail = |msg: String| Err(Fail::new(msg).with_picture(picture.clone()));
    if got.is_empty() {
        let why = if o.ended_early {
            " The logger task had already ended before gather_logged returned: a loop over \
             try_recv() stops at the first moment the channel is empty, which is at once. \
             recv().await waits for the next line and gives None only when every sender is gone."
        } else {
            " LogWriter::write must send the bytes over the channel (self.lines.send(...)), and \
             the logger task must write what it receives to the sink it was given."
        };
        return fail(format!(
            "none of the {expected} formatted lines reached the sink.{why}"
        ));
    }
    if let Some(line) = first_line_not_in(&o.reference, &got) {
        let tail = if o.ended_early {
            " The logger task ended before gather_logged returned, so later lines had nobody to \
             write them: keep receiving with recv().await until it returns None."
        } else if o.returned_sink.is_none() {
            " The logger task had not finished a second after the subscriber was dropped; \
             whatever it still held never reached the sink."
        } else {
            ""
        };
        return fail(format!(
            "{} of the {expected} formatted lines reached the sink; this one never did: \
             {line:?}.{tail}",
            got.lines().count()
        ));
    }
    if let Some(line) = first_line_not_in(&got, &o.reference) {
        return fail(format!(
            "the sink holds a line that the fmt layer never formatted: {line:?}. Write each \
             buffer you receive exactly once, as it is."
        ));
    }
    fail(
        "the sink holds every formatted line, but not in the order they were logged. A single \
         channel keeps order; one logger task writing lines as they arrive keeps it too."
            .to_owned(),
    )
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "  (nothing)\n".to_owned();
    }
    text.lines().map(|l| format!("  {l}\n")).collect()
}

fn finishes(ctx: &mut Ctx) -> Check {
    let o = workload(ctx)?;
    ensure!(
        !o.ended_early,
        "the logger task had already ended when gather_logged returned, while lines were still \
         being logged: a loop over try_recv() stops the first time the channel is empty. Loop on \
         recv().await, which waits for the next line and returns None only once every \
         LogWriter is dropped."
    );
    match &o.returned_sink {
        None => fail!(
            "the subscriber, and with it every LogWriter, was dropped, yet a second later the \
             logger task was still running. When every sender is gone, recv() returns None: \
             end the loop there (while let Some(line) = rx.recv().await) and return the sink. \
             If it still waits, something else holds a sender: a LogWriter kept in a task that \
             is still alive, or a clone stored elsewhere."
        ),
        Some(Err(e)) => fail!("awaiting the logger task failed: {e}. It must not panic."),
        Some(Ok(false)) => fail!(
            "the logger task returned a sink, but not the one start_logger was given. Hand back \
             the same sink, so the caller can flush or close it."
        ),
        Some(Ok(true)) => {}
    }
    ensure!(
        o.alive_after == 0,
        "{} task(s) were still alive after gather_logged returned and the logger finished. Await \
         every nap's JoinHandle in gather_logged, and start no other tasks.",
        o.alive_after
    );
    Ok(())
}

fn one_writer(ctx: &mut Ctx) -> Check {
    let o = workload(ctx)?;
    let writes = o.sink.writes();
    ensure!(
        !writes.is_empty(),
        "nothing was written to the sink (see every_line_reaches_the_sink), so no logger task \
         can have written it."
    );
    let naps: Vec<tokio::task::Id> = o.events.iter().filter_map(|e| e.task).collect();
    let mut writers: Vec<Option<tokio::task::Id>> = writes.iter().map(|(t, _)| *t).collect();
    writers.dedup();
    let mut distinct = writers.clone();
    distinct.sort_by_key(|t| t.map(|id| id.to_string()));
    distinct.dedup();
    let by_naps = writers
        .iter()
        .filter(|t| t.is_some_and(|id| naps.contains(&id)))
        .count();
    if by_naps > 0 {
        fail!(
            "the nap tasks wrote to the sink themselves ({} writes in all, from {} different \
             tasks). Writing in the task that logs puts the IO on the hot path: when the sink is \
             slow (a full pipe, a busy disk), every task that logs stalls with it. Only send the \
             bytes in LogWriter::write, and let the one logger task do all the writing.",
            writes.len(),
            distinct.len()
        );
    }
    if distinct.len() > 1 {
        fail!(
            "the sink was written by {} different tasks; one logger task should write every \
             line. A task per line gives up what the single logger gives: one owner of the \
             sink, writing lines in the order the channel delivers them. Write each line in the \
             logger task's own loop.",
            distinct.len()
        );
    }
    ensure!(
        distinct[0].is_some(),
        "the sink was written outside any task (by the function that called gather_logged). \
         Spawn the logger with tokio::spawn and write only there."
    );
    Ok(())
}
