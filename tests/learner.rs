//! What a learner sees: `next`, `list`, `run`, `verify`, `hint`, `solution`, `reset`, driven
//! through the built binary against a copy of the basics track, snapshotted with insta.

mod common;

use common::{Fixture, settings};

#[test]
fn a_fresh_course_starts_at_hello_which_does_not_compile() {
    let course = Fixture::basics("fresh");
    let next = course.run(&["next", "--seed", "1"]);
    assert_eq!(next.code, 1, "{}", next.stderr);
    settings(&course).bind(|| insta::assert_snapshot!("next_fresh", next.stdout));

    let verify = course.run(&["verify", "--seed", "1"]);
    assert_eq!(verify.code, 1);
    assert!(
        verify.stdout.contains("Next up: hello"),
        "{}",
        verify.stdout
    );
    settings(&course).bind(|| insta::assert_snapshot!("verify_fresh", verify.stdout));

    let list = course.run(&["list"]);
    assert_eq!(list.code, 1);
    settings(&course).bind(|| insta::assert_snapshot!("list_fresh", list.stdout));
}

#[test]
fn gather_fails_as_a_stub_and_passes_once_solved() {
    let course = Fixture::basics("gather");
    let stub = course.run(&["run", "gather", "--seed", "3"]);
    assert_eq!(stub.code, 1, "{}", stub.stderr);
    settings(&course).bind(|| insta::assert_snapshot!("run_gather_stub", stub.stdout));

    course.solve("06_gather.rs");
    let solved = course.run(&["run", "gather", "--seed", "3"]);
    assert_eq!(solved.code, 0, "{}\n{}", solved.stdout, solved.stderr);
    settings(&course).bind(|| insta::assert_snapshot!("run_gather_solved", solved.stdout));

    let solution = course.run(&["solution", "gather"]);
    assert_eq!(solution.code, 0);
    assert!(
        solution.stdout.contains("for handle in handles"),
        "{}",
        solution.stdout
    );
}

#[test]
fn next_moves_on_as_steps_pass_and_list_shows_it() {
    let course = Fixture::basics("progress");
    for file in ["01_hello.rs", "02_async_await.rs"] {
        course.solve(file);
    }
    let next = course.run(&["next", "--seed", "2"]);
    assert_eq!(next.code, 1);
    settings(&course).bind(|| insta::assert_snapshot!("next_third_step", next.stdout));

    let list = course.run(&["list"]);
    settings(&course).bind(|| insta::assert_snapshot!("list_two_done", list.stdout));

    let hint = course.run(&["hint"]);
    assert_eq!(hint.code, 0);
    settings(&course).bind(|| insta::assert_snapshot!("hint_current", hint.stdout));
}

#[test]
fn a_damaged_progress_file_is_said_and_rebuilt() {
    let course = Fixture::basics("corrupt");
    course.solve("01_hello.rs");
    assert_eq!(course.run(&["run", "hello"]).code, 0);
    std::fs::write(
        course.path(".asynclings/progress.json"),
        "{ this is not json",
    )
    .unwrap();
    let list = course.run(&["list"]);
    assert!(list.stdout.contains("damaged"), "{}", list.stdout);
    assert!(course.path(".asynclings/progress.json.corrupt").exists());
    let next = course.run(&["next", "--seed", "1"]);
    assert!(
        next.stdout.starts_with("async_await"),
        "hello is graded again and passes:\n{}",
        next.stdout
    );
}

#[test]
fn reset_asks_keeps_a_copy_and_restores_the_stub() {
    let course = Fixture::basics("reset");
    course.commit();
    course.solve("05_tasks.rs");
    let refused = course.run(&["reset", "tasks"]);
    assert_eq!(refused.code, 2, "without a terminal, reset needs --yes");
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(
        std::fs::read_to_string(course.path("exercises/01_basics/05_tasks.rs"))
            .unwrap()
            .contains("tokio::spawn(nested")
    );

    let reset = course.run(&["reset", "tasks", "--yes"]);
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    settings(&course).bind(|| insta::assert_snapshot!("reset_tasks", reset.stdout));
    let restored = std::fs::read_to_string(course.path("exercises/01_basics/05_tasks.rs")).unwrap();
    assert!(restored.contains("// TODO"), "{restored}");
    let backups: Vec<_> = std::fs::read_dir(course.path(".asynclings/backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
}

#[test]
fn bad_input_gets_a_clear_error() {
    let course = Fixture::basics("errors");
    let unknown = course.run(&["run", "gathr"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr.trim(),
        "error: there is no step named `gathr` (did you mean `gather`?); `cargo run -- list` shows them all"
    );

    std::fs::remove_file(course.path("exercises/01_basics/05_tasks.rs")).unwrap();
    let missing = course.run(&["run", "tasks"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stdout.contains("cargo run -- reset tasks"),
        "{}",
        missing.stdout
    );

    let nowhere = tempfile::tempdir().unwrap();
    let lost = std::process::Command::new(env!("CARGO_BIN_EXE_asynclings"))
        .arg("list")
        .current_dir(nowhere.path())
        .output()
        .unwrap();
    assert_eq!(lost.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&lost.stderr).contains("failed to find course.toml"));
}
