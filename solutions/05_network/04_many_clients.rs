//! # Step 4 — many clients at once
//!
//! `asyncio.start_server` runs the handler of every connection as a task of its own, so a slow
//! or silent client never holds up the others:
//!
//! ```python
//! async def shout(reader, writer):          # one Task per client, made by asyncio
//!     async for line in reader:
//!         writer.write(line.upper())
//!         await writer.drain()
//!
//! server = await asyncio.start_server(shout, "127.0.0.1", 0)
//! ```
//!
//! tokio's `TcpListener::accept` only hands you the next connection; what happens to it is up
//! to you. Awaiting the handler inside the accept loop serves one client at a time: while it
//! waits for that client's next line, nobody else is even accepted.
//!
//! Fix `serve` so that **each connection is handled in a task of its own**: `tokio::spawn` an
//! `async move` block per accepted socket, and go straight back to `accept`. An error in one
//! client's handler (a client that sends bytes that are not UTF-8, or vanishes) must end only
//! that client's task, **not the server**: report it (`eprintln!`) inside the task instead of
//! passing it up with `?`.
//!
//! Contract: `pub async fn serve(listener: TcpListener) -> io::Result<()>` runs until the
//! listener fails; `handle` (already written) answers each line with the line in upper case.
//!
//! The grader binds the listener on 127.0.0.1 itself, runs `serve` on the real clock, and
//! connects real clients: one that says nothing while another talks, several that talk in the
//! reverse of the order they connected in, and one that sends bytes that are not text.
//!
//! Run the program yourself with `cargo run -p course --example many_clients`.

use std::time::Duration;
use tokio::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections for as long as the listener works, each handled in a task of its own.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (socket, peer) = listener.accept().await?;
        tokio::spawn(async move {
            if let Err(e) = handle(socket).await {
                eprintln!("client {peer}: {e}");
            }
        });
    }
}

/// Answers every line the client sends with the same line in upper case, until it closes.
pub async fn handle(socket: TcpStream) -> io::Result<()> {
    let (reader, mut writer) = socket.into_split();
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        let answer = format!("{}\n", line.to_uppercase());
        writer.write_all(answer.as_bytes()).await?;
    }
    Ok(())
}

/// Connects, says `line` (or nothing, if `None`) and returns the answer, if one comes in time.
async fn client(addr: std::net::SocketAddr, line: Option<&str>) -> io::Result<Option<String>> {
    let socket = TcpStream::connect(addr).await?;
    let (reader, mut writer) = socket.into_split();
    let Some(line) = line else {
        // Stay connected and silent for a while, as a slow client does.
        tokio::time::sleep(Duration::from_secs(3)).await;
        return Ok(None);
    };
    writer.write_all(format!("{line}\n").as_bytes()).await?;
    let mut answers = BufReader::new(reader).lines();
    match tokio::time::timeout(Duration::from_secs(1), answers.next_line()).await {
        Ok(answer) => answer,
        Err(_) => Ok(None),
    }
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(serve(listener));
    println!("the server listens on {addr}");

    let silent = tokio::spawn(client(addr, None));
    // Let the silent client connect first.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for line in ["hello", "is anybody there?"] {
        match client(addr, Some(line)).await? {
            Some(answer) => println!("{line:?} -> {answer:?}"),
            None => println!("{line:?} -> no answer within 1 s: the server is busy elsewhere"),
        }
    }
    silent.abort();
    Ok(())
}
