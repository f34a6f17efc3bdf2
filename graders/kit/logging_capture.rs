//! Recording `tracing` events in memory, stamped with the runtime's clock, for the logging track.
//!
//! A [`Capture`] is made inside the run under test (so its clock starts at the run's virtual
//! 0 ms). [`Capture::record`] installs it as the thread's default subscriber, never a global one,
//! while a future runs: on the grader's current-thread runtime every task polls on that thread,
//! so events from spawned tasks are recorded too. Each [`Event`] keeps its level, message,
//! fields, the spans it was inside (with their fields) and the virtual instant it happened, so a
//! grader can compare a whole log exactly and say which span each line was attributed to.

use std::fmt::{self, Debug, Display};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};

/// A recorded field value, kept with its type: `ms = 1200` and `ms = %1200` are not the same.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Any integer (`i64`, `u64`, `i128`, `u128`).
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string slice given directly (`url`, `url = url`).
    Text(String),
    /// A value given with `%` or `?`, as the subscriber saw its formatted text.
    Formatted(String),
}

impl Value {
    /// The integer, if the value was recorded as one.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether the value reads as `text`: the string itself, or its `?`-quoted form.
    pub fn reads_as(&self, text: &str) -> bool {
        let shown = self.to_string();
        shown == text || shown == format!("{text:?}")
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) | Value::Formatted(s) => f.write_str(s),
        }
    }
}

/// Named fields in the order they were recorded.
pub type Fields = Vec<(String, Value)>;

fn find<'a>(fields: &'a Fields, name: &str) -> Option<&'a Value> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn show_fields(fields: &Fields) -> String {
    let parts: Vec<String> = fields.iter().map(|(n, v)| format!("{n}={v}")).collect();
    parts.join(" ")
}

/// A span as the capture saw it: its name and fields, and its place in creation order.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanInfo {
    /// 0 for the first span created during the capture, 1 for the next, ...; unlike tracing's
    /// span ids, never reused.
    pub seq: u64,
    /// The span's name (`job` in `info_span!("job", id = 3)`).
    pub name: String,
    /// Its fields, including ones recorded later with `Span::record`.
    pub fields: Fields,
}

impl SpanInfo {
    /// A field of the span by name.
    pub fn field(&self, name: &str) -> Option<&Value> {
        find(&self.fields, name)
    }

    /// `job{id=3}`, the way tracing-subscriber's fmt layer writes a span.
    pub fn describe(&self) -> String {
        format!("{}{{{}}}", self.name, show_fields(&self.fields))
    }
}

/// One event as the capture saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened, on the runtime's clock, from the moment the capture was made.
    pub at: Duration,
    /// Its level.
    pub level: Level,
    /// Its target (by default the module path of the code that logged it).
    pub target: String,
    /// The message text (the `message` field), empty if the event has none.
    pub message: String,
    /// Its other fields.
    pub fields: Fields,
    /// The spans it was inside, outermost first.
    pub spans: Vec<SpanInfo>,
    /// The tokio task that emitted it, `None` outside any task (the future under test itself).
    pub task: Option<tokio::task::Id>,
}

impl Event {
    /// A field of the event by name.
    pub fn field(&self, name: &str) -> Option<&Value> {
        find(&self.fields, name)
    }

    /// The innermost span the event was inside.
    pub fn leaf(&self) -> Option<&SpanInfo> {
        self.spans.last()
    }

    /// The innermost span of this name the event was inside.
    pub fn innermost(&self, name: &str) -> Option<&SpanInfo> {
        self.spans.iter().rev().find(|s| s.name == name)
    }

    /// The spans, outermost first, as `job{id=1}:download{}`, or `(no span)`.
    pub fn span_path(&self) -> String {
        if self.spans.is_empty() {
            return "(no span)".to_owned();
        }
        let parts: Vec<String> = self.spans.iter().map(SpanInfo::describe).collect();
        parts.join(":")
    }

    /// `1200 ms  WARN job{id=3}: fetched url=a.txt ms=1200`.
    pub fn describe(&self) -> String {
        let mut line = format!("{:>8} {:>5} ", crate::fmt::ms(self.at), self.level);
        if !self.spans.is_empty() {
            line.push_str(&self.span_path());
            line.push_str(": ");
        }
        line.push_str(&format!("{:?}", self.message));
        if !self.fields.is_empty() {
            line.push(' ');
            line.push_str(&show_fields(&self.fields));
        }
        line
    }
}

/// A listing of events, one per line, for a failure's picture.
pub fn listing(title: &str, events: &[Event]) -> String {
    let mut out = format!("{title}:\n");
    if events.is_empty() {
        out.push_str("  (no events)\n");
    }
    for e in events {
        out.push_str("  ");
        out.push_str(&e.describe());
        out.push('\n');
    }
    out
}

#[derive(Default)]
struct Log {
    events: Vec<Event>,
    next_seq: u64,
}

/// An in-memory log of tracing events; clones share it.
#[derive(Clone)]
pub struct Capture {
    log: Arc<Mutex<Log>>,
    origin: Instant,
}

impl Capture {
    /// An empty capture whose clock starts now: make it inside the run under test.
    pub fn new() -> Capture {
        Capture {
            log: Arc::default(),
            origin: Instant::now(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Time on the runtime's clock since the capture was made.
    pub fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.origin)
    }

    /// The layer that records into this capture, to stack with others on a `Registry`.
    pub fn layer(&self) -> CaptureLayer {
        CaptureLayer {
            capture: self.clone(),
        }
    }

    /// Every event recorded so far, in the order they happened.
    pub fn events(&self) -> Vec<Event> {
        self.lock().events.clone()
    }

    /// Runs `fut` with a subscriber made of this capture alone as the thread's default.
    pub async fn record<F: Future>(&self, fut: F) -> F::Output {
        let subscriber = Registry::default().with(self.layer());
        let _default = tracing::subscriber::set_default(subscriber);
        fut.await
    }
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

/// The [`Layer`] half of a [`Capture`].
pub struct CaptureLayer {
    capture: Capture,
}

/// Collects field values with their types; the `message` field is kept apart.
#[derive(Default)]
struct Collect {
    message: Option<String>,
    fields: Fields,
}

impl Collect {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(value.to_string());
        } else {
            self.fields.retain(|(n, _)| n != field.name());
            self.fields.push((field.name().to_owned(), value));
        }
    }
}

impl Visit for Collect {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::Int(value.into()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::Int(value.into()));
    }
    fn record_i128(&mut self, field: &Field, value: i128) {
        self.put(field, Value::Int(value));
    }
    fn record_u128(&mut self, field: &Field, value: u128) {
        let v =
            i128::try_from(value).map_or_else(|_| Value::Formatted(value.to_string()), Value::Int);
        self.put(field, v);
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::Float(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::Text(value.to_owned()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.put(field, Value::Formatted(format!("{value:?}")));
    }
}

impl<S> Layer<S> for CaptureLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut collect = Collect::default();
        attrs.record(&mut collect);
        let seq = {
            let mut log = self.capture.lock();
            log.next_seq += 1;
            log.next_seq - 1
        };
        let info = SpanInfo {
            seq,
            name: attrs.metadata().name().to_owned(),
            fields: collect.fields,
        };
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(info);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut ext = span.extensions_mut();
        if let Some(info) = ext.get_mut::<SpanInfo>() {
            let mut collect = Collect {
                message: None,
                fields: std::mem::take(&mut info.fields),
            };
            values.record(&mut collect);
            info.fields = collect.fields;
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut collect = Collect::default();
        event.record(&mut collect);
        let spans = ctx
            .event_scope(event)
            .map(|scope| {
                scope
                    .from_root()
                    .filter_map(|s| s.extensions().get::<SpanInfo>().cloned())
                    .collect()
            })
            .unwrap_or_default();
        let meta = event.metadata();
        let recorded = Event {
            at: self.capture.now(),
            level: *meta.level(),
            target: meta.target().to_owned(),
            message: collect.message.unwrap_or_default(),
            fields: collect.fields,
            spans,
            task: tokio::task::try_id(),
        };
        self.capture.lock().events.push(recorded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paused_runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a runtime")
    }

    #[test]
    fn records_fields_spans_and_virtual_time() {
        let events = paused_runtime().block_on(async {
            let capture = Capture::new();
            capture
                .record(async {
                    let span = tracing::info_span!("job", id = 3u64);
                    let task = tokio::spawn(tracing::Instrument::instrument(
                        async {
                            tokio::time::sleep(Duration::from_millis(1200)).await;
                            tracing::warn!(url = "a.txt", ms = 1200u64, shown = %7, "fetched");
                        },
                        span,
                    ));
                    task.await.expect("no panic");
                    tracing::info!("after");
                })
                .await;
            capture.events()
        });
        assert_eq!(events.len(), 2);
        let e = &events[0];
        assert_eq!(e.at, Duration::from_millis(1200));
        assert_eq!(e.level, Level::WARN);
        assert_eq!(e.message, "fetched");
        assert_eq!(e.field("ms"), Some(&Value::Int(1200)));
        assert_eq!(e.field("shown"), Some(&Value::Formatted("7".into())));
        assert!(e.field("url").is_some_and(|v| v.reads_as("a.txt")));
        assert_eq!(
            e.leaf().map(SpanInfo::describe).as_deref(),
            Some("job{id=3}")
        );
        assert!(e.task.is_some());
        assert!(events[1].spans.is_empty() && events[1].task.is_none());
    }
}
