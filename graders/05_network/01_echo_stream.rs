//! Grader for `echo_stream`: `echo` sends back every byte it reads, as it reads it, over a pipe
//! that takes only part of each write, returns the count at end of stream, and passes errors on.
//!
//! The learner's `echo` gets one end of an in-memory `tokio::io::duplex` pipe wrapped in a
//! `Tap` (see `kit::network_io`), and the grader plays the client on the other end, all on the
//! paused clock: no sockets, and the same scheduling on every run.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/05_network/01_echo_stream.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/05_network/01_echo_stream.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::network_io::{Tap, TapeHandle, caught, first_difference, show, words};
use kit::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::time::timeout;

fn main() {
    grade(&[
        test(
            "echoes_every_byte",
            "every byte sent comes back in order, though the pipe takes only part of each write",
            echoes_every_byte,
        ),
        test(
            "echoes_as_it_arrives",
            "each piece is echoed at once, while the client keeps the stream open",
            echoes_as_it_arrives,
        ),
        test(
            "stops_at_end_of_stream",
            "echo returns once the client closes its side",
            stops_at_end_of_stream,
        ),
        test(
            "returns_the_count",
            "echo returns Ok with the number of bytes echoed",
            returns_the_count,
        ),
        test(
            "passes_errors_on",
            "a failed read comes back from echo as Err, not as a panic or Ok",
            passes_errors_on,
        ),
    ]);
}

/// Room in each direction of the pipe, as in a small socket buffer.
const PIPE: usize = 512;
/// Virtual time the grader waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// What one run of `echo` did, seen from the client's side and from the tap.
struct Session {
    /// What `echo` returned, `None` if it had not returned when the client gave up.
    returned: Option<std::io::Result<u64>>,
    /// Everything the client got back.
    received: Vec<u8>,
    tape: TapeHandle,
}

/// Runs `echo` against a client that sends `data`, closes its side and reads everything back.
fn one_shot(
    ctx: &mut Ctx,
    data: Vec<u8>,
    tap: impl FnOnce(Tap<DuplexStream>) -> Tap<DuplexStream>,
) -> Result<Session, Fail> {
    let run = ctx.paused(|| async move {
        let (client, server) = tokio::io::duplex(PIPE);
        let (tap_end, tape) = Tap::new(server);
        let server = caught(timeout(PATIENCE * 6, learner::echo(tap(tap_end))));
        let (mut from_echo, mut to_echo) = tokio::io::split(client);
        let client = async move {
            let send = async {
                // A failed send means echo dropped its end early: what came back tells why.
                let _ = to_echo.write_all(&data).await;
                let _ = to_echo.shutdown().await;
            };
            let mut received = Vec::new();
            let recv = timeout(PATIENCE * 6, from_echo.read_to_end(&mut received));
            let _ = tokio::join!(send, recv);
            received
        };
        let (returned, received) = tokio::join!(server, client);
        (returned, received, tape)
    })?;
    let (returned, received, tape) = run.value;
    let returned = match returned {
        Err(panic) => fail!(
            "echo panicked: \"{panic}\". Pass IO errors on with `?` rather than unwrap or \
             expect, and read the line the message names."
        ),
        Ok(Err(_elapsed)) => None,
        Ok(Ok(result)) => Some(result),
    };
    let session = Session {
        returned,
        received,
        tape,
    };
    check_spin(&session)?;
    Ok(session)
}

/// Fails if the tap had to stop a loop that kept reading after end of stream.
fn check_spin(session: &Session) -> Check {
    let tape = session.tape.get();
    if tape.spun && tape.failed_reads == 0 {
        fail!(
            "after the client closed its side, read returned Ok(0), which means end of stream, \
             and your code went on reading: {} reads of 0 bytes, and it would never have \
             stopped (a busy loop that holds the runtime). When read returns 0, leave the loop.",
            tape.eof_reads
        );
    }
    Ok(())
}

fn echoes_every_byte(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(2500, 6000) as usize;
    let data = words(&mut rng, len).into_bytes();
    let sizes: Vec<usize> = (0..7).map(|_| rng.between(5, 48) as usize).collect();
    let session = one_shot(ctx, data.clone(), |tap| tap.short_writes(sizes))?;
    let got = &session.received;
    if *got == data {
        return Ok(());
    }
    let tape = session.tape.get();
    if got.len() < data.len() && tape.short_writes > 0 && !is_prefix_run(got, &data) {
        fail!(
            "the client sent {} bytes and got {} back: bytes went missing. This pipe, like a \
             socket whose send buffer is nearly full, took only part of a write {} time(s). \
             `write` returns how many bytes it took, and the rest of your buffer was never \
             sent. Use `write_all`, which keeps writing until every byte is out (or let \
             `tokio::io::copy` do the whole loop).",
            data.len(),
            got.len(),
            tape.short_writes
        );
    }
    if got.len() < data.len() && is_prefix_run(got, &data) {
        let why = match &session.returned {
            None => "echo was still running".to_owned(),
            Some(Ok(n)) => format!("echo returned Ok({n})"),
            Some(Err(e)) => format!("echo returned Err({e})"),
        };
        fail!(
            "the client sent {} bytes and got back only the first {}, then {why}. Keep \
             reading and writing until read returns 0 (end of stream).",
            data.len(),
            got.len()
        );
    }
    let at = first_difference(got, &data).unwrap_or(got.len().min(data.len()));
    fail!(
        "what came back differs from what was sent, from byte {at} on: expected {}, got {}. \
         ({} bytes sent, {} received.) Write back exactly the bytes you read, `&buf[..n]`, in \
         the order you read them.",
        show(&data[at..]),
        show(&got[at.min(got.len())..]),
        data.len(),
        got.len()
    )
}

/// Whether `got` is exactly the start of `sent`.
fn is_prefix_run(got: &[u8], sent: &[u8]) -> bool {
    sent.starts_with(got)
}

fn echoes_as_it_arrives(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let count = rng.between(3, 5) as usize;
    let mut pieces = Vec::with_capacity(count);
    for _ in 0..count {
        let len = rng.between(20, 200) as usize;
        pieces.push(words(&mut rng, len).into_bytes());
    }
    let pauses: Vec<Duration> = (0..count)
        .map(|_| Duration::from_millis(rng.between(100, 900)))
        .collect();
    let run = ctx.paused(|| async move {
        let (client, server) = tokio::io::duplex(PIPE);
        let (tap, _tape) = Tap::new(server);
        let server = caught(learner::echo(tap));
        let (from_echo, to_echo) = tokio::io::split(client);
        let conversation = converse(from_echo, to_echo, pieces, pauses);
        // The conversation ends first (it gives up or closes the stream); echo may run on.
        tokio::pin!(server);
        tokio::select! {
            biased;
            outcome = conversation => outcome,
            Err(panic) = &mut server => Err(format!("echo panicked: \"{panic}\"")),
        }
    })?;
    run.value.map_err(Fail::new)
}

/// Sends each piece, without closing, and waits for its echo before pausing and sending the
/// next; explains the first thing that goes wrong.
async fn converse(
    mut from_echo: ReadHalf<DuplexStream>,
    mut to_echo: WriteHalf<DuplexStream>,
    pieces: Vec<Vec<u8>>,
    pauses: Vec<Duration>,
) -> Result<(), String> {
    for (i, (piece, pause)) in pieces.iter().zip(&pauses).enumerate() {
        to_echo
            .write_all(piece)
            .await
            .map_err(|e| format!("the client could not send: {e}"))?;
        let mut back = vec![0u8; piece.len()];
        let mut filled = 0;
        while filled < back.len() {
            match timeout(PATIENCE, from_echo.read(&mut back[filled..])).await {
                Ok(Ok(0)) => {
                    return Err(format!(
                        "echo closed the stream after {i} piece(s), while the client was still \
                         talking. Keep going until read returns 0, meaning the client closed."
                    ));
                }
                Ok(Ok(n)) => filled += n,
                Ok(Err(e)) => return Err(format!("the client could not read: {e}")),
                Err(_) => {
                    return Err(format!(
                        "the client sent piece {} of {}, {}, keeping the stream open, and \
                         waited {} without getting it all back ({} of {} bytes came back). \
                         An echo must write each piece back as soon as it reads it: a client \
                         often waits for the answer before it sends more. Do not read to the \
                         end first (read_to_end waits for the client to close), and if you \
                         wrap the stream in a BufWriter, flush it.",
                        i + 1,
                        pieces.len(),
                        show(piece),
                        ms(PATIENCE),
                        filled,
                        piece.len()
                    ));
                }
            }
        }
        if back != *piece {
            return Err(format!(
                "the client sent {} and got {} back. Write back exactly the bytes you read.",
                show(piece),
                show(&back)
            ));
        }
        tokio::time::sleep(*pause).await;
    }
    let _ = to_echo.shutdown().await;
    Ok(())
}

fn stops_at_end_of_stream(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(30, 300) as usize;
    let data = words(&mut rng, len).into_bytes();
    let session = one_shot(ctx, data, |tap| tap)?;
    if session.returned.is_none() {
        fail!(
            "the client sent its bytes and closed its side, and echo had still not returned \
             {} later. read returns Ok(0) once the client has closed: that is the moment to \
             stop and return.",
            ms(PATIENCE * 6)
        );
    }
    Ok(())
}

fn returns_the_count(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(500, 3000) as usize;
    let data = words(&mut rng, len).into_bytes();
    let session = one_shot(ctx, data.clone(), |tap| tap)?;
    match session.returned {
        Some(Ok(n)) if n == data.len() as u64 => Ok(()),
        Some(Ok(n)) => fail!(
            "echo returned Ok({n}), but it echoed {} bytes (the client sent {} and got {} \
             back). Add up the bytes you write back and return the total.",
            session.tape.get().written_bytes().len(),
            data.len(),
            session.received.len()
        ),
        Some(Err(e)) => fail!(
            "echo returned Err({e}) although nothing went wrong: the client sent {} bytes and \
             closed its side normally. End of stream (read returning 0) is not an error.",
            data.len()
        ),
        None => fail!(
            "echo had not returned {} after the client closed its side. Stop when read \
             returns 0 and return Ok(total).",
            ms(PATIENCE * 6)
        ),
    }
}

fn passes_errors_on(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let break_at = rng.between(100, 400) as usize;
    let data = words(&mut rng, break_at * 2).into_bytes();
    let kind = std::io::ErrorKind::ConnectionReset;
    let session = one_shot(ctx, data, |tap| tap.fail_reads_after(break_at, kind))?;
    let tape = session.tape.get();
    match session.returned {
        Some(Err(_)) => Ok(()),
        Some(Ok(n)) => fail!(
            "after {break_at} bytes, a read failed with \"connection reset\" (the peer broke \
             off), and echo returned Ok({n}) as if all went well. Pass the error on with `?` \
             so the caller learns that the connection broke."
        ),
        None if tape.spun => fail!(
            "after {break_at} bytes, a read failed with \"connection reset\", and your code \
             kept reading ({} failed reads): an error from a stream does not go away by \
             trying again. Return it with `?`.",
            tape.failed_reads
        ),
        None => fail!(
            "after {break_at} bytes, a read failed with \"connection reset\", and echo had \
             still not returned {} later. Return the error with `?`.",
            ms(PATIENCE * 6)
        ),
    }
}
