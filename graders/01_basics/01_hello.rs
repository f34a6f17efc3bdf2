//! Grader for `hello`: two lines, one second apart on the virtual clock, nothing blocking.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/01_basics/01_hello.rs"
)]
#[cfg_attr(feature = "solution", path = "../../solutions/01_basics/01_hello.rs")]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;

fn main() {
    grade(&[
        test(
            "prints_both_lines",
            "writes `Hello ...` then `... World!`",
            both_lines,
        ),
        test(
            "waits_one_second",
            "the second line comes 1 s after the first",
            one_second,
        ),
    ]);
}

/// Runs `hello` with a transcript that stamps each line with the virtual time.
fn transcript(ctx: &mut Ctx) -> Result<Vec<(Duration, String)>, Fail> {
    let run = ctx.paused(|| async {
        let mut out = Transcript::new();
        learner::hello(&mut out).await;
        out.lines()
    })?;
    Ok(run.value)
}

fn both_lines(ctx: &mut Ctx) -> Check {
    let lines = transcript(ctx)?;
    let texts: Vec<&str> = lines.iter().map(|(_, l)| l.trim_end()).collect();
    ensure!(
        texts == ["Hello ...", "... World!"],
        "hello should write two lines, \"Hello ...\" and then \"... World!\"; it wrote {texts:?}."
    );
    Ok(())
}

fn one_second(ctx: &mut Ctx) -> Check {
    let lines = transcript(ctx)?;
    let [(first, _), (second, _)] = lines.as_slice() else {
        fail!(
            "hello should write exactly two lines; it wrote {}.",
            lines.len()
        );
    };
    ensure!(
        first.is_zero(),
        "the first line should be written at once; it came after {} of virtual time.",
        ms(*first)
    );
    let gap = *second - *first;
    ensure!(
        gap == Duration::from_secs(1),
        "the second line should come 1 s after the first on the runtime's clock; it came after \
         {}. {}",
        ms(gap),
        if gap.is_zero() {
            "Nothing waited in between: add tokio::time::sleep(Duration::from_secs(1)).await."
        } else {
            "Sleep exactly Duration::from_secs(1)."
        }
    );
    Ok(())
}
