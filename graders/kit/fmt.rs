//! Durations and lists written the way a learner reads them.

use std::time::Duration;

/// `1.5 s`, `250 ms`, `0 ms`, `120 µs`: whole milliseconds where the clock is virtual.
pub fn ms(d: Duration) -> String {
    let micros = d.as_micros();
    if micros == 0 {
        "0 ms".to_owned()
    } else if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 10_000_000 && micros.is_multiple_of(1_000) {
        format!("{} ms", micros / 1_000)
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1_000.0)
    } else {
        let secs = d.as_secs_f64();
        if (secs - secs.round()).abs() < 1e-9 {
            format!("{secs:.0} s")
        } else {
            format!("{} s", format!("{secs:.3}").trim_end_matches('0'))
        }
    }
}

/// A source path as the learner knows it: `graders/x/../../exercises/a.rs` becomes
/// `exercises/a.rs`.
pub fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            "." | "" if !parts.is_empty() => {}
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// `[1200 ms, 300 ms, 2 s]`.
pub fn show_durations(ds: &[Duration]) -> String {
    let parts: Vec<String> = ds.iter().copied().map(ms).collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_their_detours() {
        assert_eq!(
            clean_path("graders/b/../../exercises/b/x.rs"),
            "exercises/b/x.rs"
        );
        assert_eq!(clean_path("/abs/./a/../b.rs"), "/abs/b.rs");
    }

    #[test]
    fn reads_well() {
        assert_eq!(ms(Duration::ZERO), "0 ms");
        assert_eq!(ms(Duration::from_micros(120)), "120 µs");
        assert_eq!(ms(Duration::from_millis(250)), "250 ms");
        assert_eq!(ms(Duration::from_millis(1500)), "1500 ms");
        assert_eq!(ms(Duration::from_secs(15)), "15 s");
        assert_eq!(ms(Duration::from_millis(15_250)), "15.25 s");
        assert_eq!(ms(Duration::from_micros(1_500)), "1.5 ms");
    }
}
