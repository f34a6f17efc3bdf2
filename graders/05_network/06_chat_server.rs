//! Grader for `chat_server`: clients are welcomed by name, and every line a client sends
//! reaches every other client (never the sender, but a client with the same name too), while
//! they are silent, whole, even when a client leaves, joins late, or falls behind.
//!
//! Everything runs on the paused clock: the clients are in-memory pipes handed to the learner's
//! `chat_server`, the grader waits one virtual second for each line that should arrive (which
//! costs no real time) and calls it missing only then. Scheduling on a paused current-thread
//! runtime is the same on every run, so every verdict is too.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/05_network/06_chat_server.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/05_network/06_chat_server.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::Seeded;
use kit::network_io::phrase;
use kit::prelude::*;
use tokio::io::{
    AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf,
};
use tokio::sync::mpsc;
use tokio::time::timeout;

fn main() {
    grade(&[
        test(
            "welcomes_by_name",
            "each client that sends its name gets \"welcome NAME\"",
            welcomes_by_name,
        ),
        test(
            "silent_clients_hear",
            "clients that have said nothing still hear the others at once",
            silent_clients_hear,
        ),
        test(
            "no_echo_to_sender",
            "nobody hears their own lines back",
            no_echo_to_sender,
        ),
        test(
            "namesakes_hear_each_other",
            "two clients with the same name hear each other's lines",
            namesakes_hear_each_other,
        ),
        test(
            "everyone_hears_everyone",
            "a whole conversation: each line reaches every other client, in order",
            everyone_hears_everyone,
        ),
        test(
            "lines_survive_interruptions",
            "a line typed in two parts, while others talk, arrives whole",
            lines_survive_interruptions,
        ),
        test(
            "leaving_and_joining",
            "a client leaving harms nobody, and a late joiner hears what follows",
            leaving_and_joining,
        ),
        test(
            "slow_reader_catches_up",
            "a client that stops reading for a while falls behind, stays connected, catches up",
            slow_reader_catches_up,
        ),
    ]);
}

/// Virtual time the grader waits for a line that should arrive at once.
const WAIT: Duration = Duration::from_secs(1);
/// Room in each direction of a client's pipe.
const PIPE: usize = 4096;

/// One of the grader's chat clients.
struct Member {
    name: String,
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    writer: WriteHalf<DuplexStream>,
}

/// What a member heard next.
#[derive(Debug, PartialEq, Eq)]
enum Heard {
    Line(String),
    Closed,
    Nothing,
}

impl Member {
    /// Connects through `chat` with a pipe of `pipe` bytes, sends the name and waits for the
    /// welcome.
    async fn join(
        chat: &mpsc::Sender<DuplexStream>,
        name: &str,
        pipe: usize,
    ) -> Result<Member, Fail> {
        let (ours, theirs) = tokio::io::duplex(pipe);
        if chat.send(theirs).await.is_err() {
            fail!(
                "chat_server stopped taking connections before {name} joined: it should keep \
                 receiving from `incoming` until that channel closes."
            );
        }
        let (reader, writer) = tokio::io::split(ours);
        let mut member = Member {
            name: name.to_owned(),
            lines: BufReader::new(reader).lines(),
            writer,
        };
        member.send_raw(format!("{name}\n").as_bytes()).await?;
        let want = format!("welcome {name}");
        match member.hear().await {
            Heard::Line(line) if line == want => Ok(member),
            Heard::Line(line) => fail!(
                "{name} connected and sent its name, {name:?}, and the first line back was \
                 {line:?}; it should be {want:?}."
            ),
            Heard::Nothing => fail!(
                "{name} connected and sent its name, {name:?}, and heard nothing for {}; the \
                 server should answer {want:?} once it has subscribed {name} to the channel.",
                ms(WAIT)
            ),
            Heard::Closed => {
                fail!("{name} connected and sent its name, and the server closed the connection.")
            }
        }
    }

    async fn send_raw(&mut self, bytes: &[u8]) -> Check {
        if self.writer.write_all(bytes).await.is_err() {
            fail!(
                "{} could not send: the server had closed its connection.",
                self.name
            );
        }
        Ok(())
    }

    async fn say(&mut self, text: &str) -> Check {
        self.send_raw(format!("{text}\n").as_bytes()).await
    }

    async fn hear(&mut self) -> Heard {
        match timeout(WAIT, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => Heard::Line(line),
            Ok(Ok(None)) | Ok(Err(_)) => Heard::Closed,
            Err(_) => Heard::Nothing,
        }
    }

    /// Checks that the next thing this member hears is `line`; `context` says what happened.
    async fn expect(&mut self, line: &str, context: &str) -> Check {
        let me = self.name.clone();
        match self.hear().await {
            Heard::Line(got) if got == line => Ok(()),
            Heard::Line(got) if got.starts_with(&format!("{me}: ")) => Err(own_echo(&me, &got)),
            Heard::Line(got) => {
                fail!("{context} {me} should hear {line:?} next, but heard {got:?}.")
            }
            Heard::Nothing => fail!(
                "{context} {me} should hear {line:?}, and heard nothing for {}. (Does a client \
                 who is not talking hear the others? Its task must wait for its own next line \
                 and for the channel at once, with tokio::select!.)",
                ms(WAIT)
            ),
            Heard::Closed => fail!(
                "{context} {me} should hear {line:?}, but the server closed {me}'s connection."
            ),
        }
    }

    /// Checks that this member hears nothing more for a while.
    async fn expect_quiet(&mut self, context: &str) -> Check {
        let me = self.name.clone();
        match self.hear().await {
            Heard::Nothing => Ok(()),
            Heard::Line(got) if got.starts_with(&format!("{me}: ")) => Err(own_echo(&me, &got)),
            Heard::Line(got) => {
                fail!("{context} {me} should hear nothing more, but heard {got:?}.")
            }
            Heard::Closed => fail!("{context} the server closed {me}'s connection."),
        }
    }
}

fn own_echo(name: &str, line: &str) -> Fail {
    Fail::new(format!(
        "{name} heard their own line back: {line:?}. A broadcast channel hands every message to \
         every receiver, the sender's own receiver included. Send who said it along with the \
         line (a small struct with an id, unique per client), and skip messages whose id is \
         your own."
    ))
}

/// Starts the learner's chat server; the sender connects clients.
fn open_chat() -> mpsc::Sender<DuplexStream> {
    let (chat, incoming) = mpsc::channel(16);
    tokio::spawn(learner::chat_server(incoming));
    chat
}

const NAMES: [&str; 8] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
];

/// `n` distinct names, in a seeded order.
fn names(rng: &mut Seeded, n: usize) -> Vec<&'static str> {
    let mut names = NAMES.to_vec();
    rng.shuffle(&mut names);
    names.truncate(n);
    names
}

fn welcomes_by_name(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let names = names(&mut rng, 3);
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut members = Vec::new();
        for name in names {
            members.push(Member::join(&chat, name, PIPE).await?);
        }
        Ok(())
    })?
    .value
}

const SELECT_HINT: &str = "A client's task must wait for two things at once: its client's \
    next line, and the next message from the others. tokio::select! on lines.next_line() and \
    receiver.recv() does that; waiting for the client's own line first means a client who \
    says nothing hears nothing.";

fn silent_clients_hear(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let names = names(&mut rng, 3);
    let text = phrase(&mut rng, 3);
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut speaker = Member::join(&chat, names[0], PIPE).await?;
        let mut quiet = Vec::new();
        for name in &names[1..] {
            quiet.push(Member::join(&chat, name, PIPE).await?);
        }
        speaker.say(&text).await?;
        let line = format!("{}: {text}", names[0]);
        for member in &mut quiet {
            let context = format!(
                "{} said {text:?}, and {} has said nothing since joining. {SELECT_HINT}",
                names[0], member.name
            );
            match member.hear().await {
                Heard::Line(got) if got == line => {}
                Heard::Nothing => fail!(
                    "{} said {text:?}; {} has said nothing since joining and heard nothing \
                     for {}. {SELECT_HINT}",
                    names[0],
                    member.name,
                    ms(WAIT)
                ),
                other => {
                    let got = format!("{other:?}");
                    fail!("{context} It should hear {line:?}; it got {got}.");
                }
            }
        }
        Ok(())
    })?
    .value
}

fn no_echo_to_sender(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let names = names(&mut rng, 2);
    let (first, second) = (phrase(&mut rng, 3), phrase(&mut rng, 3));
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut a = Member::join(&chat, names[0], PIPE).await?;
        let mut b = Member::join(&chat, names[1], PIPE).await?;
        a.say(&first).await?;
        let context = format!("{} said {first:?};", a.name);
        a.expect_quiet(&context).await?;
        b.expect(&format!("{}: {first}", a.name), &context).await?;
        b.say(&second).await?;
        let context = format!("{} said {second:?};", b.name);
        b.expect_quiet(&context).await?;
        a.expect(&format!("{}: {second}", b.name), &context).await
    })?
    .value
}

fn namesakes_hear_each_other(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let name = names(&mut rng, 1)[0];
    let (first, second) = (phrase(&mut rng, 3), phrase(&mut rng, 3));
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut a = Member::join(&chat, name, PIPE).await?;
        let mut b = Member::join(&chat, name, PIPE).await?;
        namesake_turn(&mut a, &mut b, &first, ["first", "second"]).await?;
        namesake_turn(&mut b, &mut a, &second, ["second", "first"]).await
    })?
    .value
}

/// One of two clients with the same name says `text`; the other must hear it. `which` names
/// the speaker and the listener ("first", "second") in the order they joined.
async fn namesake_turn(
    speaker: &mut Member,
    listener: &mut Member,
    text: &str,
    which: [&str; 2],
) -> Check {
    let name = speaker.name.clone();
    let [said, other] = which;
    speaker.say(text).await?;
    let context = format!(
        "Two clients joined with the same name, {name:?}, and the {said} of them said {text:?};"
    );
    speaker.expect_quiet(&context).await?;
    let line = format!("{name}: {text}");
    match listener.hear().await {
        Heard::Line(got) if got == line => Ok(()),
        Heard::Nothing => fail!(
            "{context} the {other} {name} should hear {line:?}, and heard nothing for {}. \
             Names are not unique: skipping the messages that start with your own name \
             silences a namesake. Send who said it along with each line as an id unique per \
             client (a number the server counts up for each connection), and skip only the \
             messages that carry your own id.",
            ms(WAIT)
        ),
        Heard::Line(got) => {
            fail!("{context} the {other} {name} should hear {line:?}, but heard {got:?}.")
        }
        Heard::Closed => fail!(
            "{context} the {other} {name} should hear {line:?}, but the server closed its \
             connection."
        ),
    }
}

fn everyone_hears_everyone(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(3, 5) as usize;
    let names = names(&mut rng, n);
    let turns: Vec<(usize, String)> = (0..rng.between(8, 12))
        .map(|_| (rng.between(0, n as u64 - 1) as usize, phrase(&mut rng, 3)))
        .collect();
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut members = Vec::new();
        for name in &names {
            members.push(Member::join(&chat, name, PIPE).await?);
        }
        // Everyone speaks first, then everyone listens: lines pile up in order.
        for (who, text) in &turns {
            members[*who].say(text).await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        for (i, member) in members.iter_mut().enumerate() {
            let heard: Vec<(usize, &String)> = turns
                .iter()
                .filter(|(who, _)| *who != i)
                .map(|(who, text)| (*who, text))
                .collect();
            for (k, (who, text)) in heard.iter().enumerate() {
                let context = format!(
                    "In a conversation of {} lines among {n} clients, {} spoke {}, 200 ms \
                     apart; line {} of the {} that {} should hear, in order, is from {}:",
                    turns.len(),
                    names.join(", "),
                    describe_turns(&turns, &names),
                    k + 1,
                    heard.len(),
                    names[i],
                    names[*who]
                );
                member
                    .expect(&format!("{}: {text}", names[*who]), &context)
                    .await?;
            }
            member.expect_quiet("After the whole conversation,").await?;
        }
        Ok(())
    })?
    .value
}

fn describe_turns(turns: &[(usize, String)], names: &[&str]) -> String {
    let order: Vec<&str> = turns.iter().map(|(who, _)| names[*who]).collect();
    format!("in this order: {}", order.join(", "))
}

fn lines_survive_interruptions(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let names = names(&mut rng, 2);
    let words = phrase(&mut rng, 3);
    let cut = rng.between(2, words.len() as u64 - 2) as usize;
    let interruption = phrase(&mut rng, 2);
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut typist = Member::join(&chat, names[0], PIPE).await?;
        let mut other = Member::join(&chat, names[1], PIPE).await?;
        let (head, tail) = words.split_at(cut);
        typist.send_raw(head.as_bytes()).await?;
        tokio::time::sleep(WAIT).await;
        other.say(&interruption).await?;
        let context = format!("{} said {interruption:?};", other.name);
        typist
            .expect(&format!("{}: {interruption}", other.name), &context)
            .await?;
        typist.send_raw(format!("{tail}\n").as_bytes()).await?;
        let whole = format!("{}: {words}", typist.name);
        match other.hear().await {
            Heard::Line(got) if got == whole => Ok(()),
            Heard::Line(got) => fail!(
                "{} typed {head:?}, then (after {} said {interruption:?}) {:?}: one line, \
                 {words:?}. {} should hear {whole:?}, but heard {got:?}: the part typed \
                 before the interruption was lost. When select! runs the other branch, it \
                 drops the unfinished future of this one; read_line(&mut fresh_string) loses \
                 what it had read. lines.next_line() is cancel safe: partial lines stay in \
                 the BufReader until the next call.",
                typist.name,
                other.name,
                format!("{tail}\n"),
                other.name
            ),
            Heard::Nothing => fail!(
                "{} typed {head:?}, then {tail:?} and a newline, and {} heard nothing for {}.",
                typist.name,
                other.name,
                ms(WAIT)
            ),
            Heard::Closed => fail!("the server closed {}'s connection.", other.name),
        }
    })?
    .value
}

fn leaving_and_joining(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let names = names(&mut rng, 4);
    let (first, second) = (phrase(&mut rng, 3), phrase(&mut rng, 3));
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut a = Member::join(&chat, names[0], PIPE).await?;
        let mut b = Member::join(&chat, names[1], PIPE).await?;
        let c = Member::join(&chat, names[2], PIPE).await?;
        drop(c);
        tokio::time::sleep(WAIT).await;
        a.say(&first).await?;
        let context = format!("{} left; then {} said {first:?};", names[2], names[0]);
        b.expect(&format!("{}: {first}", names[0]), &context)
            .await?;
        let mut d = Member::join(&chat, names[3], PIPE).await?;
        b.say(&second).await?;
        let context = format!(
            "{} joined late; then {} said {second:?};",
            names[3], names[1]
        );
        d.expect(&format!("{}: {second}", names[1]), &context)
            .await?;
        a.expect(&format!("{}: {second}", names[1]), &context)
            .await?;
        let context = format!("{} joined after {} had said {first:?}:", names[3], names[0]);
        d.expect_quiet(&context).await
    })?
    .value
}

fn slow_reader_catches_up(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let names = names(&mut rng, 2);
    let flood = rng.between(80, 120) as usize;
    let last = phrase(&mut rng, 3);
    ctx.paused(|| async move {
        let chat = open_chat();
        let mut talker = Member::join(&chat, names[0], PIPE).await?;
        // A small pipe: the server can get only a few lines ahead of a client that is not
        // reading, and then its writes wait, while the talker goes on.
        let mut slow = Member::join(&chat, names[1], 256).await?;
        for i in 0..flood {
            talker.say(&format!("line {i}")).await?;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The slow client reads again: whatever it gets, the talker's next line must follow.
        talker.say(&last).await?;
        let want = format!("{}: {last}", names[0]);
        let mut heard = 0;
        loop {
            match slow.hear().await {
                Heard::Line(line) if line == want => return Ok(()),
                Heard::Line(_) => heard += 1,
                Heard::Closed => fail!(
                    "{} stopped reading while {} sent {flood} lines (the channel keeps {} \
                     for a client that falls behind), then read again: after {heard} line(s), \
                     the server closed {}'s connection. A receiver that falls behind gets \
                     Err(RecvError::Lagged(n)) from recv(): the n oldest messages are gone, \
                     but the client is still there. Carry on receiving (you may tell the \
                     client how many it missed); only RecvError::Closed means the end.",
                    names[1],
                    names[0],
                    learner::CAPACITY,
                    names[1]
                ),
                Heard::Nothing if heard == 0 => fail!(
                    "{} stopped reading while {} sent {flood} lines, then read again and heard \
                     nothing at all for {}. {SELECT_HINT}",
                    names[1],
                    names[0],
                    ms(WAIT)
                ),
                Heard::Nothing => fail!(
                    "{} stopped reading while {} sent {flood} lines, then read again and \
                     heard {heard} line(s), but never {want:?}, {}'s line after that. A \
                     receiver that falls behind gets Err(RecvError::Lagged(n)): skip ahead \
                     and keep receiving.",
                    names[1],
                    names[0],
                    names[0]
                ),
            }
        }
    })?
    .value
}
