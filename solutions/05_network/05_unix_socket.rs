//! # Step 5 — IPC over a Unix socket, in frames
//!
//! Two processes on one machine can talk through a Unix domain socket: a file in the file
//! system that a server listens on, like a TCP port that only local processes can reach.
//! asyncio has `start_unix_server` and `open_unix_connection`; binary protocols usually send
//! each message as a **frame**, its length first, then its bytes:
//!
//! ```python
//! async def read_frame(reader):
//!     header = await reader.readexactly(4)            # IncompleteReadError if cut short
//!     return await reader.readexactly(int.from_bytes(header, "big"))
//!
//! def write_frame(writer, body):
//!     writer.write(len(body).to_bytes(4, "big") + body)
//!
//! server = await asyncio.start_unix_server(handle, path="/tmp/app.sock")
//! reader, writer = await asyncio.open_unix_connection("/tmp/app.sock")
//! ```
//!
//! Here: a frame is a `u32` length, big-endian (what `write_u32` / `read_u32` use), followed
//! by that many bytes, at most `MAX_FRAME`. The service answers each request frame with a frame
//! holding the same bytes in reverse order.
//!
//! - `read_frame` returns `Ok(None)` when the stream ends before a frame starts, and an error
//!   when it ends in the middle of one. `read` fills only what has arrived, which may be part of
//!   the body; `read_exact` waits for all of it (asyncio's `readexactly`). A header that claims
//!   more than `MAX_FRAME` is refused with `ErrorKind::InvalidData`, before allocating anything.
//! - `start_unix` binds a `UnixListener` at `path`, spawns the accept loop (one task per client,
//!   as in the last step) and returns once clients can connect. A socket file outlives the
//!   server that made it, and `bind` fails with "address in use" while it is there: remove a
//!   **socket** left at `path` first, but never another kind of file (asyncio 3.13 does the
//!   same with `cleanup_socket`).
//! - `call` connects, sends one request frame and returns the reply's body.
//!
//! Contract (`W: AsyncWrite + Unpin`, `R: AsyncRead + Unpin`): `pub const MAX_FRAME: usize`;
//! `pub async fn write_frame<W>(writer: &mut W, body: &[u8]) -> io::Result<()>`;
//! `pub async fn read_frame<R>(reader: &mut R) -> io::Result<Option<Vec<u8>>>`;
//! `pub async fn start_unix(path: &Path) -> io::Result<()>`;
//! `pub async fn call(path: &Path, request: &[u8]) -> io::Result<Vec<u8>>`.
//!
//! The grader checks the frame functions on tokio's paused clock over in-memory pipes (bodies
//! cut into pieces with pauses, streams that end early, a lying header), then runs your server
//! on a real Unix socket in a temporary folder, with and without a stale socket file in the
//! way, and your `call` against it.
//!
//! Run the program yourself with `cargo run -p course --example unix_socket`.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

/// The largest frame body either side sends or accepts.
pub const MAX_FRAME: usize = 1 << 20;

/// Writes one frame: the body's length as a big-endian `u32`, then the body.
pub async fn write_frame<W: AsyncWrite + Unpin>(writer: &mut W, body: &[u8]) -> io::Result<()> {
    if body.len() > MAX_FRAME {
        let text = format!("a frame of {} bytes is over the limit", body.len());
        return Err(io::Error::new(io::ErrorKind::InvalidInput, text));
    }
    writer.write_u32(body.len() as u32).await?;
    writer.write_all(body).await?;
    writer.flush().await
}

/// Reads one frame's body: `Ok(None)` if the stream ends before a frame starts.
pub async fn read_frame<R: AsyncRead + Unpin>(reader: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 4];
    // The first byte tells a clean end (nothing more) from a frame that is cut short.
    if reader.read(&mut header[..1]).await? == 0 {
        return Ok(None);
    }
    reader.read_exact(&mut header[1..]).await?;
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME {
        let text = format!("a frame of {len} bytes is over the limit of {MAX_FRAME}");
        return Err(io::Error::new(io::ErrorKind::InvalidData, text));
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).await?;
    Ok(Some(body))
}

/// Starts the reversing service on a Unix socket at `path` and returns once it listens.
pub async fn start_unix(path: &Path) -> io::Result<()> {
    match tokio::fs::symlink_metadata(path).await {
        Ok(meta) if meta.file_type().is_socket() => tokio::fs::remove_file(path).await?,
        // Not a socket: binding fails with "address in use", and the file stays as it was.
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(path)?;
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => return eprintln!("the service stopped accepting: {e}"),
            };
            tokio::spawn(async move {
                if let Err(e) = serve(stream).await {
                    eprintln!("a client of the service failed: {e}");
                }
            });
        }
    });
    Ok(())
}

/// Answers each request frame with its bytes reversed, until the client closes.
async fn serve(mut stream: UnixStream) -> io::Result<()> {
    while let Some(mut body) = read_frame(&mut stream).await? {
        body.reverse();
        write_frame(&mut stream, &body).await?;
    }
    Ok(())
}

/// Sends `request` to the service at `path` and returns the reply's body.
pub async fn call(path: &Path, request: &[u8]) -> io::Result<Vec<u8>> {
    let mut stream = UnixStream::connect(path).await?;
    write_frame(&mut stream, request).await?;
    match read_frame(&mut stream).await? {
        Some(reply) => Ok(reply),
        None => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the service closed the connection without replying",
        )),
    }
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let dir = std::env::temp_dir().join(format!("asynclings-unix-{}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join("service.sock");
    start_unix(&path).await?;
    println!("the service listens on {}", path.display());
    let big = "x".repeat(100_000);
    for request in ["hello", "a man, a plan, a canal: panama", &big, ""] {
        let shown = if request.len() > 40 {
            format!("{} bytes", request.len())
        } else {
            format!("{request:?}")
        };
        let call = call(&path, request.as_bytes());
        match tokio::time::timeout(std::time::Duration::from_secs(2), call).await {
            Ok(Ok(reply)) if reply.len() > 40 => println!("{shown} -> {} bytes", reply.len()),
            Ok(Ok(reply)) => println!("{shown} -> {:?}", String::from_utf8_lossy(&reply)),
            Ok(Err(e)) => println!("{shown} -> error: {e}"),
            Err(_) => println!("{shown} -> no reply within 2 s"),
        }
    }
    tokio::fs::remove_dir_all(&dir).await
}
