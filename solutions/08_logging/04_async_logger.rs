//! # Step 4 — the challenge: a logger off the hot path
//!
//! In Python you would write:
//!
//! ```python
//! async def nap(i, seconds):
//!     log.info("started", extra={"i": i})
//!     await asyncio.sleep(seconds)
//!     log.info("finished", extra={"i": i, "slept_ms": round(seconds * 1000)})
//!     return seconds
//!
//! async def main():
//!     queue = SimpleQueue()
//!     log.addHandler(QueueHandler(queue))     # logging only puts records on a queue...
//!     listener = QueueListener(queue, StreamHandler(sink))
//!     listener.start()                        # ...one worker writes them, off the event loop
//!     print(await asyncio.gather(*(nap(i, random.uniform(1, 3)) for i in range(5))))
//!     listener.stop()                         # drains the queue, then ends the worker
//! ```
//!
//! The asyncio lesson's warning about `print`, answered: writing a log line is synchronous IO,
//! and a task that writes its own lines stalls whenever the sink does (a full pipe, a slow disk,
//! a terminal being scrolled).
//! The fix is the same in both languages: logging only *hands the line over* (a channel send that
//! never waits), and one **logger task** does all the writing. Here tracing-subscriber's `fmt`
//! layer formats each event and writes it to a `LogWriter` you provide; the `LogWriter` sends the
//! bytes over an unbounded `tokio::sync::mpsc` channel; the logger task receives them and writes
//! them to the sink, in order. When every sender is gone (the subscriber that owns the
//! `LogWriter` was dropped), `recv()` returns `None`: the logger writes what is left, ends, and
//! hands the sink back. Whoever awaits its `JoinHandle` knows every line is out.
//!
//! Three pieces to write (each has a plausible but wrong start):
//!
//! - `impl Write for LogWriter`: send each buffer over the channel; never write it yourself;
//! - `start_logger(sink)`: make the channel and spawn the logger task with `tokio::spawn` (not a
//!   thread or `spawn_blocking`: a blocking thread would also stop tokio's paused clock), which
//!   writes every line to `sink` until the channel closes, then returns the sink;
//! - `gather_logged(durations)`: the basics track's `gather` with logging: one task per duration,
//!   all at once, each inside its own span `nap` with the field `i` (its index), emitting INFO
//!   `started` at once and INFO `finished` with the field `slept_ms` (whole milliseconds, a number)
//!   after sleeping; return what each slept, in the order of `durations`.
//!
//! Contract:
//!
//! - `pub struct LogWriter`, a `Write` and a `MakeWriter`;
//! - `pub fn start_logger<W: Write + Send + 'static>(sink: W) -> (LogWriter, JoinHandle<W>)`;
//! - `pub async fn gather_logged(durations: Vec<Duration>) -> Vec<Duration>`.
//!
//! The grader, like `main` below, builds the subscriber itself (a recording layer of its own,
//! plus a `fmt` layer writing to your `LogWriter`), sets it as the default while
//! `gather_logged` runs on tokio's paused clock, drops it, then awaits your logger. It checks:
//! the naps run at once and the results come back in order; each event is inside its own nap's
//! span at its exact virtual time; the logger ends only after the work, as soon as the
//! subscriber is gone, handing the sink back, with no task left; the sink holds exactly the lines
//! formatted, in order; and all of them were written by one logger task, none by the naps.
//!
//! Run the program yourself with `cargo run -p course --example async_logger`.

use rand::RngExt;
use std::fmt;
use std::io::{self, Write};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::Instrument;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

/// Where tracing-subscriber's fmt layer writes each formatted event: the bytes go over the
/// channel to the logger task.
#[derive(Clone)]
pub struct LogWriter {
    lines: mpsc::UnboundedSender<Vec<u8>>,
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lines
            .send(buf.to_vec())
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the logger task has ended"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Lets the fmt layer ask for a writer for each event: a clone, sending into the same channel.
impl<'a> MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> LogWriter {
        self.clone()
    }
}

/// Starts the logger task: it writes every line that arrives to `sink`, in order, and returns
/// the sink once every `LogWriter` is gone.
pub fn start_logger<W: Write + Send + 'static>(mut sink: W) -> (LogWriter, JoinHandle<W>) {
    let (lines, mut arriving) = mpsc::unbounded_channel::<Vec<u8>>();
    let logger = tokio::spawn(async move {
        while let Some(line) = arriving.recv().await {
            let _ = sink.write_all(&line);
        }
        sink
    });
    (LogWriter { lines }, logger)
}

/// Sleeps every duration in its own task, all at once, each inside a span `nap{i}` that logs
/// `started` and `finished`; returns how long each slept, in the order of `durations`.
pub async fn gather_logged(durations: Vec<Duration>) -> Vec<Duration> {
    let mut handles = Vec::new();
    for (i, d) in durations.into_iter().enumerate() {
        let nap = async move {
            tracing::info!("started");
            tokio::time::sleep(d).await;
            tracing::info!(slept_ms = d.as_millis() as u64, "finished");
            d
        };
        handles.push(tokio::spawn(nap.instrument(tracing::info_span!("nap", i))));
    }
    let mut slept = Vec::with_capacity(handles.len());
    for handle in handles {
        slept.push(handle.await.expect("a nap panicked"));
    }
    slept
}

/// Stamps each line with the time since the program started, on tokio's clock.
struct Uptime(tokio::time::Instant);

impl FormatTime for Uptime {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        write!(w, "{:>6} ms", self.0.elapsed().as_millis())
    }
}

// A current-thread runtime: `set_default` installs the subscriber for this thread only, and here
// every task runs on it.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut rng = rand::rng();
    let durations: Vec<Duration> = (0..5)
        .map(|_| Duration::from_millis(rng.random_range(500..=3000)))
        .collect();
    let (writer, logger) = start_logger(io::stdout());
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_target(false)
        .with_timer(Uptime(tokio::time::Instant::now()))
        .finish();
    let slept = {
        let _default = tracing::subscriber::set_default(subscriber);
        gather_logged(durations).await
    }; // the subscriber goes here, and with it the last LogWriter: the channel closes
    let _stdout = logger.await.expect("the logger task panicked");
    println!("slept {slept:?}");
}
