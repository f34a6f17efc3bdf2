//! Spans of work the grader hands to learner code (the sync track): when each piece of work
//! first ran and when it ended, on the runtime's clock, so a grader can count how many ran at
//! once, check that some started together, and draw one row per lane.
//!
//! Make a [`Spans`] inside the runtime under test (its clock starts there), wrap each job the
//! learner's code will await with [`Spans::wrap`] or [`Spans::work`], and read the record back
//! with [`Spans::list`] after the run.

use crate::fmt::ms;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

const WIDTH: usize = 48;
const MAX_ROWS: usize = 16;

/// One piece of work as it ran: from its first poll to its completion (or its drop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The row it belongs to (a job, a worker, a reader...).
    pub lane: usize,
    /// The character it is drawn with.
    pub mark: char,
    /// When it was first polled, from the origin.
    pub start: Duration,
    /// When it finished or was dropped, from the origin; `None` while it still runs.
    pub end: Option<Duration>,
    /// True when the future was dropped before it finished.
    pub cancelled: bool,
}

impl Span {
    /// The end, or `at` for a span still running.
    pub fn end_or(&self, at: Duration) -> Duration {
        self.end.unwrap_or(at)
    }
}

struct Inner {
    origin: Instant,
    spans: Vec<Span>,
}

/// A shared record of spans; clones record into the same list.
#[derive(Clone)]
pub struct Spans {
    inner: Arc<Mutex<Inner>>,
}

impl Default for Spans {
    fn default() -> Self {
        Spans::new()
    }
}

impl Spans {
    /// An empty record whose times count from now (call it inside the runtime under test).
    pub fn new() -> Spans {
        let inner = Inner {
            origin: Instant::now(),
            spans: Vec::new(),
        };
        Spans {
            inner: Arc::new(Mutex::new(inner)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Time on the runtime's clock since the record was made.
    pub fn now(&self) -> Duration {
        self.lock().origin.elapsed()
    }

    /// Wraps `fut` so that its first poll opens a span in `lane` and its completion (or drop)
    /// closes it. A future dropped before its first poll leaves no span.
    pub fn wrap<F>(
        &self,
        lane: usize,
        mark: char,
        fut: F,
    ) -> impl Future<Output = F::Output> + Send + 'static
    where
        F: Future + Send + 'static,
    {
        let spans = self.clone();
        async move {
            let open = Open::begin(spans, lane, mark);
            let out = fut.await;
            open.finish();
            out
        }
    }

    /// A job that sleeps `work` on the runtime's clock from its first poll, recorded as a span.
    pub fn work(
        &self,
        lane: usize,
        mark: char,
        work: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        // `sleep` fixes its deadline when it is created: create it at the first poll.
        self.wrap(lane, mark, async move { tokio::time::sleep(work).await })
    }

    /// Every span so far, in the order they started.
    pub fn list(&self) -> Vec<Span> {
        self.lock().spans.clone()
    }

    /// Spans with `mark`, in the order they started.
    pub fn marked(&self, mark: char) -> Vec<Span> {
        self.list().into_iter().filter(|s| s.mark == mark).collect()
    }

    /// Draws one row per lane, `name(lane)` on the left; empty when nothing ran.
    pub fn draw(&self, title: &str, name: impl Fn(usize) -> String) -> String {
        draw(&self.list(), title, name)
    }
}

/// The most spans running at the same instant (one ending when another starts do not overlap).
pub fn max_overlap(spans: &[Span]) -> usize {
    let at_end = spans.iter().filter_map(|s| s.end).max().unwrap_or_default();
    let mut edges: Vec<(Duration, i32)> = Vec::new();
    for s in spans {
        edges.push((s.start, 1));
        edges.push((s.end_or(at_end), -1));
    }
    edges.sort_by_key(|&(t, d)| (t, d));
    let (mut now, mut best) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        best = best.max(now);
    }
    best as usize
}

/// How many spans are running just after `t` (started at or before `t`, ending after it).
pub fn running_after(spans: &[Span], t: Duration) -> usize {
    spans
        .iter()
        .filter(|s| s.start <= t && s.end.is_none_or(|e| e > t))
        .count()
}

/// Every instant at which some span started or ended, sorted, without repeats.
pub fn event_times(spans: &[Span]) -> Vec<Duration> {
    let mut times: Vec<Duration> = spans
        .iter()
        .flat_map(|s| [Some(s.start), s.end])
        .flatten()
        .collect();
    times.sort();
    times.dedup();
    times
}

/// Draws spans, one row per lane in lane order; see [`Spans::draw`].
pub fn draw(spans: &[Span], title: &str, name: impl Fn(usize) -> String) -> String {
    Drawing::new(title).draw(spans, name)
}

/// How to draw spans: the title, the order of the rows, and an instant to point at.
pub struct Drawing {
    title: String,
    by_start: bool,
    marker: Option<(Duration, String)>,
}

impl Drawing {
    /// Rows in lane order, no marker.
    pub fn new(title: &str) -> Drawing {
        Drawing {
            title: title.to_owned(),
            by_start: false,
            marker: None,
        }
    }

    /// Orders the rows by when each lane first started.
    pub fn by_start(mut self) -> Drawing {
        self.by_start = true;
        self
    }

    /// Adds a last row with a `^` under instant `at`, labelled `label`.
    pub fn marker(mut self, at: Duration, label: &str) -> Drawing {
        self.marker = Some((at, label.to_owned()));
        self
    }

    /// The picture; empty when nothing ran.
    pub fn draw(&self, spans: &[Span], name: impl Fn(usize) -> String) -> String {
        if spans.is_empty() {
            return String::new();
        }
        let ends = spans.iter().map(|s| s.end.unwrap_or(s.start));
        let total = ends
            .chain(self.marker.iter().map(|m| m.0))
            .max()
            .unwrap_or_default();
        let col = |t: Duration| -> usize {
            if total.is_zero() {
                0
            } else {
                ((t.as_secs_f64() / total.as_secs_f64()) * WIDTH as f64).round() as usize
            }
        };
        let first_start = |lane: usize| {
            spans
                .iter()
                .filter(|s| s.lane == lane)
                .map(|s| s.start)
                .min()
                .unwrap_or_default()
        };
        let mut lanes: Vec<usize> = spans.iter().map(|s| s.lane).collect();
        lanes.sort_unstable();
        lanes.dedup();
        if self.by_start {
            lanes.sort_by_key(|&l| (first_start(l), l));
        }
        let names: Vec<String> = lanes.iter().map(|&l| name(l)).collect();
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let mut out = format!("{}, 0 → {}:\n", self.title, ms(total));
        for (&lane, label) in lanes.iter().zip(&names).take(MAX_ROWS) {
            let mut row = vec!['·'; WIDTH];
            let mine: Vec<&Span> = spans.iter().filter(|s| s.lane == lane).collect();
            for s in &mine {
                let a = col(s.start).min(WIDTH - 1);
                let b = col(s.end.unwrap_or(total)).clamp(a + 1, WIDTH);
                row[a..b].iter_mut().for_each(|c| *c = s.mark);
            }
            let bar: String = row.into_iter().collect();
            let end = if mine.iter().any(|s| s.end.is_none()) {
                "still running".to_owned()
            } else {
                ms(mine.iter().filter_map(|s| s.end).max().unwrap_or_default())
            };
            let start = ms(first_start(lane));
            out.push_str(&format!("  {label:<width$} |{bar}| {start} → {end}\n"));
        }
        if lanes.len() > MAX_ROWS {
            out.push_str(&format!("  … and {} more row(s)\n", lanes.len() - MAX_ROWS));
        }
        if let Some((at, label)) = &self.marker {
            let c = col(*at).min(WIDTH - 1);
            let row: String = (0..WIDTH).map(|i| if i == c { '^' } else { ' ' }).collect();
            out.push_str(&format!(
                "  {:<width$}  {row}  {label} at {}\n",
                "",
                ms(*at)
            ));
        }
        out
    }
}

/// A span that has started; closes itself when dropped unfinished.
struct Open {
    spans: Spans,
    index: usize,
    done: bool,
}

impl Open {
    fn begin(spans: Spans, lane: usize, mark: char) -> Open {
        let index = {
            let mut inner = spans.lock();
            let start = inner.origin.elapsed();
            inner.spans.push(Span {
                lane,
                mark,
                start,
                end: None,
                cancelled: false,
            });
            inner.spans.len() - 1
        };
        Open {
            spans,
            index,
            done: false,
        }
    }

    fn finish(mut self) {
        self.close(false);
        self.done = true;
    }

    fn close(&self, cancelled: bool) {
        let mut inner = self.spans.lock();
        let end = inner.origin.elapsed();
        let span = &mut inner.spans[self.index];
        span.end = Some(end);
        span.cancelled = cancelled;
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        if !self.done {
            self.close(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: usize, start: u64, end: Option<u64>) -> Span {
        Span {
            lane,
            mark: '#',
            start: Duration::from_millis(start),
            end: end.map(Duration::from_millis),
            cancelled: false,
        }
    }

    #[test]
    fn back_to_back_spans_do_not_overlap() {
        let spans = [
            span(0, 0, Some(10)),
            span(1, 10, Some(20)),
            span(2, 5, Some(10)),
        ];
        assert_eq!(max_overlap(&spans), 2);
        assert_eq!(running_after(&spans, Duration::from_millis(10)), 1);
        assert_eq!(event_times(&spans).len(), 4);
    }

    #[test]
    fn draws_one_row_per_lane() {
        let spans = [
            span(0, 0, Some(10)),
            span(0, 10, Some(20)),
            span(1, 0, None),
        ];
        let picture = draw(&spans, "jobs", |l| format!("job {l}"));
        assert_eq!(picture.lines().count(), 3, "{picture}");
        assert!(picture.contains("still running"), "{picture}");
        let marked = Drawing::new("jobs")
            .by_start()
            .marker(Duration::from_millis(5), "stop");
        let picture = marked.draw(&[span(3, 5, Some(9)), span(1, 0, Some(4))], |l| {
            format!("job {l}")
        });
        let rows: Vec<&str> = picture.lines().collect();
        assert!(
            rows[1].contains("job 1") && rows[2].contains("job 3"),
            "{picture}"
        );
        assert!(
            rows[3].contains('^') && rows[3].contains("stop at 5 ms"),
            "{picture}"
        );
    }

    #[test]
    fn records_first_poll_and_drop() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build();
        let rt = rt.expect("a runtime");
        let spans = rt.block_on(async {
            let spans = Spans::new();
            let done = spans.work(0, 'a', Duration::from_millis(30));
            let dropped = spans.work(1, 'b', Duration::from_millis(50));
            tokio::time::sleep(Duration::from_millis(5)).await;
            let _ = tokio::time::timeout(Duration::from_millis(10), dropped).await;
            done.await;
            spans.list()
        });
        assert_eq!(
            spans[0],
            Span {
                lane: 1,
                mark: 'b',
                start: ms_(5),
                end: Some(ms_(15)),
                cancelled: true
            }
        );
        assert_eq!(
            spans[1],
            Span {
                lane: 0,
                mark: 'a',
                start: ms_(15),
                end: Some(ms_(45)),
                cancelled: false
            }
        );
    }

    fn ms_(n: u64) -> Duration {
        Duration::from_millis(n)
    }
}
