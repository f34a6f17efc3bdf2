//! Grader for `tcp_echo`: `start` serves an echo on 127.0.0.1 at the port it reports, and `ask`
//! sends a whole message, closes its sending side and reads the answer to the end.
//!
//! Real sockets on the loopback interface only, on the real clock. No verdict rests on how fast
//! the machine is: what correct code does takes microseconds, and the grader waits seconds
//! before it calls something missing. The one pause the grader makes itself (between the two
//! parts of an answer) only ever makes wrong code fail; correct code reads to the end anyway.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/05_network/03_tcp_echo.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/05_network/03_tcp_echo.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::network_io::{show, words};
use kit::prelude::*;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

fn main() {
    grade(&[
        test(
            "start_reports_its_address",
            "start returns a 127.0.0.1 address with the port the OS picked",
            start_reports_its_address,
        ),
        test(
            "server_echoes",
            "a client that connects to that address gets every byte back",
            server_echoes,
        ),
        test(
            "two_servers_at_once",
            "two servers started side by side each work, on ports of their own",
            two_servers_at_once,
        ),
        test(
            "ask_closes_its_side",
            "ask sends the whole message and shuts down its writing side",
            ask_closes_its_side,
        ),
        test(
            "ask_reads_to_the_end",
            "ask returns the whole answer, even when it arrives in two parts",
            ask_reads_to_the_end,
        ),
        test(
            "ask_meets_start",
            "your ask against your server: the message comes back whole",
            ask_meets_start,
        ),
    ]);
}

/// Real time a whole test may take; correct code needs milliseconds.
const LIMIT: Duration = Duration::from_secs(10);
/// Real time the grader waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(2);
/// The pause between the two parts of an answer in `ask_reads_to_the_end`.
const GAP: Duration = Duration::from_millis(150);

/// Calls the learner's `start` and checks the address before anyone connects to it.
async fn started() -> Result<SocketAddr, Fail> {
    let addr = match timeout(PATIENCE, learner::start()).await {
        Err(_) => fail!(
            "start had not returned after {}. Bind, spawn the accept loop as a task, and \
             return: awaiting the accept loop itself never ends.",
            ms(PATIENCE)
        ),
        Ok(Err(e)) => fail!("start returned Err({e}): the server could not start."),
        Ok(Ok(addr)) => addr,
    };
    if addr.port() == 0 {
        fail!(
            "start returned {addr}, the address it asked to bind. Port 0 means \"any free \
             port\": the operating system picks one when the listener binds, and a client \
             cannot connect to port 0. Return listener.local_addr()?, which holds the real \
             port (asyncio: server.sockets[0].getsockname())."
        );
    }
    if !addr.ip().is_loopback() {
        fail!(
            "start returned {addr}: the servers of this course listen on 127.0.0.1 only, so \
             nothing outside this machine can reach them. Bind \"127.0.0.1:0\"."
        );
    }
    Ok(addr)
}

fn start_reports_its_address(ctx: &mut Ctx) -> Check {
    ctx.real(LIMIT, started)?.value?;
    Ok(())
}

/// Connects to `addr`, sends `message` while reading, closes its sending side, and returns
/// what came back; explains a server that does not answer or does not close.
async fn echo_client(addr: SocketAddr, message: Vec<u8>) -> Result<Vec<u8>, Fail> {
    let stream = match timeout(PATIENCE, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => fail!("the grader could not connect to {addr}: {e}."),
        Err(_) => fail!("connecting to {addr} took more than {}.", ms(PATIENCE)),
    };
    let (mut from_server, mut to_server) = stream.into_split();
    let len = message.len();
    let send = async move {
        to_server.write_all(&message).await?;
        to_server.shutdown().await
    };
    let mut got = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    let receive = async {
        loop {
            match timeout(PATIENCE, from_server.read(&mut buf)).await {
                Ok(Ok(0)) => return Ok(()),
                Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
                Ok(Err(e)) => return Err(format!("reading the echo failed: {e}")),
                Err(_) => return Err(String::new()),
            }
        }
    };
    let (sent, received) = tokio::join!(send, receive);
    if let Err(e) = sent {
        fail!("the grader could not send its {len} bytes to your server: {e}.");
    }
    match received {
        Ok(()) => Ok(got),
        Err(e) if !e.is_empty() => fail!("{e}"),
        Err(_) if got.len() >= len => fail!(
            "your server echoed all {len} bytes, but then kept the connection open for {} \
             after the client had closed its side. When the client is done (read returns 0), \
             the handler should end and drop the socket, which closes it.",
            ms(PATIENCE)
        ),
        Err(_) => fail!(
            "the grader sent {len} bytes and closed its sending side; {} bytes came back, and \
             then nothing for {}. Echo every byte, until read returns 0.",
            got.len(),
            ms(PATIENCE)
        ),
    }
}

fn compare_echo(sent: &[u8], got: &[u8]) -> Check {
    ensure!(
        got == sent,
        "the grader sent {} bytes and got {} back, which differ: sent {}, got {}.",
        sent.len(),
        got.len(),
        show(sent),
        show(got)
    );
    Ok(())
}

fn server_echoes(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(20_000, 60_000) as usize;
    let message = words(&mut rng, len).into_bytes();
    ctx.real(LIMIT, || async move {
        let addr = started().await?;
        let got = echo_client(addr, message.clone()).await?;
        compare_echo(&message, &got)
    })?
    .value
}

fn two_servers_at_once(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let first = words(&mut rng, 300).into_bytes();
    let second = words(&mut rng, 300).into_bytes();
    ctx.real(LIMIT, || async move {
        let a = started().await?;
        let b = match timeout(PATIENCE, learner::start()).await {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => fail!(
                "the first server started on {a}, and starting a second one failed: {e}. \
                 A fixed port can be held by only one listener; bind port 0 and let the \
                 operating system pick a free one each time."
            ),
            Err(_) => fail!(
                "the second call to start had not returned after {}.",
                ms(PATIENCE)
            ),
        };
        ensure!(
            a != b,
            "two servers both said they listen on {a}: each bind should get a port of its own. \
             Return listener.local_addr()? of the listener you just bound."
        );
        let (got_a, got_b) = tokio::join!(
            echo_client(a, first.clone()),
            echo_client(b, second.clone())
        );
        compare_echo(&first, &got_a?)?;
        compare_echo(&second, &got_b?)
    })?
    .value
}

/// What the grader's own server saw of the client.
enum Heard {
    /// The client's whole message, then end of stream.
    Whole,
    /// The client's whole message, and then no end of stream for a long while.
    NoEnd(usize),
    /// Something else: explained.
    Other(String),
}

/// A one-connection server standing in for an echo server; it answers as it is told.
struct Stand {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Stand {
    async fn bind() -> Result<Stand, Fail> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| Fail::new(format!("the grader could not bind its own server: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Fail::new(e.to_string()))?;
        Ok(Stand { listener, addr })
    }

    /// Accepts one client and reads its whole message, up to end of stream.
    async fn hear(&self, len: usize) -> (Heard, Option<TcpStream>) {
        let mut socket = match timeout(PATIENCE, self.listener.accept()).await {
            Ok(Ok((socket, _))) => socket,
            Ok(Err(e)) => return (Heard::Other(format!("accepting failed: {e}")), None),
            Err(_) => {
                let text = format!(
                    "ask never connected to {} within {}.",
                    self.addr,
                    ms(PATIENCE)
                );
                return (Heard::Other(text), None);
            }
        };
        let mut received = 0;
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match timeout(PATIENCE, socket.read(&mut buf)).await {
                Ok(Ok(0)) if received == len => return (Heard::Whole, Some(socket)),
                Ok(Ok(0)) => {
                    let text = format!(
                        "ask closed its sending side after {received} of the message's {len} \
                         bytes. Send all of it with write_all before shutting down."
                    );
                    return (Heard::Other(text), Some(socket));
                }
                Ok(Ok(n)) => received += n,
                Ok(Err(_)) => return (Heard::Whole, None),
                Err(_) if received >= len => return (Heard::NoEnd(received), Some(socket)),
                Err(_) => {
                    let text = format!(
                        "ask sent {received} of the message's {len} bytes and then nothing for \
                         {}. Send the whole message with write_all.",
                        ms(PATIENCE)
                    );
                    return (Heard::Other(text), Some(socket));
                }
            }
        }
    }
}

/// What a server that waits for end of stream concludes when ask never closes its side.
fn no_end_failure(len: usize) -> Fail {
    Fail::new(format!(
        "ask sent all {len} bytes and then waited for the answer, while the server waited for \
         the end of the message: {} later it had still not seen it. On a stream, the end of a \
         message is often the end of the stream, and an echo server finishes (and closes) only \
         when its client is done sending. After write_all, call stream.shutdown().await \
         (asyncio's writer.write_eof()) to close your sending side; you can still read the \
         answer after that.",
        ms(PATIENCE)
    ))
}

/// Runs `ask` against `stand` serving with `serve`, and explains the outcome.
async fn ask_against<S, F>(stand: &Stand, message: &str, serve: S) -> Result<String, Fail>
where
    S: FnOnce() -> F,
    F: std::future::Future<Output = Result<(), Fail>>,
{
    let asked = timeout(PATIENCE * 2, learner::ask(stand.addr, message));
    let served = serve();
    tokio::pin!(asked, served);
    let mut serving = true;
    let asked = loop {
        tokio::select! {
            result = &mut served, if serving => {
                // A server that gave up has explained why; ask's side can only wait longer.
                result?;
                serving = false;
            }
            asked = &mut asked => break asked,
        }
    };
    match asked {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(e)) => fail!("ask returned Err({e})."),
        Err(_) => fail!("ask had not returned after {}.", ms(PATIENCE * 2)),
    }
}

fn too_short(answer: &str, whole: &str, how: &str) -> Fail {
    Fail::new(format!(
        "ask returned {} bytes, {}, of the {}-byte answer. {how} One read returns whatever \
         has arrived so far, which may be only the start (asyncio's reader.read(100) has the \
         same limit). Read until the server closes the connection: read_to_string or \
         read_to_end, which stop at end of stream.",
        answer.len(),
        show(answer.as_bytes()),
        whole.len()
    ))
}

fn ask_closes_its_side(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(1500, 6000) as usize;
    let message = words(&mut rng, len);
    ctx.real(LIMIT, || async move {
        let stand = Stand::bind().await?;
        let serve = || async {
            let mut socket = match stand.hear(message.len()).await {
                (Heard::Whole, Some(socket)) => socket,
                (Heard::Whole, None) => return Ok(()),
                (Heard::NoEnd(n), _) => return Err(no_end_failure(n)),
                (Heard::Other(text), _) => return Err(Fail::new(text)),
            };
            // The whole answer in one write, then the close.
            let _ = socket.write_all(message.as_bytes()).await;
            Ok(())
        };
        let answer = ask_against(&stand, &message, serve).await?;
        if answer == message {
            return Ok(());
        }
        if message.starts_with(&answer) {
            return Err(too_short(
                &answer,
                &message,
                "The server sent it in one write and then closed the connection.",
            ));
        }
        fail!(
            "ask returned {} for the message {}: it should return exactly what the server sent \
             back, which was the message itself.",
            show(answer.as_bytes()),
            show(message.as_bytes())
        )
    })?
    .value
}

fn ask_reads_to_the_end(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(800, 4000) as usize;
    let message = words(&mut rng, len);
    let cut = rng.between(200, len as u64 / 2) as usize;
    ctx.real(LIMIT, || async move {
        let stand = Stand::bind().await?;
        let serve = || async {
            let mut socket = match stand.hear(message.len()).await {
                (Heard::Whole, Some(socket)) => socket,
                (Heard::Whole, None) => return Ok(()),
                (Heard::NoEnd(n), _) => return Err(no_end_failure(n)),
                (Heard::Other(text), _) => return Err(Fail::new(text)),
            };
            // The answer in two parts, a pause apart, then the close: only reading to the end
            // of the stream gets all of it.
            let _ = socket.write_all(&message.as_bytes()[..cut]).await;
            tokio::time::sleep(GAP).await;
            let _ = socket.write_all(&message.as_bytes()[cut..]).await;
            Ok(())
        };
        let answer = ask_against(&stand, &message, serve).await?;
        if answer == message {
            return Ok(());
        }
        if message.starts_with(&answer) {
            let how = format!(
                "This server sent its answer in two parts, {} apart, and closed the connection \
                 after the second.",
                ms(GAP)
            );
            return Err(too_short(&answer, &message, &how));
        }
        fail!(
            "ask returned {}, but the server sent back {}.",
            show(answer.as_bytes()),
            show(message.as_bytes())
        )
    })?
    .value
}

fn ask_meets_start(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let len = rng.between(1000, 8000) as usize;
    let message = words(&mut rng, len);
    ctx.real(LIMIT, || async move {
        let addr = started().await?;
        let answer = match timeout(PATIENCE, learner::ask(addr, &message)).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => fail!("your ask against your server returned Err({e})."),
            Err(_) => fail!(
                "your ask against your server had not returned after {}. If the other tests \
                 pass, look at how the two agree on the end of the message: the server closes \
                 once ask has shut down its sending side.",
                ms(PATIENCE)
            ),
        };
        ensure!(
            answer == message,
            "your ask sent {} bytes to your server and returned {} bytes: {}.",
            message.len(),
            answer.len(),
            show(answer.as_bytes())
        );
        Ok(())
    })?
    .value
}
