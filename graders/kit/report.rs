//! The report file: how a grader tells the runner what it checked and what it found.
//!
//! One JSON object per line, each carrying the run's token (a fresh random string the runner
//! passes on the command line), so that text the learner's code prints can never be taken for a
//! verdict. The runner reads it back in `src/grading/report.rs`; the two must agree on:
//!
//! - `{"token":T,"kind":"plan","seed":N,"tests":[{"name":..,"what":..},..]}` first, before any
//!   learner code runs;
//! - `{"token":T,"kind":"test","name":..,"status":"pass"|"fail","message":..,"picture":..,
//!   "virtual_ns":N,"real_ns":N}` once per test, written as soon as the test ends;
//! - `{"token":T,"kind":"done"}` when every test has run.

use crate::harness::Fail;
use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Where lines go: the runner's report file, or stdout when a person runs the grader by hand.
struct Sink {
    file: Option<File>,
    token: String,
    current: &'static str,
}

static SINK: Mutex<Option<Sink>> = Mutex::new(None);

/// One line of the report.
pub(crate) enum Line<'a> {
    Plan {
        seed: u64,
        tests: Vec<(&'a str, &'a str)>,
    },
    Test {
        name: &'a str,
        result: &'a Result<(), Fail>,
        virtual_time: Duration,
        real_time: Duration,
    },
    Done,
}

pub(crate) fn open(path: Option<&str>, token: Option<String>) {
    let file = path.map(|p| {
        File::options()
            .create(true)
            .append(true)
            .open(p)
            .unwrap_or_else(|e| panic!("failed to open the report file {p}: {e}"))
    });
    let sink = Sink {
        file,
        token: token.unwrap_or_default(),
        current: "",
    };
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
}

pub(crate) fn set_current(name: &'static str) {
    if let Some(sink) = SINK.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        sink.current = name;
    }
}

/// Writes one line, whole, at once; a person running the grader by hand gets plain text.
pub(crate) fn emit(line: &Line<'_>) {
    let mut guard = SINK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(sink) = guard.as_mut() else { return };
    match sink.file.as_mut() {
        Some(file) => {
            let mut text = json_line(&sink.token, line);
            text.push('\n');
            // If the report cannot be written the runner sees a missing result, which it
            // reports; there is nobody else to tell.
            let _ = file.write_all(text.as_bytes());
        }
        None => print_for_humans(line),
    }
}

/// Ends the program from a watchdog thread: the current test fails with `fail`, the rest do
/// not run. Used when learner code holds the runtime thread and will not give it back.
pub(crate) fn fail_current_and_exit(fail: Fail, virtual_time: Duration, real_time: Duration) -> ! {
    let name = SINK
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|s| s.current)
        .unwrap_or("");
    emit(&Line::Test {
        name,
        result: &Err(fail),
        virtual_time,
        real_time,
    });
    std::process::exit(1);
}

fn print_for_humans(line: &Line<'_>) {
    match line {
        Line::Plan { seed, tests } => println!("grading {} test(s) with seed {seed}", tests.len()),
        Line::Test {
            name,
            result: Ok(()),
            virtual_time,
            ..
        } => {
            println!("pass  {name}  ({} virtual)", crate::fmt::ms(*virtual_time));
        }
        Line::Test {
            name,
            result: Err(fail),
            ..
        } => {
            println!("FAIL  {name}\n      {}", fail.message);
            if let Some(picture) = &fail.picture {
                println!("{picture}");
            }
        }
        Line::Done => println!("done"),
    }
}

fn json_line(token: &str, line: &Line<'_>) -> String {
    let head = format!("{{\"token\":{}", quote(token));
    match line {
        Line::Plan { seed, tests } => {
            let tests: Vec<String> = tests
                .iter()
                .map(|(name, what)| {
                    format!("{{\"name\":{},\"what\":{}}}", quote(name), quote(what))
                })
                .collect();
            format!(
                "{head},\"kind\":\"plan\",\"seed\":{seed},\"tests\":[{}]}}",
                tests.join(",")
            )
        }
        Line::Test {
            name,
            result,
            virtual_time,
            real_time,
        } => {
            let (status, message, picture) = match result {
                Ok(()) => ("pass", String::new(), None),
                Err(f) => ("fail", f.message.clone(), f.picture.clone()),
            };
            let picture = picture.map_or_else(|| "null".to_owned(), |p| quote(&p));
            format!(
                "{head},\"kind\":\"test\",\"name\":{},\"status\":\"{status}\",\"message\":{},\
                 \"picture\":{picture},\"virtual_ns\":{},\"real_ns\":{}}}",
                quote(name),
                quote(&message),
                virtual_time.as_nanos(),
                real_time.as_nanos()
            )
        }
        Line::Done => format!("{head},\"kind\":\"done\"}}"),
    }
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_control_characters_and_quotes() {
        assert_eq!(quote("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    #[test]
    fn a_failed_test_line_carries_token_message_and_times() {
        let fail = Err(Fail::new("boom"));
        let line = Line::Test {
            name: "t",
            result: &fail,
            virtual_time: Duration::from_millis(5),
            real_time: Duration::from_nanos(7),
        };
        assert_eq!(
            json_line("tok", &line),
            "{\"token\":\"tok\",\"kind\":\"test\",\"name\":\"t\",\"status\":\"fail\",\
             \"message\":\"boom\",\"picture\":null,\"virtual_ns\":5000000,\"real_ns\":7}"
        );
    }
}
