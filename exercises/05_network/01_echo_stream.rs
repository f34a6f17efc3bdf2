//! # Step 1 — an echo over any stream
//!
//! In Python, `asyncio.start_server` hands each client to a callback as a `StreamReader` and a
//! `StreamWriter`; the classic callback sends everything back:
//!
//! ```python
//! async def handle_echo(reader, writer):
//!     while data := await reader.read(1024):
//!         writer.write(data)
//!         await writer.drain()
//!     writer.close()
//!     await writer.wait_closed()
//! ```
//!
//! Write `echo`, tokio's version of that callback. It takes **any** stream, anything that is
//! `AsyncRead + AsyncWrite`: a `TcpStream`, a `UnixStream`, or the in-memory pipe that
//! `tokio::io::duplex` makes (which is what the grader hands it, so no socket is needed):
//!
//! - read what has arrived, write it back, and repeat;
//! - `read` returning `Ok(0)` means **end of stream**: the peer closed its side. Stop there;
//! - `write` may take **only part** of the buffer and returns how many bytes it took (asyncio's
//!   `writer.write` buffers everything for you; tokio's does not). `write_all` loops until every
//!   byte is written; `tokio::io::copy` does the whole read-write loop for you;
//! - return how many bytes were echoed; pass any IO error on with `?` (no `unwrap`).
//!
//! Contract: `pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<u64>`.
//!
//! The grader runs `echo` on tokio's paused clock over an in-memory pipe that, like a busy
//! socket, accepts only part of each write. It checks that every byte comes back, in order;
//! that each piece is echoed as soon as it arrives (the client waits for it before sending
//! more); that `echo` returns at end of stream with the right count; and that an IO error
//! comes back as `Err`.
//!
//! Run the program yourself with `cargo run -p course --example echo_stream`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Writes back everything read from `stream` until the peer closes it, and returns how many
/// bytes were echoed.
pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut buf = vec![0u8; 1024];
    let mut total = 0u64;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        // TODO: the grader reports bytes going missing around here. What does `write` return,
        // and what happens to the part of `buf[..n]` it did not take?
        let written = stream.write(&buf[..n]).await?;
        total += written as u64;
    }
    stream.shutdown().await?;
    Ok(total)
}

#[tokio::main]
async fn main() -> io::Result<()> {
    // Two connected in-memory ends, like the two ends of a TCP connection.
    let (client, server) = io::duplex(64);
    let server = tokio::spawn(echo(server));

    let (mut from_server, mut to_server) = io::split(client);
    let message = "Hello, echo! Every byte that goes in comes back out.";
    let sender = async move {
        to_server.write_all(message.as_bytes()).await?;
        // Closing our sending side is how the server learns we are done.
        to_server.shutdown().await
    };
    let mut answer = String::new();
    let (sent, read) = tokio::join!(sender, from_server.read_to_string(&mut answer));
    sent?;
    read?;
    let echoed = server.await.expect("the echo task panicked")?;
    println!("sent:   {message:?}");
    println!("echoed: {answer:?} ({echoed} bytes)");
    Ok(())
}
