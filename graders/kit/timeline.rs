//! The picture a concurrency failure comes with: each observed task as a row on the runtime's
//! clock, so "one after another" and "all at once" can be told apart at a glance.

use crate::fmt::ms;
use crate::observe::TaskLife;
use std::time::Duration;
use tokio::time::Instant;

const WIDTH: usize = 48;
const MAX_ROWS: usize = 12;

/// One spawned task's life, as offsets from the start of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where the task was spawned (`file:line`).
    pub spawned_at: String,
    /// When it was spawned, from the start of the run.
    pub start: Duration,
    /// When it ended, or `None` if it was still alive when the run ended.
    pub end: Option<Duration>,
}

/// The tasks of one run, in spawn order, observed by the runtime's task hooks.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Rows in spawn order.
    pub rows: Vec<Row>,
    /// How long the run lasted on its clock.
    pub span: Duration,
    /// False when this build cannot observe tasks (no `tokio_unstable`): rows are then empty.
    pub observed: bool,
}

impl Timeline {
    pub(crate) fn from_observed(
        start: Instant,
        end: Instant,
        tasks: &[(u64, TaskLife)],
        observed: bool,
    ) -> Timeline {
        let offset = |t: Instant| t.saturating_duration_since(start);
        let rows = tasks
            .iter()
            .map(|(_, life)| Row {
                spawned_at: life.spawned_at.clone(),
                start: offset(life.start),
                end: life.end.map(offset),
            })
            .collect();
        Timeline {
            rows,
            span: end.saturating_duration_since(start),
            observed,
        }
    }

    /// The most rows alive at the same instant.
    pub fn max_overlap(&self) -> usize {
        let mut edges: Vec<(Duration, i32)> = Vec::new();
        for r in &self.rows {
            edges.push((r.start, 1));
            edges.push((r.end.unwrap_or(self.span), -1));
        }
        // Ends sort before starts at the same instant: back-to-back is not overlapping.
        edges.sort_by_key(|&(t, d)| (t, d));
        let (mut now, mut best) = (0i32, 0i32);
        for (_, d) in edges {
            now += d;
            best = best.max(now);
        }
        best as usize
    }

    /// Draws the rows in the terminal; empty when nothing was observed.
    pub fn draw(&self) -> String {
        if !self.observed || self.rows.is_empty() {
            return String::new();
        }
        let total = self
            .rows
            .iter()
            .filter_map(|r| r.end)
            .fold(self.span, Duration::max);
        let col = |t: Duration| -> usize {
            if total.is_zero() {
                0
            } else {
                ((t.as_secs_f64() / total.as_secs_f64()) * WIDTH as f64).round() as usize
            }
        };
        let mut out = format!(
            "what the runtime saw, {} of clock time (█ = task alive):\n",
            ms(total)
        );
        for (i, r) in self.rows.iter().take(MAX_ROWS).enumerate() {
            let (a, b) = (
                col(r.start).min(WIDTH),
                col(r.end.unwrap_or(total)).min(WIDTH),
            );
            let b = b.max(a + 1).min(WIDTH.max(a + 1));
            let bar: String = (0..WIDTH.max(b))
                .map(|c| if c >= a && c < b { '█' } else { '·' })
                .collect();
            let end = r.end.map_or_else(|| "still running".to_owned(), ms);
            out.push_str(&format!(
                "  task {:>2} |{bar}| {} → {end}\n",
                i + 1,
                ms(r.start)
            ));
        }
        if self.rows.len() > MAX_ROWS {
            out.push_str(&format!(
                "  … and {} more task(s)\n",
                self.rows.len() - MAX_ROWS
            ));
        }
        let mut places: Vec<&str> = self.rows.iter().map(|r| r.spawned_at.as_str()).collect();
        places.dedup();
        if places.len() == 1 {
            out.push_str(&format!("  (every task spawned at {})\n", places[0]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(start: u64, end: Option<u64>) -> Row {
        Row {
            spawned_at: "x.rs:1".into(),
            start: Duration::from_millis(start),
            end: end.map(Duration::from_millis),
        }
    }

    fn timeline(rows: Vec<Row>, span: u64) -> Timeline {
        Timeline {
            rows,
            span: Duration::from_millis(span),
            observed: true,
        }
    }

    #[test]
    fn back_to_back_tasks_do_not_overlap() {
        let t = timeline(
            vec![row(0, Some(10)), row(10, Some(20)), row(20, Some(30))],
            30,
        );
        assert_eq!(t.max_overlap(), 1);
    }

    #[test]
    fn concurrent_tasks_overlap_and_draw_one_row_each() {
        let t = timeline(vec![row(0, Some(30)), row(0, Some(10)), row(0, None)], 30);
        assert_eq!(t.max_overlap(), 3);
        let picture = t.draw();
        assert_eq!(
            picture.lines().filter(|l| l.starts_with("  task")).count(),
            3,
            "{picture}"
        );
        assert!(picture.contains("still running"), "{picture}");
    }
}
