//! Grader for `line_protocol`: `serve_commands` answers each line with one reply line as soon as
//! the line is complete, however the bytes are cut, and returns when the client closes.
//!
//! The first test sends every command in one go through an in-memory pipe and compares the
//! reply lines. The others play scripted clients built with tokio-test's `io::Builder` on the
//! paused clock. A scripted client panics, with byte arrays, when the server writes something
//! it did not expect; the grader catches that, and explains it from what the `Tap` around the
//! script saw cross it, as text.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/05_network/02_line_protocol.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/05_network/02_line_protocol.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::Seeded;
use kit::network_io::{Tap, Tape, caught, first_difference, show};
use kit::prelude::*;
use std::future::Future;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_test::io::Builder;

fn main() {
    grade(&[
        test(
            "answers_every_line",
            "every line sent in one go gets its reply line, in order",
            answers_every_line,
        ),
        test(
            "lines_in_pieces",
            "a line that arrives in pieces, with pauses, is answered once it is whole",
            lines_in_pieces,
        ),
        test(
            "lines_together",
            "several lines that arrive in one read get one reply each",
            lines_together,
        ),
        test(
            "answers_at_once",
            "each reply goes out before the client sends its next line",
            answers_at_once,
        ),
        test(
            "returns_when_closed",
            "serve_commands returns Ok(()) once the client closes its side",
            returns_when_closed,
        ),
    ]);
}

/// Virtual time the grader waits, after the script is over, for the server to finish.
const GRACE: Duration = Duration::from_secs(60);

/// One command and what it must get back (`None`: any line starting with `ERR`).
#[derive(Debug, Clone)]
struct Command {
    line: String,
    reply: Option<String>,
}

/// A command with an exact reply: `PING`, or `ADD a b`.
fn exact_command(rng: &mut Seeded) -> Command {
    if rng.between(0, 2) == 0 {
        return Command {
            line: "PING".into(),
            reply: Some("PONG".into()),
        };
    }
    let a = rng.between(0, 2000) as i64 - 1000;
    let b = rng.between(0, 2000) as i64 - 1000;
    Command {
        line: format!("ADD {a} {b}"),
        reply: Some((a + b).to_string()),
    }
}

/// A command whose reply is an error.
fn error_command(rng: &mut Seeded) -> Command {
    const WRONG: [&str; 6] = ["HELLO", "QUIT", "PONG", "add 1 2", "ADD 7", "ADD one 2"];
    let line = WRONG[rng.between(0, WRONG.len() as u64 - 1) as usize];
    Command {
        line: line.into(),
        reply: None,
    }
}

// ---------------------------------------------------------------------------------------------
// answers_every_line: a plain pipe, every command at once.

fn answers_every_line(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(5, 8) as usize;
    let mut commands: Vec<Command> = (0..n - 1).map(|_| exact_command(&mut rng)).collect();
    let wrong_at = rng.between(1, n as u64 - 1) as usize;
    commands.insert(wrong_at, error_command(&mut rng));
    let input: String = commands.iter().map(|c| format!("{}\n", c.line)).collect();
    let run = ctx.paused(|| async move {
        let (client, server) = tokio::io::duplex(4096);
        let (tap, tape) = Tap::new(server);
        let server = caught(tokio::time::timeout(GRACE, learner::serve_commands(tap)));
        let (mut from_server, mut to_server) = tokio::io::split(client);
        let client = async move {
            let _ = to_server.write_all(input.as_bytes()).await;
            let _ = to_server.shutdown().await;
            let mut received = Vec::new();
            let _ = tokio::time::timeout(GRACE, from_server.read_to_end(&mut received)).await;
            received
        };
        let (returned, received) = tokio::join!(server, client);
        (returned, received, tape)
    })?;
    let (returned, received, tape) = run.value;
    let tape = tape.get();
    if tape.spun {
        return Err(spin_failure(&tape));
    }
    if let Err(panic) = returned {
        fail!("serve_commands panicked: \"{panic}\". Read the line it names.");
    }
    let text = String::from_utf8_lossy(&received);
    let got: Vec<&str> = text.lines().collect();
    let matches = |c: &Command, g: &str| match &c.reply {
        Some(r) => g == r,
        None => g.starts_with("ERR"),
    };
    if got.len() == commands.len() && commands.iter().zip(&got).all(|(c, g)| matches(c, g)) {
        return Ok(());
    }
    let sent = listing(commands.iter().map(|c| c.line.clone()));
    let wanted = listing(
        commands
            .iter()
            .map(|c| c.reply.clone().unwrap_or("ERR ...".into())),
    );
    let replied = listing(got.iter().map(|g| g.to_string()));
    let advice = if got.len() != commands.len() {
        format!(
            "{} lines went in and {} came out. One read can return several lines, or part of \
             one: a stream carries bytes, not messages. Read with \
             BufReader::new(reader).lines() and answer each line it gives you.",
            commands.len(),
            got.len()
        )
    } else {
        let i = commands
            .iter()
            .zip(&got)
            .position(|(c, g)| !matches(c, g))
            .unwrap_or(0);
        let so_far: Vec<&str> = commands[..=i].iter().map(|c| c.line.as_str()).collect();
        if i > 0 && got[i] == learner::respond(&so_far.join("\n")) {
            format!(
                "Line {} got {:?}: the reply to all {} lines so far, run together. read_line \
                 appends to the String it is given; clear it (line.clear()) before reading the \
                 next line, or use lines().next_line(), which gives a fresh String each time.",
                i + 1,
                got[i],
                i + 1
            )
        } else {
            format!(
                "Line {} got the wrong reply. Answer each line with respond(&line) and a \
                 newline, and leave respond as it was given.",
                i + 1
            )
        }
    };
    fail!(
        "the client sent these {} lines in one go, then closed its side:\n{sent}\nand \
         expected one reply line for each:\n{wanted}\nbut your server sent back {} line(s):\n\
         {replied}\n{advice}",
        commands.len(),
        got.len()
    )
}

/// Lines, one per row, quoted and indented, at most 12 of them.
fn listing(lines: impl Iterator<Item = String>) -> String {
    let lines: Vec<String> = lines.collect();
    let mut out: Vec<String> = lines
        .iter()
        .take(12)
        .map(|l| format!("    {l:?}"))
        .collect();
    if lines.len() > 12 {
        out.push(format!("    ... and {} more", lines.len() - 12));
    }
    if out.is_empty() {
        out.push("    (nothing)".into());
    }
    out.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Scripted clients.

/// One move of a scripted client.
#[derive(Debug, Clone)]
enum Step {
    /// The client sends these bytes (one read for the server).
    Send(Vec<u8>),
    /// The client says nothing for this long.
    Pause(Duration),
    /// The server must now write this.
    Expect(Vec<u8>),
}

/// A scripted client: the moves, and the commands they carry, in order.
#[derive(Debug, Default)]
struct Script {
    steps: Vec<Step>,
    commands: Vec<Command>,
}

impl Script {
    fn input(&self) -> Vec<u8> {
        self.steps
            .iter()
            .filter_map(|s| {
                if let Step::Send(b) = s {
                    Some(b.clone())
                } else {
                    None
                }
            })
            .flatten()
            .collect()
    }

    fn output(&self) -> Vec<u8> {
        self.steps
            .iter()
            .filter_map(|s| {
                if let Step::Expect(b) = s {
                    Some(b.clone())
                } else {
                    None
                }
            })
            .flatten()
            .collect()
    }

    fn pauses(&self) -> Duration {
        self.steps
            .iter()
            .map(|s| {
                if let Step::Pause(d) = s {
                    *d
                } else {
                    Duration::ZERO
                }
            })
            .sum()
    }

    fn reply(&self, k: usize) -> Vec<u8> {
        format!("{}\n", self.commands[k].reply.as_deref().unwrap_or("ERR")).into_bytes()
    }

    /// Where command `k`'s line (with its newline) sits in the input.
    fn line_range(&self, k: usize) -> std::ops::Range<usize> {
        let start: usize = self.commands[..k].iter().map(|c| c.line.len() + 1).sum();
        start..start + self.commands[k].line.len() + 1
    }

    /// The sends that carry part of `range` of the input, with the pause before each.
    fn pieces_of(&self, range: std::ops::Range<usize>) -> Vec<(Duration, Vec<u8>)> {
        let mut pieces = Vec::new();
        let (mut at, mut pause) = (0, Duration::ZERO);
        for step in &self.steps {
            match step {
                Step::Pause(d) => pause += *d,
                Step::Send(b) => {
                    let end = at + b.len();
                    if end > range.start && at < range.end {
                        pieces.push((pause, b.clone()));
                    }
                    at = end;
                    pause = Duration::ZERO;
                }
                Step::Expect(_) => pause = Duration::ZERO,
            }
        }
        pieces
    }

    fn builder(&self) -> Builder {
        let mut builder = Builder::new();
        for step in &self.steps {
            match step {
                Step::Send(b) => builder.read(b),
                Step::Pause(d) => builder.wait(*d),
                Step::Expect(b) => builder.write(b),
            };
        }
        builder
    }
}

/// How a scripted run ended.
enum Outcome {
    Returned(std::io::Result<()>),
    Panicked(String),
    /// Still running long after the script was over.
    Stuck,
}

fn run_script(ctx: &mut Ctx, script: &Script) -> Result<(Outcome, Tape, Duration), Fail> {
    let mock = script.builder().build();
    let limit = script.pauses() + GRACE;
    let (tap, tape) = Tap::new(mock);
    let run = ctx.paused(|| caught(race(Box::pin(learner::serve_commands(tap)), limit)))?;
    let outcome = run.value.unwrap_or_else(Outcome::Panicked);
    Ok((outcome, tape.get(), run.virtual_elapsed))
}

/// Runs `fut` for at most `limit`. A scripted client that is dropped before its script is
/// over panics, so a future that is still running is leaked rather than dropped.
async fn race<F: Future<Output = std::io::Result<()>> + Unpin>(
    mut fut: F,
    limit: Duration,
) -> Outcome {
    let finished = tokio::select! {
        biased;
        r = &mut fut => Some(r),
        _ = tokio::time::sleep(limit) => None,
    };
    match finished {
        Some(r) => Outcome::Returned(r),
        None => {
            std::mem::forget(fut);
            Outcome::Stuck
        }
    }
}

/// Explains a scripted run as text: what the client sent, what it waited for, what came.
fn judge(script: &Script, tape: &Tape, outcome: Outcome) -> Check {
    if tape.spun {
        return Err(spin_failure(tape));
    }
    let expected = script.output();
    let mut wrote = tape.written_bytes();
    if let Some(unfinished) = &tape.unfinished_write {
        // The script refused this write (by panicking, or by never taking it): it still shows
        // what the server meant to say.
        wrote.extend_from_slice(unfinished);
    }
    if let Outcome::Panicked(p) = &outcome {
        let from_script = p.contains("left == right")
            || p.contains("unexpected write")
            || p.contains("still data left");
        if !from_script {
            fail!("serve_commands panicked: \"{p}\". Read the line it names.");
        }
    }
    if let Some(at) = first_difference(&wrote, &expected) {
        return Err(wrong_reply(script, tape, &wrote, at));
    }
    if wrote.len() > expected.len() {
        fail!(
            "your server answered every line, then wrote more: {}. Write exactly one reply \
             line per line received, and nothing else.",
            show(&wrote[expected.len()..])
        );
    }
    let answered = count_lines(&wrote);
    let sent = tape.read_bytes();
    if answered < script.commands.len() {
        return Err(missing_reply(script, &sent, &wrote, answered, &outcome));
    }
    match outcome {
        Outcome::Returned(Ok(())) => Ok(()),
        Outcome::Returned(Err(e)) => fail!(
            "every line was answered, but then serve_commands returned Err({e}) when the client \
             closed its side. A client closing is the normal end: next_line() gives Ok(None), \
             and serve_commands should return Ok(())."
        ),
        Outcome::Stuck => fail!(
            "every line was answered and the client closed its side, but serve_commands had \
             still not returned {} later. When next_line() gives Ok(None) the client has gone: \
             return Ok(()).",
            ms(GRACE)
        ),
        Outcome::Panicked(p) => fail!("serve_commands panicked: \"{p}\"."),
    }
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The server wrote something other than the reply the client waited for.
fn wrong_reply(script: &Script, tape: &Tape, wrote: &[u8], at: usize) -> Fail {
    // Which reply was being written: the one that holds byte `at` of the output.
    let mut k = 0;
    let mut start = 0;
    while k + 1 < script.commands.len() && start + script.reply(k).len() <= at {
        start += script.reply(k).len();
        k += 1;
    }
    let theirs = &wrote[start..];
    let theirs = match theirs.iter().position(|&b| b == b'\n') {
        Some(nl) => &theirs[..=nl],
        None => theirs,
    };
    let line = &script.commands[k].line;
    let range = script.line_range(k);
    let sent = tape.read_bytes();
    let expected = show(&script.reply(k));
    if sent.len() <= range.start {
        let before = if k == 0 {
            "anything".to_owned()
        } else {
            format!("its next line, {line:?}")
        };
        return Fail::new(format!(
            "your server wrote {} before the client had sent {before}; the next thing the \
             client expected was {expected}, the reply to {line:?}. Here the server speaks only \
             when spoken to: one reply line per line received, nothing else.",
            show(theirs)
        ));
    }
    if sent.len() < range.end {
        let had = &sent[range.start..];
        let pieces = script.pieces_of(range);
        let told: Vec<String> = pieces
            .iter()
            .enumerate()
            .map(|(i, (pause, b))| {
                if i == 0 || pause.is_zero() {
                    show(b)
                } else {
                    format!("{} later {}", ms(*pause), show(b))
                }
            })
            .collect();
        return Fail::new(format!(
            "the client sent the line {line:?} in {} pieces: {}. Your server answered {} when \
             it had only {} of that line, before its newline arrived. One read returns \
             whatever bytes have arrived, which may be part of a line. Let a BufReader collect \
             them: BufReader::new(reader).lines(), and next_line() waits for the whole line. \
             (The client expected {expected}.)",
            pieces.len(),
            told.join(", then "),
            show(theirs),
            show(had)
        ));
    }
    let want = script.reply(k);
    let bare = &want[..want.len() - 1];
    if theirs.starts_with(bare) && theirs.get(bare.len()) != Some(&b'\n') {
        return Fail::new(format!(
            "the client sent {line:?} and your server answered {}, without the newline that \
             ends a reply line, so the next reply ran into it: {}. Write each reply followed \
             by \"\\n\".",
            show(bare),
            show(&wrote[start..])
        ));
    }
    let so_far: Vec<&str> = script.commands[..=k]
        .iter()
        .map(|c| c.line.as_str())
        .collect();
    if k > 0 && theirs.strip_suffix(b"\n") == Some(learner::respond(&so_far.join("\n")).as_bytes())
    {
        return Fail::new(format!(
            "the client sent {line:?} and expected {expected}, but your server wrote {}: the \
             reply to all {} lines so far, run together. read_line appends to the String it is \
             given; clear it (line.clear()) before reading the next line, or use \
             lines().next_line(), which gives a fresh String each time.",
            show(theirs),
            k + 1
        ));
    }
    let same_read = script.pieces_of(range.end - 1..range.end);
    if let Some((_, chunk)) = same_read.first()
        && count_lines(chunk) > 1
    {
        return Fail::new(format!(
            "the client sent {} lines in one piece, {}, and expected a reply to each, starting \
             with {expected} for {line:?}. Your server wrote {}: it took the whole read for one \
             line. A read can hold several lines: read with BufReader::new(reader).lines(), \
             which hands them over one at a time.",
            count_lines(chunk),
            show(chunk),
            show(theirs)
        ));
    }
    Fail::new(format!(
        "the client sent {line:?} and expected the reply {expected}, but your server wrote {}. \
         Write respond(&line) followed by a single \\n.",
        show(theirs)
    ))
}

/// The server stopped, or went on waiting, without writing the reply the client waited for.
fn missing_reply(
    script: &Script,
    sent: &[u8],
    wrote: &[u8],
    answered: usize,
    outcome: &Outcome,
) -> Fail {
    let line = &script.commands[answered].line;
    let expected = show(&script.reply(answered));
    let input = script.input();
    let unended = match wrote.iter().rposition(|&b| b == b'\n') {
        Some(nl) => &wrote[nl + 1..],
        None => wrote,
    };
    match outcome {
        _ if !unended.is_empty() => Fail::new(format!(
            "the client sent {line:?} and your server answered {}, without the newline that \
             ends a reply line. The client reads whole lines, so it is still waiting. Write \
             the reply followed by \"\\n\".",
            show(unended)
        )),
        Outcome::Stuck => Fail::new(format!(
            "the client sent {line:?} and waited for the reply {expected}, but it never came: \
             {} later your server had answered {answered} line(s) and was waiting to read more. \
             Write each reply as soon as its line is read, before reading the next; a client \
             usually waits for the answer before it says anything else. (If you write through \
             a BufWriter, flush it after each reply.)",
            ms(GRACE)
        )),
        Outcome::Returned(Err(e)) if e.to_string().contains("UTF-8") => Fail::new(format!(
            "serve_commands returned Err({e}) after the client sent {}. The bytes were fine; \
             the line was cut in the middle, so a piece on its own was not valid text. Collect \
             whole lines before decoding them (BufReader::lines does).",
            show(sent)
        )),
        Outcome::Returned(Err(e)) => Fail::new(format!(
            "serve_commands returned Err({e}) after {answered} reply line(s); the client had \
             sent {} and was waiting for {expected}.",
            show(sent)
        )),
        _ if sent.len() < input.len() => Fail::new(format!(
            "serve_commands returned after {answered} reply line(s), while the client still \
             had {} to send. Keep reading until next_line() gives Ok(None), which means the \
             client has closed its side.",
            show(&input[sent.len()..])
        )),
        _ => Fail::new(format!(
            "serve_commands returned without answering {line:?} (the client expected \
             {expected}). Answer every line before returning."
        )),
    }
}

fn spin_failure(tape: &Tape) -> Fail {
    Fail::new(format!(
        "after the client closed its side, your code went on reading: {} reads found end of \
         stream, and it would never have stopped. read returns Ok(0), read_line Ok(0), and \
         next_line Ok(None) once the client has closed: leave the loop then.",
        tape.eof_reads
    ))
}

// ---------------------------------------------------------------------------------------------
// The scripted tests.

fn pause(rng: &mut Seeded, low_ms: u64, high_ms: u64) -> Step {
    Step::Pause(Duration::from_millis(rng.between(low_ms, high_ms)))
}

fn lines_in_pieces(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let mut script = Script::default();
    for _ in 0..rng.between(4, 6) {
        let command = exact_command(&mut rng);
        let bytes = format!("{}\n", command.line).into_bytes();
        // Two or three non-empty pieces, cut at distinct places.
        let mut cuts = vec![rng.between(1, bytes.len() as u64 - 1) as usize];
        if bytes.len() > 4 && rng.between(0, 1) == 1 {
            let second = rng.between(1, bytes.len() as u64 - 1) as usize;
            if !cuts.contains(&second) {
                cuts.push(second);
            }
        }
        cuts.sort_unstable();
        let mut from = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            if from > 0 {
                script.steps.push(pause(&mut rng, 50, 400));
            }
            script.steps.push(Step::Send(bytes[from..cut].to_vec()));
            from = cut;
        }
        script.steps.push(Step::Expect(
            format!("{}\n", command.reply.as_deref().unwrap_or("")).into_bytes(),
        ));
        script.steps.push(pause(&mut rng, 100, 1000));
        script.commands.push(command);
    }
    let (outcome, tape, _) = run_script(ctx, &script)?;
    judge(&script, &tape, outcome)
}

fn lines_together(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let mut script = Script::default();
    for _ in 0..2 {
        let group: Vec<Command> = (0..rng.between(2, 4))
            .map(|_| exact_command(&mut rng))
            .collect();
        let together: String = group.iter().map(|c| format!("{}\n", c.line)).collect();
        script.steps.push(Step::Send(together.into_bytes()));
        for c in &group {
            script.steps.push(Step::Expect(
                format!("{}\n", c.reply.as_deref().unwrap_or("")).into_bytes(),
            ));
        }
        script.steps.push(pause(&mut rng, 200, 1500));
        script.commands.extend(group);
    }
    let (outcome, tape, _) = run_script(ctx, &script)?;
    judge(&script, &tape, outcome)
}

/// A client that sends whole lines, one at a time, and waits for each reply.
fn polite_script(rng: &mut Seeded, count: u64) -> Script {
    let mut script = Script::default();
    for _ in 0..count {
        let command = exact_command(rng);
        script
            .steps
            .push(Step::Send(format!("{}\n", command.line).into_bytes()));
        script.steps.push(Step::Expect(
            format!("{}\n", command.reply.as_deref().unwrap_or("")).into_bytes(),
        ));
        script.steps.push(pause(rng, 500, 3000));
        script.commands.push(command);
    }
    script
}

fn answers_at_once(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let count = rng.between(4, 6);
    let script = polite_script(&mut rng, count);
    let (outcome, tape, took) = run_script(ctx, &script)?;
    judge(&script, &tape, outcome)?;
    // Every reply should leave at once: the only time that passes is the client's pauses.
    ensure!(
        took <= script.pauses() + Duration::from_millis(1),
        "every line was answered, but slowly: the conversation took {} of virtual time where \
         the client's own pauses add up to {}. Reply as soon as a line is read; do not sleep \
         or wait for anything else first.",
        ms(took),
        ms(script.pauses())
    );
    Ok(())
}

fn returns_when_closed(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let script = polite_script(&mut rng, 2);
    let (outcome, tape, _) = run_script(ctx, &script)?;
    judge(&script, &tape, outcome)
}
