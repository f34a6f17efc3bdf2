//! # Step 3 — a TCP echo server and client
//!
//! asyncio's stream API in full: a server that calls a handler for each connection, and a
//! client that connects, sends, and reads the answer:
//!
//! ```python
//! async def handle_echo(reader, writer):
//!     while data := await reader.read(1024):
//!         writer.write(data)
//!         await writer.drain()
//!     writer.close()
//!
//! async def main():
//!     server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
//!     host, port = server.sockets[0].getsockname()
//!
//!     reader, writer = await asyncio.open_connection(host, port)
//!     writer.write(b"Hello!")
//!     writer.write_eof()                # "I am done sending"
//!     print(await reader.read())        # everything, until the server closes
//! ```
//!
//! Write both halves with `tokio::net`:
//!
//! - `start` binds a `TcpListener` to `127.0.0.1:0` (port 0: the operating system picks a free
//!   port, so two servers never collide), spawns the accept loop `serve` as a task (the server
//!   keeps running, as `start_server`'s does) and returns the address clients must connect
//!   to. That is **not** `127.0.0.1:0`: ask the listener with `local_addr()`.
//! - `ask` connects with `TcpStream::connect`, writes the whole message, **shuts down its
//!   writing side** (`shutdown()`, asyncio's `write_eof()`: the echo server only closes after
//!   it sees the end of the message), then reads **until the server closes** and returns all
//!   of it. One `read` returns whatever has arrived so far, which may be only the start.
//!
//! Contract: `pub async fn start() -> io::Result<SocketAddr>` and
//! `pub async fn ask(addr: SocketAddr, message: &str) -> io::Result<String>`.
//!
//! The grader uses real sockets on 127.0.0.1 only, on the real clock. It talks to your server
//! with its own client, runs two of your servers at once, and points `ask` at its own servers,
//! one of which answers in two parts with a pause between them.
//!
//! Run the program yourself with `cargo run -p course --example tcp_echo`.

use std::net::SocketAddr;
use tokio::io::{self, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Starts an echo server on 127.0.0.1, on a port the operating system picks, and returns the
/// address to connect to. The server runs as a task for as long as the runtime does.
pub async fn start() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(serve(listener));
    Ok(addr)
}

/// Accepts connections, one after another, and echoes each until its client closes.
async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, peer) = listener.accept().await?;
        let (mut from_client, mut to_client) = socket.split();
        if let Err(e) = io::copy(&mut from_client, &mut to_client).await {
            eprintln!("echo for {peer} failed: {e}");
        }
    }
}

/// Sends `message` to the echo server at `addr` and returns everything it sends back.
pub async fn ask(addr: SocketAddr, message: &str) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(message.as_bytes()).await?;
    stream.shutdown().await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer)
}

#[tokio::main]
async fn main() {
    let addr = match start().await {
        Ok(addr) => addr,
        Err(e) => return eprintln!("could not start the server: {e}"),
    };
    println!("the echo server listens on {addr}");
    let message = "Hello, TCP! ".repeat(20);
    match ask(addr, &message).await {
        Ok(answer) if answer == message => {
            println!("sent {} bytes and got all of them back", message.len());
        }
        Ok(answer) => println!(
            "sent {} bytes and got {} back: {answer:?}",
            message.len(),
            answer.len()
        ),
        Err(e) => eprintln!("asking {addr} failed: {e}"),
    }
}
