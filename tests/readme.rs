//! The README tells the truth: it opens with the two commands, `.ci/run` runs the same test
//! command, and its course table is the one `dev table` makes from `course.toml`.

mod common;

fn readme() -> String {
    std::fs::read_to_string(common::repo().join("README.md")).unwrap()
}

#[test]
fn the_readme_opens_with_the_two_commands_and_ci_runs_the_second() {
    let readme = readme();
    let first_block = readme.split("```").nth(1).unwrap();
    assert!(first_block.contains("cargo run -- next"), "{first_block}");
    assert!(first_block.contains("cargo test "), "{first_block}");
    let ci = std::fs::read_to_string(common::repo().join(".ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "cargo test"), "{ci}");
}

#[test]
fn the_course_table_matches_the_manifest() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_asynclings"))
        .args(["dev", "table"])
        .current_dir(common::repo())
        .output()
        .unwrap();
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(
        readme().contains(table.trim()),
        "README.md's course table is out of date: replace it with `cargo run -- dev table`:\n{table}"
    );
}
