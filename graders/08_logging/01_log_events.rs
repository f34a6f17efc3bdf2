//! Grader for `log_events`: `fetch` emits tracing events (not println!) with a fixed message,
//! typed fields and the right level, each at the virtual instant it happens.
//!
//! Events are recorded by a test-owned subscriber installed as the thread's default while the
//! run lasts (see `kit::logging_capture`), never a global one.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/08_logging/01_log_events.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/08_logging/01_log_events.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::logging_capture::{Capture, Event, Value, listing};
use kit::prelude::*;
use tracing::Level;

fn main() {
    grade(&[
        test(
            "emits_tracing_events",
            "fetch emits tracing events instead of printing",
            emits,
        ),
        test(
            "message_and_fields",
            "a fixed message, with url and ms as typed fields",
            fields,
        ),
        test(
            "level_follows_delay",
            "fetched is WARN when slower than SLOW, else INFO",
            levels,
        ),
        test(
            "logged_when_it_happens",
            "each event at its virtual instant, fetches concurrent",
            timing,
        ),
    ]);
}

const NAMES: [&str; 8] = [
    "index", "report", "avatar", "notes", "backup", "video", "song", "map",
];

/// A url no learner can hard-code.
fn url(rng: &mut Seeded) -> String {
    let name = NAMES[rng.between(0, NAMES.len() as u64 - 1) as usize];
    format!("https://example.org/{name}-{}.txt", rng.between(10, 99))
}

/// A fetch quick enough to be logged at INFO.
fn fast(rng: &mut Seeded) -> Duration {
    Duration::from_millis(rng.between(100, 900))
}

/// Runs fetch(url, delay) once under a capturing subscriber and returns what it logged.
fn capture_one(ctx: &mut Ctx, url: &str, delay: Duration) -> Result<Vec<Event>, Fail> {
    let url = url.to_owned();
    let run = ctx.paused(|| async move {
        let capture = Capture::new();
        capture.record(learner::fetch(&url, delay)).await;
        capture.events()
    })?;
    Ok(run.value)
}

/// Events at INFO or above: extra DEBUG/TRACE events are the learner's business.
fn visible(events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .filter(|e| e.level <= Level::INFO)
        .collect()
}

const NO_EVENTS: &str = "fetch recorded no tracing events at all. println! (and print!, \
    eprintln!) writes text straight to stdout: no subscriber sees it, nobody can filter it by \
    level or send it elsewhere, and it writes under a lock inside async code, holding the \
    runtime thread while the terminal or pipe catches up. Emit events instead: \
    tracing::info!(url, \"fetching\"). (And install no subscriber inside fetch: choosing one \
    is main's job, and the grader brings its own.)";

fn emits(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let (url, delay) = (url(&mut rng), fast(&mut rng));
    let events = capture_one(ctx, &url, delay)?;
    ensure!(!events.is_empty(), "{NO_EVENTS}");
    Ok(())
}

/// The event with this message, or a failure explaining what was logged instead.
fn find<'a>(events: &'a [Event], message: &str, url: &str) -> Result<&'a Event, Fail> {
    if let Some(e) = events.iter().find(|e| e.message == message) {
        return Ok(e);
    }
    if events.is_empty() {
        return Err(Fail::new(NO_EVENTS));
    }
    if let Some(e) = events.iter().find(|e| e.message.contains(url)) {
        return Err(Fail::new(format!(
            "no event has the message \"{message}\": the url is baked into the message text \
             {:?}. With tracing the message stays a fixed text and the data travels as fields, \
             which a subscriber can filter on, index or write as JSON: \
             tracing::info!(url, \"{message}\").",
            e.message
        ))
        .with_picture(listing("what fetch logged", events)));
    }
    Err(Fail::new(format!(
        "expected an event with the message \"{message}\" (exactly that text), but none was \
         logged. The message is the last argument of the macro: tracing::info!(url, \"{message}\")."
    ))
    .with_picture(listing("what fetch logged", events)))
}

fn check_url(e: &Event, url: &str) -> Check {
    match e.field("url") {
        Some(v) if v.reads_as(url) => Ok(()),
        Some(v) => fail!(
            "the \"{}\" event's url field is {v}, but fetch was given {url}. Pass the url you were \
             given: tracing::info!(url, \"{}\").",
            e.message,
            e.message
        ),
        None => fail!(
            "the \"{}\" event has no url field (its fields: {}). A bare name in the macro \
             records a field of that name: tracing::info!(url, \"{}\") gives url={url}.",
            e.message,
            field_names(e),
            e.message
        ),
    }
}

fn field_names(e: &Event) -> String {
    if e.fields.is_empty() {
        return "none".to_owned();
    }
    let names: Vec<&str> = e.fields.iter().map(|(n, _)| n.as_str()).collect();
    names.join(", ")
}

fn check_ms(e: &Event, delay: Duration) -> Check {
    let want = delay.as_millis() as i128;
    match e.field("ms") {
        Some(Value::Int(n)) if *n == want => Ok(()),
        Some(Value::Int(n)) => fail!(
            "the \"fetched\" event says ms={n}, but the delay was {} ms. Log the delay in whole \
             milliseconds: ms = delay.as_millis() as u64.",
            want
        ),
        Some(v) => fail!(
            "the \"fetched\" event's ms field was recorded as text ({v}), not as a number: a % or \
             ? in front of a value formats it into a string first. Fields keep their type, so a \
             subscriber can compare or sum them; give the number itself: \
             ms = delay.as_millis() as u64."
        ),
        None => fail!(
            "the \"fetched\" event has no ms field (its fields: {}). Add it: \
             tracing::info!(url, ms = delay.as_millis() as u64, \"fetched\").",
            field_names(e)
        ),
    }
}

fn fields(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let (url, delay) = (url(&mut rng), fast(&mut rng));
    let events = visible(capture_one(ctx, &url, delay)?);
    let fetching = find(&events, "fetching", &url)?;
    check_url(fetching, &url)?;
    let fetched = find(&events, "fetched", &url)?;
    check_url(fetched, &url)?;
    check_ms(fetched, delay)?;
    if events.len() != 2 {
        return Err(Fail::new(format!(
            "fetch should emit exactly two events (fetching, fetched) at INFO or above, but it \
             emitted {}. Log once before the sleep and once after.",
            events.len()
        ))
        .with_picture(listing("what fetch logged", &events)));
    }
    ensure!(
        events[0].message == "fetching",
        "the events came in the wrong order: \"{}\" first. Log \"fetching\" before the sleep and \
         \"fetched\" after it.",
        events[0].message
    );
    Ok(())
}

fn levels(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let slow_delay = Duration::from_millis(rng.between(1100, 3000));
    for delay in [fast(&mut rng), slow_delay] {
        let url = url(&mut rng);
        let events = capture_one(ctx, &url, delay)?;
        let fetching = find(&events, "fetching", &url)?;
        ensure!(
            fetching.level == Level::INFO,
            "the \"fetching\" event was logged at {}; it should be INFO, the level of ordinary \
             progress: tracing::info!(url, \"fetching\").",
            fetching.level
        );
        let fetched = find(&events, "fetched", &url)?;
        let (want, why) = if delay > learner::SLOW {
            (
                Level::WARN,
                format!("longer than SLOW ({})", ms(learner::SLOW)),
            )
        } else {
            (Level::INFO, format!("within SLOW ({})", ms(learner::SLOW)))
        };
        ensure!(
            fetched.level == want,
            "a fetch of {} is {why}, so its \"fetched\" event should be {want}, but it was {}. \
             Pick the macro by comparing the delay with SLOW: tracing::warn!(..) when \
             delay > SLOW, tracing::info!(..) otherwise.",
            ms(delay),
            fetched.level
        );
    }
    Ok(())
}

fn timing(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(3, 5) as usize;
    let delays = rng.distinct_durations(n, 200, 2500);
    let urls: Vec<String> = (0..n)
        .map(|i| format!("{}?part={i}", url(&mut rng)))
        .collect();
    let jobs: Vec<(String, Duration)> = urls.iter().cloned().zip(delays.iter().copied()).collect();
    let run = ctx.paused(|| async move {
        let capture = Capture::new();
        capture
            .record(async {
                let handles: Vec<_> = jobs
                    .into_iter()
                    .map(|(url, d)| tokio::spawn(async move { learner::fetch(&url, d).await }))
                    .collect();
                for h in handles {
                    h.await.expect("fetch panicked");
                }
            })
            .await;
        capture.events()
    })?;
    let events = visible(run.value);
    for (url, delay) in urls.iter().zip(&delays) {
        let mine: Vec<Event> = events
            .iter()
            .filter(|e| e.field("url").is_some_and(|v| v.reads_as(url)))
            .cloned()
            .collect();
        let picture = listing(&format!("what the {} fetches logged", n), &events);
        if mine.is_empty() && !events.is_empty() {
            return Err(Fail::new(format!(
                "{n} fetches ran at once, and no event carried the field url={url}, so nobody \
                 reading the log can tell which fetch logged what. Give every event the url as \
                 a field: tracing::info!(url, \"fetching\")."
            ))
            .with_picture(picture));
        }
        let fetching = find(&mine, "fetching", url).map_err(|f| f.with_picture(picture.clone()))?;
        if !fetching.at.is_zero() {
            return Err(Fail::new(format!(
                "the \"fetching\" event for {url} came at {}; it should come at 0 ms, as soon \
                 as fetch starts, before the sleep.",
                ms(fetching.at)
            ))
            .with_picture(picture));
        }
        let fetched = find(&mine, "fetched", url).map_err(|f| f.with_picture(picture.clone()))?;
        if fetched.at != *delay {
            let fix = if fetched.at < *delay {
                "Log \"fetched\" after tokio::time::sleep(delay).await, not before it."
            } else {
                "Sleep once, for exactly the delay, with tokio::time::sleep(delay).await."
            };
            return Err(Fail::new(format!(
                "{n} fetches ran at once on the paused clock; the one for {url} sleeps {}, so its \
                 \"fetched\" event should come at {}, but it came at {}. {fix}",
                ms(*delay),
                ms(*delay),
                ms(fetched.at)
            ))
            .with_picture(picture));
        }
    }
    Ok(())
}
