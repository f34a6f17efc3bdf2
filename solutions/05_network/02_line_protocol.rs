//! # Step 2 — a line protocol
//!
//! Most text protocols (SMTP, Redis, IRC, HTTP's head) are made of lines. asyncio reads them
//! with `readline()`, or by iterating the reader:
//!
//! ```python
//! async def handle(reader, writer):
//!     async for line in reader:                # one line at a time, b"...\n"
//!         writer.write((respond(line.decode()) + "\n").encode())
//!         await writer.drain()
//! ```
//!
//! Write `serve_commands`, which answers each line a client sends with one line back. The
//! replies come from `respond` (already written): `PING` gets `PONG`, `ADD 2 3` gets `5`, and
//! anything else a line starting with `ERR`.
//!
//! The catch: a stream carries **bytes, not messages**. One `read` may return half a line, or
//! three lines at once, depending on how the bytes travelled. Wrap the reading side in a
//! `tokio::io::BufReader` and ask for lines: `BufReader::new(reader).lines()` gives a `Lines`,
//! and `lines.next_line().await?` returns `Some(line)` (without its newline) or `None` once the
//! client has closed. `tokio::io::split(stream)` gives separate reading and writing halves.
//!
//! Contract:
//!
//! - `pub async fn serve_commands<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<()>`
//!   answers every line with `respond(line)` followed by `\n`, **as soon as the line is
//!   complete** (clients wait for the answer before sending the next command), and returns
//!   `Ok(())` when the client closes.
//!
//! The grader runs on tokio's paused clock. It first sends every command in one go through an
//! in-memory pipe and compares the replies, then plays scripted clients built with tokio-test's
//! `io::Builder`: lines cut into pieces with pauses in between, several lines in one read, and
//! a client that waits for each answer before it speaks again.
//!
//! Run the program yourself with `cargo run -p course --example line_protocol`.

use std::time::Duration;
use tokio::io::{self, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// The reply to one command line, without its newline.
pub fn respond(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["PING"] => "PONG".to_owned(),
        ["PING", ..] => "ERR PING takes no arguments".to_owned(),
        ["ADD", a, b] => match (a.parse::<i64>(), b.parse::<i64>()) {
            (Ok(a), Ok(b)) => match a.checked_add(b) {
                Some(sum) => sum.to_string(),
                None => "ERR the sum is too big".to_owned(),
            },
            _ => "ERR ADD takes two whole numbers".to_owned(),
        },
        ["ADD", ..] => "ERR usage: ADD a b".to_owned(),
        [] => "ERR empty line".to_owned(),
        [command, ..] => format!("ERR unknown command {command}"),
    }
}

/// Answers each line the client sends with `respond(line)` and a newline, until the client
/// closes its side.
pub async fn serve_commands<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<()> {
    let (reader, mut writer) = io::split(stream);
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        let reply = respond(&line);
        writer.write_all(format!("{reply}\n").as_bytes()).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let (client, server) = io::duplex(1024);
    let server = tokio::spawn(serve_commands(server));
    let (from_server, mut to_server) = io::split(client);
    let mut replies = BufReader::new(from_server).lines();

    // A line sent in two pieces, then two lines in one write: the bytes arrive as they may.
    let script: [(&[u8], usize); 4] = [
        (b"PI", 0),
        (b"NG\n", 1),
        (b"ADD 40 2\nHELLO\n", 2),
        (b"ADD 1 x\n", 1),
    ];
    for (bytes, answers) in script {
        to_server.write_all(bytes).await?;
        // Give the server a moment, as a network would: it sees each piece on its own.
        tokio::time::sleep(Duration::from_millis(100)).await;
        println!("client sends {:?}", String::from_utf8_lossy(bytes));
        for _ in 0..answers {
            match replies.next_line().await? {
                Some(reply) => println!("  server says {reply:?}"),
                None => println!("  the server closed the stream"),
            }
        }
    }
    to_server.shutdown().await?;
    server.await.expect("the server task panicked")?;
    println!("the client closed; the server returned");
    Ok(())
}
