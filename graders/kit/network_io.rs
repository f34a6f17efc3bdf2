//! For the network track's graders: a tap around the stream a learner's function is given, that
//! records what crossed it and can behave like a busy socket, plus helpers to show bytes as text
//! and to catch a panic inside the future under test.
//!
//! - [`Tap`] wraps any `AsyncRead + AsyncWrite`: it logs every read and accepted write on a
//!   [`Tape`], can accept only part of each write (as a socket with a full send buffer does),
//!   can fail a read with an error, and stops code that keeps reading after end of stream.
//! - [`show`] renders bytes the way a learner reads them: `"PING\n"`.
//! - [`caught`] turns a panic in the future under test into a value, so a grader can explain it
//!   (tokio-test's scripted `Mock` panics with raw byte arrays on a wrong write).

use std::future::Future;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many reads that find end of stream a learner's loop may make before the tap stops it.
pub const EOF_READS_ALLOWED: usize = 64;

/// The error text a tap fails a read with once a loop has read past end of stream too often.
pub const SPIN_ERROR: &str = "asynclings: read kept being called after end of stream";

/// One thing that crossed the tap, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Bytes the learner's code read.
    Read(Vec<u8>),
    /// A read that found end of stream (0 bytes).
    Eof,
    /// Bytes the learner's code wrote and the stream accepted.
    Wrote(Vec<u8>),
    /// The learner's code shut its writing side down.
    Shutdown,
}

/// What crossed a [`Tap`], shared with the grader.
#[derive(Debug, Clone, Default)]
pub struct Tape {
    /// Everything, in order.
    pub events: Vec<Event>,
    /// The bytes of a write call that had not completed when the run ended: the stream kept
    /// it waiting, or panicked on it (as a scripted mock does on a write it did not expect).
    pub unfinished_write: Option<Vec<u8>>,
    /// Reads that found end of stream.
    pub eof_reads: usize,
    /// Reads that failed with the injected error (see [`Tap::fail_reads_after`]).
    pub failed_reads: usize,
    /// True once the tap stopped a loop that kept reading past end of stream or past an error.
    pub spun: bool,
    /// Writes the stream accepted only in part.
    pub short_writes: usize,
}

impl Tape {
    /// All bytes the learner's code read, joined.
    pub fn read_bytes(&self) -> Vec<u8> {
        self.events
            .iter()
            .filter_map(|e| {
                if let Event::Read(b) = e {
                    Some(b.as_slice())
                } else {
                    None
                }
            })
            .flatten()
            .copied()
            .collect()
    }

    /// All bytes the learner's code wrote (and the stream accepted), joined.
    pub fn written_bytes(&self) -> Vec<u8> {
        self.events
            .iter()
            .filter_map(|e| {
                if let Event::Wrote(b) = e {
                    Some(b.as_slice())
                } else {
                    None
                }
            })
            .flatten()
            .copied()
            .collect()
    }
}

/// The grader's end of a tap: look at the tape at any time, even after a failure.
#[derive(Debug, Clone, Default)]
pub struct TapeHandle(Arc<Mutex<Tape>>);

impl TapeHandle {
    /// A copy of the tape as it is now.
    pub fn get(&self) -> Tape {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn with<R>(&self, f: impl FnOnce(&mut Tape) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A stream handed to learner code, recording what crosses it.
#[derive(Debug)]
pub struct Tap<S> {
    inner: S,
    tape: TapeHandle,
    /// Most bytes each write may take, cycled; empty: no limit.
    write_sizes: Vec<usize>,
    next_size: usize,
    /// After this many bytes read, the next read fails with this kind of error.
    fail_after: Option<(usize, io::ErrorKind)>,
    read_so_far: usize,
}

impl<S> Tap<S> {
    /// Wraps `inner`; the handle shows what crossed it.
    pub fn new(inner: S) -> (Tap<S>, TapeHandle) {
        let tape = TapeHandle::default();
        let tap = Tap {
            inner,
            tape: tape.clone(),
            write_sizes: Vec::new(),
            next_size: 0,
            fail_after: None,
            read_so_far: 0,
        };
        (tap, tape)
    }

    /// Each write takes at most the next of `sizes` bytes (cycling), as a socket whose send
    /// buffer is nearly full does. Code that ignores what `write` returns loses the rest.
    pub fn short_writes(mut self, sizes: Vec<usize>) -> Self {
        assert!(
            sizes.iter().all(|&s| s > 0),
            "a write size of 0 would mean a closed stream"
        );
        self.write_sizes = sizes;
        self
    }

    /// Once `bytes` have been read, the next read fails with an error of `kind`.
    pub fn fail_reads_after(mut self, bytes: usize, kind: io::ErrorKind) -> Self {
        self.fail_after = Some((bytes, kind));
        self
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some((after, kind)) = this.fail_after
            && this.read_so_far >= after
        {
            let failed = this.tape.with(|t| {
                t.failed_reads += 1;
                t.spun |= t.failed_reads > EOF_READS_ALLOWED;
                t.failed_reads
            });
            if failed > EOF_READS_ALLOWED {
                // A loop that ignores errors would spin here forever: park it instead, so the
                // grader's timeout ends the run and the tape says why.
                return Poll::Pending;
            }
            return Poll::Ready(Err(io::Error::new(kind, "asynclings: the peer broke off")));
        }
        if buf.remaining() == 0 {
            return Pin::new(&mut this.inner).poll_read(cx, buf);
        }
        let limit = match this.fail_after {
            Some((after, _)) => (after - this.read_so_far).min(buf.remaining()),
            None => buf.remaining(),
        };
        // Read into a scratch buffer of at most `limit` bytes, then hand them over: this keeps
        // the error point exact and needs no unsafe.
        let mut scratch = vec![0u8; limit];
        let mut part = ReadBuf::new(&mut scratch);
        let polled = Pin::new(&mut this.inner).poll_read(cx, &mut part);
        let got = part.filled().to_vec();
        if let Poll::Ready(Ok(())) = polled {
            buf.put_slice(&got);
            this.read_so_far += got.len();
            let eof_reads = this.tape.with(|t| {
                if got.is_empty() {
                    t.eof_reads += 1;
                    t.events.push(Event::Eof);
                    t.spun |= t.eof_reads > EOF_READS_ALLOWED;
                } else {
                    t.events.push(Event::Read(got));
                }
                t.eof_reads
            });
            if eof_reads > 2 * EOF_READS_ALLOWED {
                // Even the error below was ignored: park the loop (see above).
                return Poll::Pending;
            }
            if eof_reads > EOF_READS_ALLOWED {
                return Poll::Ready(Err(io::Error::other(SPIN_ERROR)));
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.tape.with(|t| t.unfinished_write = Some(buf.to_vec()));
        let limit = match this.write_sizes.get(this.next_size) {
            Some(&size) => size.min(buf.len()),
            None => buf.len(),
        };
        let polled = Pin::new(&mut this.inner).poll_write(cx, &buf[..limit]);
        if polled.is_ready() {
            this.tape.with(|t| t.unfinished_write = None);
        }
        if let Poll::Ready(Ok(n)) = polled
            && n > 0
        {
            if !this.write_sizes.is_empty() {
                this.next_size = (this.next_size + 1) % this.write_sizes.len();
            }
            this.tape.with(|t| {
                t.events.push(Event::Wrote(buf[..n].to_vec()));
                t.short_writes += usize::from(n < buf.len());
            });
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_shutdown(cx);
        if polled.is_ready() {
            self.tape.with(|t| t.events.push(Event::Shutdown));
        }
        polled
    }
}

/// Bytes as a learner reads them: a quoted string with `\n` and friends escaped, cut short
/// (with the total length) past `max` characters.
pub fn show_upto(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let count = text.chars().count();
    if count <= max {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(max).collect();
    format!("{head:?}… ({} bytes in all)", bytes.len())
}

/// [`show_upto`] with room for a line or two.
pub fn show(bytes: &[u8]) -> String {
    show_upto(bytes, 60)
}

/// Where two byte strings first differ, or `None` if one is a prefix of the other.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y)
}

/// About `len` bytes of readable text: words from a fixed list, chosen by `rng`, separated by
/// spaces, with a newline now and then.
pub fn words(rng: &mut crate::Seeded, len: usize) -> String {
    const WORDS: [&str; 24] = [
        "tokio", "await", "socket", "stream", "bytes", "echo", "reader", "writer", "task", "loop",
        "future", "poll", "ready", "pending", "drain", "close", "server", "client", "pipe",
        "frame", "line", "buffer", "wake", "io",
    ];
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        let word = WORDS[rng.between(0, WORDS.len() as u64 - 1) as usize];
        out.push_str(word);
        out.push(if rng.between(0, 9) == 0 { '\n' } else { ' ' });
    }
    out.truncate(len);
    out
}

/// `count` whole words from the same list as [`words`], separated by single spaces.
pub fn phrase(rng: &mut crate::Seeded, count: usize) -> String {
    let text = words(rng, count * 12);
    let picked: Vec<&str> = text.split_whitespace().take(count).collect();
    picked.join(" ")
}

/// Runs `fut`, turning a panic while it is polled into `Err(message)`.
///
/// A panic that escapes `Ctx::paused` would leave its watchdog waiting for a poll that never
/// ends; catching it inside keeps every poll finished, so the grader can explain the panic.
pub fn caught<F: Future>(fut: F) -> Caught<F> {
    Caught {
        inner: Box::pin(fut),
    }
}

/// The future [`caught`] returns.
pub struct Caught<F: Future> {
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for Caught<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(crate::harness::payload_text(payload.as_ref()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_text_with_escapes_and_cuts_long_text() {
        assert_eq!(show(b"PING\n"), "\"PING\\n\"");
        assert_eq!(show_upto(b"abcdef", 3), "\"abc\"… (6 bytes in all)");
    }

    fn block_on<F: Future>(fut: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(fut)
    }

    #[test]
    fn short_writes_are_recorded_and_write_all_still_delivers() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (delivered, tape) = block_on(async {
            let (a, mut b) = tokio::io::duplex(1024);
            let (mut tap, tape) = Tap::new(a);
            tap = tap.short_writes(vec![3, 5]);
            tap.write_all(b"hello, world").await.expect("write");
            drop(tap);
            let mut out = Vec::new();
            b.read_to_end(&mut out).await.expect("read");
            (out, tape.get())
        });
        assert_eq!(delivered, b"hello, world");
        assert_eq!(tape.written_bytes(), b"hello, world");
        assert!(tape.short_writes >= 2);
    }

    #[test]
    fn a_loop_past_end_of_stream_is_stopped() {
        use tokio::io::AsyncReadExt;
        let (result, tape) = block_on(async {
            let (a, b) = tokio::io::duplex(64);
            drop(b);
            let (mut tap, tape) = Tap::new(a);
            let mut buf = [0u8; 8];
            let result = loop {
                match tap.read(&mut buf).await {
                    Ok(_) => continue,
                    Err(e) => break e,
                }
            };
            (result, tape.get())
        });
        assert_eq!(result.to_string(), SPIN_ERROR);
        assert!(tape.spun);
    }

    #[test]
    fn finds_the_first_difference() {
        assert_eq!(first_difference(b"abc", b"abd"), Some(2));
        assert_eq!(first_difference(b"ab", b"abc"), None);
    }
}
