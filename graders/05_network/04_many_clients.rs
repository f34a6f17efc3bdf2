//! Grader for `many_clients`: `serve` handles every connection in a task of its own, so a
//! silent client holds up nobody, and one client's error does not end the server.
//!
//! The grader binds a listener on 127.0.0.1 (port 0), runs the learner's `serve` on it, and
//! connects real clients, on the real clock. Every verdict is about an answer that correct code
//! gives in microseconds and that a one-at-a-time server never gives at all: the grader waits
//! two seconds before it calls an answer missing, so the machine's speed never decides.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/05_network/04_many_clients.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/05_network/04_many_clients.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::network_io::phrase;
use kit::prelude::*;
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

fn main() {
    grade(&[
        test(
            "silent_client_holds_up_nobody",
            "while one client says nothing, another still gets its answer",
            silent_client_holds_up_nobody,
        ),
        test(
            "talk_in_any_order",
            "clients that speak in the reverse of the order they connected in all get answers",
            talk_in_any_order,
        ),
        test(
            "bad_client_leaves_server_up",
            "a client whose handler fails does not end the server",
            bad_client_leaves_server_up,
        ),
    ]);
}

/// Real time a whole test may take; correct code needs milliseconds.
const LIMIT: Duration = Duration::from_secs(10);
/// Real time the grader waits for an answer that correct code gives at once.
const PATIENCE: Duration = Duration::from_secs(2);

/// The learner's server, running on a listener the grader bound.
struct Server {
    addr: SocketAddr,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start() -> Result<Server, Fail> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Fail::new(format!("the grader could not bind a listener: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Fail::new(e.to_string()))?;
    let task = tokio::spawn(learner::serve(listener));
    Ok(Server { addr, task })
}

/// One of the grader's clients.
struct Client {
    name: String,
    lines: Lines<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
}

/// What a client heard after it spoke.
enum Heard {
    Line(String),
    Closed,
    Nothing,
    Broken(std::io::Error),
}

impl Client {
    async fn connect(addr: SocketAddr, name: &str) -> Result<Client, Fail> {
        let stream = match timeout(PATIENCE, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => fail!("client {name} could not connect to the server: {e}."),
            Err(_) => fail!("client {name} could not connect within {}.", ms(PATIENCE)),
        };
        let (reader, writer) = stream.into_split();
        let lines = BufReader::new(reader).lines();
        Ok(Client {
            name: name.to_owned(),
            lines,
            writer,
        })
    }

    async fn say(&mut self, bytes: &[u8]) -> Result<(), Fail> {
        self.writer.write_all(bytes).await.map_err(|e| {
            Fail::new(format!(
                "client {} could not send its line: {e}.",
                self.name
            ))
        })
    }

    async fn listen(&mut self) -> Heard {
        match timeout(PATIENCE, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => Heard::Line(line),
            Ok(Ok(None)) => Heard::Closed,
            Ok(Err(e)) => Heard::Broken(e),
            Err(_) => Heard::Nothing,
        }
    }

    /// Says `text` as a line and checks the answer is the same line in upper case.
    async fn ask(&mut self, text: &str, why_missing: &str) -> Check {
        self.say(format!("{text}\n").as_bytes()).await?;
        let want = text.to_uppercase();
        let name = self.name.clone();
        match self.listen().await {
            Heard::Line(got) if got == want => Ok(()),
            Heard::Line(got) => fail!(
                "client {name} sent {text:?} and got {got:?} back instead of {want:?}. \
                 handle is given: leave it as it was."
            ),
            Heard::Nothing => fail!(
                "client {name} sent {text:?} and got no answer in {}. {why_missing}",
                ms(PATIENCE)
            ),
            Heard::Closed => fail!(
                "client {name} sent {text:?} and the server closed the connection without \
                 answering. {why_missing}"
            ),
            Heard::Broken(e) => {
                fail!("client {name} sent {text:?} and the connection broke: {e}. {why_missing}")
            }
        }
    }
}

const ONE_AT_A_TIME: &str = "Your server serves one client at a time: it is still inside \
    handle() for an earlier client, waiting for that client's next line, and has not even \
    accepted this one. asyncio's start_server runs each handler as a task of its own; with \
    tokio you do it yourself: tokio::spawn(async move { ... handle(socket) ... }) for each \
    accepted socket, and go straight back to accept(). Spawning and then awaiting the \
    JoinHandle straight away (tokio::spawn(handle(socket)).await, like Python's \
    `await asyncio.create_task(...)`) still serves one client at a time: the loop waits for \
    that task to end. Do not await the handle in the accept loop.";

fn silent_client_holds_up_nobody(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let text = phrase(&mut rng, 4);
    ctx.real(LIMIT, || async move {
        let server = start().await?;
        let mut quiet = Client::connect(server.addr, "A").await?;
        let mut talker = Client::connect(server.addr, "B").await?;
        let why = format!("Client A connected first and has said nothing since. {ONE_AT_A_TIME}");
        talker.ask(&text, &why).await?;
        // A was only quiet, not gone: it is served too.
        quiet
            .ask("and me?", "Client A spoke up after staying quiet.")
            .await
    })?
    .value
}

fn talk_in_any_order(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let n = rng.between(4, 7) as usize;
    let texts: Vec<String> = (0..n).map(|_| phrase(&mut rng, 3)).collect();
    ctx.real(LIMIT, || async move {
        let server = start().await?;
        let mut clients = Vec::with_capacity(n);
        for i in 0..n {
            clients.push(Client::connect(server.addr, &format!("#{}", i + 1)).await?);
        }
        // The last to connect speaks first.
        for (i, client) in clients.iter_mut().enumerate().rev() {
            let why = format!(
                "{n} clients connected, #1 first and #{n} last, and they speak in reverse: \
                 #{} spoke while {} earlier client(s) were connected and quiet. \
                 {ONE_AT_A_TIME}",
                i + 1,
                i
            );
            client.ask(&texts[i], &why).await?;
        }
        Ok(())
    })?
    .value
}

fn bad_client_leaves_server_up(ctx: &mut Ctx) -> Check {
    let mut rng = ctx.rng();
    let texts = [phrase(&mut rng, 4), phrase(&mut rng, 4)];
    ctx.real(LIMIT, || async move {
        let mut server = start().await?;
        let mut bad = Client::connect(server.addr, "X").await?;
        // Not UTF-8: next_line() in handle fails with InvalidData.
        bad.say(b"caf\xe9 \xff\xfe\n").await?;
        // A server that handles X in its own task ends X's connection when handle fails; wait
        // for that, so that what happens next does not depend on timing.
        let x_ended = !matches!(bad.listen().await, Heard::Nothing);
        still_serving(&mut server).await?;
        let why = if x_ended {
            format!(
                "Client X, whose line was not UTF-8, has been dealt with (its connection is \
                 closed) and serve is still running. {ONE_AT_A_TIME}"
            )
        } else {
            format!(
                "Client X sent a line that is not UTF-8 and is still connected. \
                 {ONE_AT_A_TIME}"
            )
        };
        // Two more clients, one after the other: an error may surface at the next accept.
        for (name, text) in ["Y", "Z"].into_iter().zip(&texts) {
            let mut good = Client::connect(server.addr, name).await?;
            good.ask(text, &why).await?;
            still_serving(&mut server).await?;
        }
        Ok(())
    })?
    .value
}

/// Fails, saying how, if the learner's `serve` has ended.
async fn still_serving(server: &mut Server) -> Check {
    if !server.task.is_finished() {
        return Ok(());
    }
    let how = match (&mut server.task).await {
        Ok(Ok(())) => "serve returned Ok(())".to_owned(),
        Ok(Err(e)) => format!("serve returned Err({e})"),
        Err(e) if e.is_panic() => "serve panicked".to_owned(),
        Err(e) => format!("serve ended: {e}"),
    };
    fail!(
        "client X sent a line that is not UTF-8 text; handle failed on it, and then {how}: \
         the whole server stopped, for every client still to come, because of one. Deal with \
         a client's error inside that client's task (print it with eprintln!), instead of \
         passing it up out of serve."
    )
}
