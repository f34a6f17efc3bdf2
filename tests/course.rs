//! The course proves itself: `asynclings dev check` on this repository, which grades every
//! stub (each must fail) and every solution under several seeds (each must pass, with the same
//! verdict every time), checks the manifest against the files, and runs rustfmt and clippy on
//! the solutions.
//!
//! `exercises/` must hold the unsolved stubs, as in a fresh clone: in a learner's working copy
//! with solved steps this test fails, naming each stub that now passes.

mod common;

#[test]
fn every_stub_fails_and_every_solution_passes() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_asynclings"))
        .args(["dev", "check", "--color", "never"])
        .current_dir(common::repo())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "dev check found problems:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("The course holds"), "{stdout}");
    for line in stdout.lines().filter(|l| l.contains("stub:")) {
        assert!(
            line.contains("solution: passes") && !line.contains("stub: passes"),
            "{line}"
        );
    }
}
