//! Watch mode as a learner uses it: save a fix, and the verdict changes without pressing
//! anything. Driven without a terminal (no keys); the timeout only bounds a broken run, nothing
//! is asserted about speed.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn wait_for(rx: &mpsc::Receiver<String>, seen: &mut String, needle: &str) {
    while !seen.contains(needle) {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(chunk) => seen.push_str(&chunk),
            Err(_) => panic!("watch never printed {needle:?}; it printed:\n{seen}"),
        }
    }
}

fn watch_picks_up_a_save(fixture: &str, extra: &[&str]) {
    let course = common::Fixture::basics(fixture);
    let mut child = Command::new(env!("CARGO_BIN_EXE_asynclings"))
        .arg("watch")
        .args(extra)
        .args(["--color", "never"])
        .current_dir(&course.root)
        .env("CARGO_TARGET_DIR", common::repo().join("target"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0
                || tx
                    .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .is_err()
            {
                break;
            }
        }
    });
    let mut seen = String::new();
    wait_for(&rx, &mut seen, "Watching 01_hello.rs");
    assert!(seen.contains("hello does not compile yet"), "{seen}");
    // Save the way many editors do: write a temporary file, rename it over the original.
    let target = course.path("exercises/01_basics/01_hello.rs");
    let temp = course.path("exercises/01_basics/.01_hello.rs.swp");
    std::fs::copy(
        common::repo().join("solutions/01_basics/01_hello.rs"),
        &temp,
    )
    .unwrap();
    std::fs::rename(&temp, &target).unwrap();
    wait_for(&rx, &mut seen, "Watching 02_async_await.rs");
    assert!(
        seen.contains("✓ 01_hello.rs passes. On to the next step!"),
        "{seen}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_save_is_graded_and_the_course_moves_on() {
    watch_picks_up_a_save("watch", &[]);
}

#[test]
fn polling_catches_saves_where_file_events_do_not_arrive() {
    watch_picks_up_a_save("watch_poll", &["--poll"]);
}
