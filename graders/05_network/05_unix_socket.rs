//! Grader for `unix_socket`: frames are a big-endian `u32` length and the body, read whole
//! however they arrive; the service runs on a Unix socket, replacing a stale socket file but no
//! other file, and `call` gets its reply.
//!
//! The frame functions run on the paused clock over in-memory pipes; the service runs on a real
//! Unix socket in a fresh temporary folder, on the real clock, where correct code answers in
//! microseconds and the grader waits seconds before it calls an answer missing.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/05_network/05_unix_socket.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/05_network/05_unix_socket.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::Seeded;
use kit::prelude::*;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::time::timeout;

fn main() {
    grade(&[
        test(
            "writes_frames",
            "write_frame sends a big-endian u32 length, then the body",
            writes_frames,
        ),
        test(
            "reads_frames_in_pieces",
            "read_frame returns each whole body, however the bytes are cut",
            reads_frames_in_pieces,
        ),
        test(
            "tells_end_from_cut",
            "read_frame gives Ok(None) at a clean end, an error mid-frame",
            tells_end_from_cut,
        ),
        test(
            "refuses_huge_frames",
            "a header over MAX_FRAME is refused at once, without waiting for the body",
            refuses_huge_frames,
        ),
        test(
            "serves_on_a_unix_socket",
            "start_unix listens at the path and answers each frame reversed",
            serves_on_a_unix_socket,
        ),
        test(
            "replaces_a_stale_socket",
            "a socket file left by an earlier server does not stop start_unix",
            replaces_a_stale_socket,
        ),
        test(
            "leaves_other_files_alone",
            "a file at the path that is not a socket is never deleted",
            leaves_other_files_alone,
        ),
        test(
            "call_gets_the_reply",
            "call sends a request to your service and returns the reply's body",
            call_gets_the_reply,
        ),
    ]);
}

/// Virtual time the grader waits for a frame function that should finish at once.
const VIRTUAL_PATIENCE: Duration = Duration::from_secs(10);
/// Real time the grader waits for the service to do something it does at once.
const PATIENCE: Duration = Duration::from_secs(2);
/// Real time one real-socket test may take.
const LIMIT: Duration = Duration::from_secs(10);

/// A frame as the protocol defines it, built by the grader.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// Random bytes, any value, not just text.
fn bytes(rng: &mut Seeded, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.between(0, 255) as u8).collect()
}

/// Frame bodies of varied sizes, with an empty one somewhere.
fn bodies(rng: &mut Seeded) -> Vec<Vec<u8>> {
    let n = rng.between(3, 6) as usize;
    let mut out: Vec<Vec<u8>> = (0..n)
        .map(|_| {
            let len = rng.between(1, 3000) as usize;
            bytes(rng, len)
        })
        .collect();
    let at = rng.between(0, n as u64 - 1) as usize;
    out.insert(at, Vec::new());
    out
}

fn sizes(bodies: &[Vec<u8>]) -> String {
    let sizes: Vec<String> = bodies.iter().map(|b| b.len().to_string()).collect();
    format!("[{}]", sizes.join(", "))
}

// ---------------------------------------------------------------------------------------------
// The frame functions, on the paused clock.

fn writes_frames(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let bodies = bodies(&mut rng);
    let expected: Vec<u8> = bodies.iter().flat_map(|b| frame(b)).collect();
    let run = ctx.paused(|| async move {
        let (mut theirs, mut ours) = tokio::io::duplex(1 << 20);
        let mut results = Vec::new();
        for body in &bodies {
            results.push(timeout(VIRTUAL_PATIENCE, learner::write_frame(&mut theirs, body)).await);
        }
        drop(theirs);
        let mut written = Vec::new();
        let _ = ours.read_to_end(&mut written).await;
        (bodies, results, written)
    })?;
    let (bodies, results, written) = run.value;
    for (body, result) in bodies.iter().zip(results) {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => fail!(
                "write_frame returned Err({e}) for a body of {} bytes.",
                body.len()
            ),
            Err(_) => fail!(
                "write_frame had not finished writing a body of {} bytes after {}.",
                body.len(),
                ms(VIRTUAL_PATIENCE)
            ),
        }
    }
    if written == expected {
        return Ok(());
    }
    let first = &bodies[0];
    let head: Vec<u8> = written.iter().take(4).copied().collect();
    let want_head = (first.len() as u32).to_be_bytes();
    if head == (first.len() as u32).to_le_bytes() && head != want_head {
        fail!(
            "the first frame (a body of {} bytes) began with {head:?}: the length in \
             little-endian order. The protocol puts the most significant byte first \
             (big-endian, \"network order\"), {want_head:?}: write_u32 does that, as does \
             u32::to_be_bytes.",
            first.len()
        );
    }
    if head != want_head {
        fail!(
            "the first frame (a body of {} bytes) should begin with its length as four bytes, \
             most significant first: {want_head:?}. It began with {head:?}. Write \
             body.len() as u32 with write_u32, then the body.",
            first.len()
        );
    }
    fail!(
        "write_frame was given bodies of {} bytes, so {} bytes should have gone out (4 of \
         length and the body, per frame), but {} did. Each frame is exactly the 4-byte length \
         followed by the whole body (write_all).",
        sizes(&bodies),
        expected.len(),
        written.len()
    )
}

/// What successive calls of `read_frame` returned, ending with the first `None`, error or
/// timeout.
#[derive(Debug)]
enum Read {
    Body(Vec<u8>),
    End,
    Error(std::io::Error),
    Waited,
}

/// Feeds `pieces` (with a pause after each) into a pipe, then closes it unless `keep_open`,
/// and calls `read_frame` until it stops giving bodies (at most `max` times).
fn read_all(
    ctx: &mut Ctx,
    pieces: Vec<(Vec<u8>, Duration)>,
    keep_open: bool,
    max: usize,
) -> Result<Vec<Read>, Fail> {
    let run = ctx.paused(|| async move {
        let (mut theirs, mut ours) = tokio::io::duplex(256);
        let feeder = tokio::spawn(async move {
            for (piece, pause) in pieces {
                if ours.write_all(&piece).await.is_err() {
                    return;
                }
                tokio::time::sleep(pause).await;
            }
            if keep_open {
                std::future::pending::<()>().await;
            }
        });
        let mut reads = Vec::new();
        while reads.len() < max {
            let read = match timeout(VIRTUAL_PATIENCE, learner::read_frame(&mut theirs)).await {
                Ok(Ok(Some(body))) => Read::Body(body),
                Ok(Ok(None)) => Read::End,
                Ok(Err(e)) => Read::Error(e),
                Err(_) => Read::Waited,
            };
            let done = !matches!(read, Read::Body(_));
            reads.push(read);
            if done {
                break;
            }
        }
        feeder.abort();
        reads
    })?;
    Ok(run.value)
}

fn reads_frames_in_pieces(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let bodies = bodies(&mut rng);
    let stream: Vec<u8> = bodies.iter().flat_map(|b| frame(b)).collect();
    // Cut the stream at random places, with a pause after each piece.
    let mut cuts: Vec<usize> = (0..rng.between(6, 12))
        .map(|_| rng.between(1, stream.len() as u64 - 1) as usize)
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([stream.len()]) {
        let pause = Duration::from_millis(rng.between(10, 200));
        pieces.push((stream[from..cut].to_vec(), pause));
        from = cut;
    }
    let reads = read_all(ctx, pieces, false, bodies.len() + 3)?;
    for (i, body) in bodies.iter().enumerate() {
        let n = i + 1;
        match reads.get(i) {
            Some(Read::Body(got)) if got == body => {}
            Some(Read::Body(got)) if got.len() < body.len() && body.starts_with(got) => fail!(
                "frame {n} has a body of {} bytes, and read_frame returned only its first {}. \
                 The bytes arrive in pieces, with pauses between them, and one read returns \
                 what has arrived so far. read_exact(&mut body) waits until the whole buffer \
                 is filled (asyncio's readexactly).",
                body.len(),
                got.len()
            ),
            Some(Read::Body(got)) => fail!(
                "frame {n} has a body of {} bytes, and read_frame returned {} bytes that are \
                 not that body. (Frame bodies, in order: {} bytes.) Read the 4-byte big-endian \
                 length first, then exactly that many bytes.",
                body.len(),
                got.len(),
                sizes(&bodies)
            ),
            Some(Read::End) => fail!(
                "read_frame returned Ok(None) for frame {n}, while the stream still held it \
                 (frame bodies, in order: {} bytes). Ok(None) means the stream ended before a \
                 frame began.",
                sizes(&bodies)
            ),
            Some(Read::Error(e)) => fail!(
                "read_frame returned Err({e}) for frame {n}, a body of {} bytes (frame \
                 bodies, in order: {} bytes).",
                body.len(),
                sizes(&bodies)
            ),
            Some(Read::Waited) | None => fail!(
                "read_frame had not returned frame {n}, a body of {} bytes, {} after all its \
                 bytes had been sent.",
                body.len(),
                ms(VIRTUAL_PATIENCE)
            ),
        }
    }
    match reads.get(bodies.len()) {
        Some(Read::End) => Ok(()),
        other => fail!(
            "after the last frame the stream ended cleanly, and read_frame should have \
             returned Ok(None); it gave {}.",
            describe(other)
        ),
    }
}

fn describe(read: Option<&Read>) -> String {
    match read {
        Some(Read::Body(b)) => format!("Ok(Some(..)) with {} bytes", b.len()),
        Some(Read::End) => "Ok(None)".into(),
        Some(Read::Error(e)) => format!("Err({e})"),
        Some(Read::Waited) | None => format!(
            "nothing: it was still waiting after {}",
            ms(VIRTUAL_PATIENCE)
        ),
    }
}

fn tells_end_from_cut(ctx: &mut Ctx) -> Check {
    let reads = read_all(ctx, Vec::new(), false, 1)?;
    ensure!(
        matches!(reads.first(), Some(Read::End)),
        "on a stream that ended before any frame, read_frame should return Ok(None), a clean \
         end; it gave {}.",
        describe(reads.first())
    );
    let mut rng = ctx.rng();
    let len = rng.between(300, 900) as usize;
    let sent = rng.between(50, len as u64 - 50) as usize;
    let body = bytes(&mut rng, len);
    let cut = frame(&body)[..4 + sent].to_vec();
    let reads = read_all(ctx, vec![(cut, Duration::from_millis(10))], false, 1)?;
    match reads.first() {
        Some(Read::Error(_)) => Ok(()),
        Some(Read::Body(got)) => fail!(
            "a frame announced {len} bytes, the stream ended after {sent} of them, and \
             read_frame returned a body of {} bytes as if the frame were whole. A frame cut \
             short is an error: read_exact returns one (ErrorKind::UnexpectedEof) when the \
             stream ends first.",
            got.len()
        ),
        other => fail!(
            "a frame announced {len} bytes and the stream ended after {sent} of them: \
             read_frame should return an error (read_exact gives UnexpectedEof), but it gave \
             {}.",
            describe(other)
        ),
    }
}

fn refuses_huge_frames(ctx: &mut Ctx) -> Check {
    let claimed: u32 = 64 << 20;
    let header = claimed.to_be_bytes().to_vec();
    let reads = read_all(ctx, vec![(header, Duration::ZERO)], true, 1)?;
    match reads.first() {
        Some(Read::Error(_)) => Ok(()),
        other => fail!(
            "a header claimed a body of {claimed} bytes (64 MiB), over MAX_FRAME ({} bytes), \
             and read_frame gave {}. A length comes from the other side and may be wrong or \
             hostile: check it against MAX_FRAME before allocating the buffer, and return an \
             io::Error of kind InvalidData.",
            learner::MAX_FRAME,
            describe(other)
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The service, on a real Unix socket.

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(ctx: &Ctx, tag: &str) -> Result<TempDir, Fail> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "asynclings-{}-{tag}-{}-{nanos}",
            std::process::id(),
            ctx.seed() % 1000
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Fail::new(format!("the grader could not make {}: {e}", dir.display())))?;
        Ok(TempDir(dir))
    }

    fn socket(&self) -> PathBuf {
        self.0.join("service.sock")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start(path: &Path) -> Check {
    match timeout(PATIENCE, learner::start_unix(path)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => fail!(
            "start_unix returned Err({e}) for the fresh path {}.",
            path.display()
        ),
        Err(_) => fail!(
            "start_unix had not returned after {}. Bind, spawn the accept loop as a task, and \
             return.",
            ms(PATIENCE)
        ),
    }
}

/// Connects to the service as the grader's own client and checks each request's reply.
async fn exchange(path: &Path, requests: &[Vec<u8>]) -> Check {
    let mut stream = match timeout(PATIENCE, UnixStream::connect(path)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => fail!(
            "the grader could not connect to {} after start_unix returned: {e}. start_unix \
             should return once the listener is bound.",
            path.display()
        ),
        Err(_) => fail!(
            "connecting to {} took more than {}.",
            path.display(),
            ms(PATIENCE)
        ),
    };
    for (i, request) in requests.iter().enumerate() {
        let n = i + 1;
        if let Err(e) = stream.write_all(&frame(request)).await {
            fail!("the grader could not send request {n}: {e}.");
        }
        let mut header = [0u8; 4];
        match timeout(PATIENCE, stream.read_exact(&mut header)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => fail!(
                "after request {n} ({} bytes) the service closed the connection or failed \
                 ({e}) instead of replying.",
                request.len()
            ),
            Err(_) => fail!(
                "request {n} ({} bytes) got no reply in {}.{}",
                request.len(),
                ms(PATIENCE),
                empty_hint(request)
            ),
        }
        let len = u32::from_be_bytes(header) as usize;
        ensure!(
            u32::from_le_bytes(header) as usize != request.len() || len == request.len(),
            "request {n} had a body of {} bytes and the reply's header was {header:?}: that \
             length in little-endian order. Frames carry it big-endian (most significant byte \
             first): write_u32 / read_u32 do that.",
            request.len()
        );
        ensure!(
            len == request.len(),
            "request {n} had a body of {} bytes and the reply's header announced {len}: the \
             reply holds the same bytes, reversed, so it is just as long.",
            request.len()
        );
        let mut reply = vec![0u8; len];
        match timeout(PATIENCE, stream.read_exact(&mut reply)).await {
            Ok(Ok(_)) => {}
            _ => fail!(
                "the body of reply {n} did not arrive whole within {}.",
                ms(PATIENCE)
            ),
        }
        let mut want = request.clone();
        want.reverse();
        ensure!(
            reply == want,
            "reply {n} is not request {n}'s bytes in reverse order."
        );
    }
    Ok(())
}

/// For an empty request: the socket detail that makes a `read` into an empty body wait.
fn empty_hint(request: &[u8]) -> &'static str {
    if request.is_empty() {
        " A frame may have an empty body. On a socket, a read into an empty buffer first waits \
         for more bytes to arrive, and none will: the client is waiting for the reply. \
         read_exact with an empty buffer returns at once."
    } else {
        ""
    }
}

fn serves_on_a_unix_socket(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let requests = bodies(&mut rng);
    let dir = TempDir::new(ctx, "serve")?;
    let path = dir.socket();
    ctx.real(LIMIT, || async move {
        start(&path).await?;
        exchange(&path, &requests).await
    })?
    .value
}

fn replaces_a_stale_socket(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let requests = bodies(&mut rng);
    let dir = TempDir::new(ctx, "stale")?;
    let path = dir.socket();
    // An earlier server that bound the path and ended without removing its socket file.
    drop(
        std::os::unix::net::UnixListener::bind(&path)
            .map_err(|e| Fail::new(format!("the grader could not make a stale socket: {e}")))?,
    );
    ctx.real(LIMIT, || async move {
        match timeout(PATIENCE, learner::start_unix(&path)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => fail!(
                "a socket file was left at {} by an earlier server that has ended, and \
                 start_unix returned Err({e}). A Unix socket's file stays behind when its \
                 server stops, and bind refuses a path that exists. Before binding, look at \
                 what is there (tokio::fs::symlink_metadata) and remove it if it is a socket \
                 (file_type().is_socket(), from std::os::unix::fs::FileTypeExt).",
                path.display()
            ),
            Err(_) => fail!("start_unix had not returned after {}.", ms(PATIENCE)),
        }
        exchange(&path, &requests).await
    })?
    .value
}

fn leaves_other_files_alone(ctx: &mut Ctx) -> Check {
    let dir = TempDir::new(ctx, "file")?;
    let path = dir.socket();
    let precious = b"someone's notes, not a socket\n";
    std::fs::write(&path, precious).map_err(|e| {
        Fail::new(format!(
            "the grader could not write {}: {e}",
            path.display()
        ))
    })?;
    let probe = path.clone();
    let returned = ctx
        .real(LIMIT, || async move {
            timeout(PATIENCE, learner::start_unix(&probe)).await
        })?
        .value;
    let still_there = std::fs::read(&path).ok();
    ensure!(
        still_there.as_deref() == Some(&precious[..]),
        "a plain file, not a socket, was at {}, and start_unix deleted or changed it. Remove \
         only a socket left by an earlier server: check file_type().is_socket() first. \
         Anything else at the path belongs to someone: leave it, and let bind fail.",
        path.display()
    );
    match returned {
        Ok(Err(_)) => Ok(()),
        Ok(Ok(())) => fail!(
            "a plain file was at {} and start_unix returned Ok(()), though it cannot have bound \
             a socket there. Return bind's error.",
            path.display()
        ),
        Err(_) => fail!("start_unix had not returned after {}.", ms(PATIENCE)),
    }
}

fn call_gets_the_reply(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let requests = bodies(&mut rng);
    let dir = TempDir::new(ctx, "call")?;
    let path = dir.socket();
    ctx.real(LIMIT, || async move {
        start(&path).await?;
        for (i, request) in requests.iter().enumerate() {
            let n = i + 1;
            let reply = match timeout(PATIENCE, learner::call(&path, request)).await {
                Ok(Ok(reply)) => reply,
                Ok(Err(e)) => fail!("call {n}, with {} bytes, returned Err({e}).", request.len()),
                Err(_) => fail!(
                    "call {n}, with {} bytes, had not returned after {}.{}",
                    request.len(),
                    ms(PATIENCE),
                    empty_hint(request)
                ),
            };
            let mut want = request.clone();
            want.reverse();
            ensure!(
                reply == want,
                "call {n} sent {} bytes and returned {} bytes that are not the reply's body \
                 (the request reversed).",
                request.len(),
                reply.len()
            );
        }
        Ok(())
    })?
    .value
}
