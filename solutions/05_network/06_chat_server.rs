//! # Step 6 — the challenge: a chat server
//!
//! The basics track gathered results from tasks that ran side by side. Now make tasks talk:
//! a chat server in which every line one client sends reaches every other client. In asyncio
//! the server keeps the writers of all clients and writes to each:
//!
//! ```python
//! clients = set()
//!
//! async def handle(reader, writer):
//!     name = (await reader.readline()).decode().strip()
//!     writer.write(f"welcome {name}\n".encode())
//!     clients.add(writer)
//!     try:
//!         async for line in reader:
//!             for other in clients - {writer}:
//!                 other.write(f"{name}: {line.decode()}".encode())
//!     finally:
//!         clients.discard(writer)
//! ```
//!
//! In tokio each client's task owns its own socket, so the tasks pass messages instead: a
//! `tokio::sync::broadcast` channel delivers every message sent on it to every receiver.
//!
//! - `chat_server` takes connections from `incoming` (in the grader and in `main`, one end of
//!   an in-memory pipe each; with a `TcpListener` they would be `TcpStream`s) and runs each
//!   client in a task of its own.
//! - A client's first line is its name; once it is subscribed to the channel, the server
//!   answers `welcome NAME`. Every later line `TEXT` goes to **every other** client as
//!   `NAME: TEXT`, never back to the one who said it (a broadcast receiver gets everything
//!   sent, its own sender's messages too: tag each message with who sent it).
//! - A client must hear the others **while it is silent**: its task waits for two things at
//!   once, its own next line and the next message on the channel. That is `tokio::select!`,
//!   and its branches must be cancel safe: `lines.next_line()` is, `read_line` into a fresh
//!   `String` is not (a half-read line would be lost when the other branch wins).
//! - A client that reads too slowly falls behind, and `recv` returns `Err(Lagged(n))`: the
//!   channel dropped the `n` oldest messages it had kept for it. That client is still
//!   connected: carry on (you may tell it `* missed n messages`). A client that leaves ends
//!   its own task, and nobody else's.
//!
//! Contract: `pub const CAPACITY: usize` (the channel's capacity) and
//! `pub async fn chat_server<S>(incoming: mpsc::Receiver<S>)` where
//! `S: AsyncRead + AsyncWrite + Unpin + Send + 'static`; the grader sends each new client's
//! stream on `incoming`.
//!
//! The grader runs `chat_server` on tokio's paused clock, with clients on in-memory pipes. It
//! checks welcomes, that silent clients hear the others, that nobody hears their own lines,
//! a whole conversation, a line typed in two parts while others talk, clients leaving and
//! joining, and a client that stops reading for a while.
//!
//! Run the program yourself with `cargo run -p course --example chat_server`.

use std::time::Duration;
use tokio::io::{self, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{broadcast, mpsc};

/// How many messages the channel keeps for a client that has not read them yet.
pub const CAPACITY: usize = 16;

/// A line said in the chat, ready to send, and who said it.
#[derive(Clone, Debug)]
struct Said {
    from: u64,
    line: String,
}

/// Runs the chat: each connection that arrives on `incoming` is a client, in a task of its own.
/// Returns when `incoming` closes; the clients' tasks carry on until their clients leave.
pub async fn chat_server<S>(mut incoming: mpsc::Receiver<S>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sender, _) = broadcast::channel::<Said>(CAPACITY);
    let mut next_id = 0;
    while let Some(stream) = incoming.recv().await {
        next_id += 1;
        let sender = sender.clone();
        tokio::spawn(async move {
            if let Err(e) = client(next_id, stream, sender).await {
                eprintln!("client {next_id} left with an error: {e}");
            }
        });
    }
}

/// One client, from its name line until it leaves.
async fn client<S>(id: u64, stream: S, sender: broadcast::Sender<Said>) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (reader, mut writer) = io::split(stream);
    let mut lines = BufReader::new(reader).lines();
    let Some(name) = lines.next_line().await? else {
        return Ok(());
    };
    let mut receiver = sender.subscribe();
    writer
        .write_all(format!("welcome {name}\n").as_bytes())
        .await?;
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(text) => {
                    // Nobody listening is fine: send only fails when there are no receivers.
                    let _ = sender.send(Said { from: id, line: format!("{name}: {text}\n") });
                }
                None => return Ok(()),
            },
            said = receiver.recv() => match said {
                Ok(said) if said.from == id => {}
                Ok(said) => writer.write_all(said.line.as_bytes()).await?,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    let notice = format!("* missed {missed} messages\n");
                    writer.write_all(notice.as_bytes()).await?;
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let (connect, incoming) = mpsc::channel(8);
    tokio::spawn(chat_server(incoming));

    // Three clients, each on one end of an in-memory pipe; the server gets the other end.
    let mut clients = Vec::new();
    for name in ["alice", "bob", "carol"] {
        let (ours, theirs) = io::duplex(4096);
        connect.send(theirs).await.expect("the chat server stopped");
        let (reader, mut writer) = io::split(ours);
        writer.write_all(format!("{name}\n").as_bytes()).await?;
        // The welcome says the server has subscribed this client: from now on it hears all.
        let mut lines = BufReader::new(reader).lines();
        println!("{name} joins: {:?}", lines.next_line().await?);
        clients.push((name, lines, writer));
    }
    let script = [(0, "hi all"), (1, "hello alice"), (0, "how are you, bob?")];
    for (who, text) in script {
        let writer = &mut clients[who].2;
        writer.write_all(format!("{text}\n").as_bytes()).await?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (name, lines, _) in &mut clients {
        println!("{name} sees:");
        let wait = Duration::from_millis(100);
        while let Ok(Ok(Some(line))) = tokio::time::timeout(wait, lines.next_line()).await {
            println!("    {line}");
        }
    }
    Ok(())
}
