//! The grader's `main`: runs each test in order, turns panics and stray threads into failures,
//! and writes every result to the runner's report file.

use crate::clock::Ctx;
use crate::report::{self, Line};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a grader test returns: `Ok(())` when the property holds.
pub type Check = Result<(), Fail>;

/// A failed property, explained for the learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// What was expected, what happened, what to try.
    pub message: String,
    /// A drawing of what the runtime observed (for example a task timeline), if any.
    pub picture: Option<String>,
}

impl Fail {
    /// A failure with a message and no picture.
    pub fn new(message: impl Into<String>) -> Self {
        Fail {
            message: message.into(),
            picture: None,
        }
    }

    /// Attaches a drawing of what was observed.
    pub fn with_picture(mut self, picture: impl Into<String>) -> Self {
        let picture = picture.into();
        self.picture = (!picture.is_empty()).then_some(picture);
        self
    }
}

impl From<String> for Fail {
    fn from(message: String) -> Self {
        Fail::new(message)
    }
}

/// One property a grader checks, in the order the grader lists them.
#[derive(Clone, Copy)]
pub struct Test {
    /// A stable identifier, `snake_case`, unique within the step.
    pub name: &'static str,
    /// One line saying what the property is, shown in reports.
    pub what: &'static str,
    /// The check itself.
    pub run: fn(&mut Ctx) -> Check,
}

/// Declares a test: `test("results_in_order", "results come back in spawn order", check_fn)`.
pub const fn test(name: &'static str, what: &'static str, run: fn(&mut Ctx) -> Check) -> Test {
    Test { name, what, run }
}

/// The first panic seen during the current test: the root cause, not its echoes.
static FIRST_PANIC: Mutex<Option<Panic>> = Mutex::new(None);

/// Runs the grader's tests and exits: 0 when all pass, 1 when one fails.
///
/// With `--report FILE --token T` (as the runner calls it) results go to FILE; run by hand
/// (`cargo test -p course --test STEP`) they are printed.
pub fn grade(tests: &[Test]) -> ! {
    let args = Args::parse();
    if args.list {
        for t in tests {
            println!("{}: {}", t.name, t.what);
        }
        std::process::exit(0);
    }
    report::open(args.report.as_deref(), args.token.clone());
    let seed = args.seed.unwrap_or_else(fresh_seed);
    let plan: Vec<&Test> = tests
        .iter()
        .filter(|t| args.only.as_deref().is_none_or(|only| only == t.name))
        .collect();
    report::emit(&Line::Plan {
        seed,
        tests: plan.iter().map(|t| (t.name, t.what)).collect(),
    });
    install_panic_hook();
    let mut all_passed = true;
    for t in plan {
        let passed = run_one(t, seed);
        all_passed &= passed;
    }
    report::emit(&Line::Done);
    std::process::exit(if all_passed { 0 } else { 1 });
}

fn run_one(t: &Test, seed: u64) -> bool {
    report::set_current(t.name);
    *FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let threads_before = thread_count();
    let mut ctx = Ctx::new(seed, t.name);
    let started = Instant::now();
    let caught = panic::catch_unwind(AssertUnwindSafe(|| (t.run)(&mut ctx)));
    let real = started.elapsed();
    let mut result = match caught {
        Ok(check) => check,
        Err(payload) => Err(panic_failure(payload)),
    };
    if result.is_ok()
        && let Some(extra) = stray_threads(threads_before)
    {
        result = Err(Fail::new(format!(
            "your code started {extra} thread(s) that were still running after the test ended. \
             A thread that outlives its work keeps running behind everyone's back: join it, or \
             use tokio::task::spawn_blocking, whose work the runtime waits for."
        )));
    }
    let passed = result.is_ok();
    report::emit(&Line::Test {
        name: t.name,
        result: &result,
        virtual_time: ctx.virtual_total(),
        real_time: real,
    });
    passed
}

fn panic_failure(payload: Box<dyn std::any::Any + Send>) -> Fail {
    let last = payload_text(payload.as_ref());
    let first = FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    let first = first.unwrap_or_else(|| Panic {
        text: last.clone(),
        file: None,
        line: 0,
    });
    if first.is_grader_assertion() {
        return Fail::new(first.text);
    }
    let at = first
        .file
        .as_ref()
        .map(|f| format!(" at {f}:{}", first.line))
        .unwrap_or_default();
    let text = &first.text;
    if text.contains("not yet implemented") {
        return Fail::new(format!(
            "the step is not done yet: its code reached a todo!(){at}: \"{text}\". Replace the \
             todo!() with your code."
        ));
    }
    // The JoinHandle remark only helps when the panic reached the test through one.
    let through_task = if last.contains("JoinError") && last != *text {
        " It happened inside a task; it reached the code that awaited the task's JoinHandle \
         as an Err, which panicked in turn."
    } else {
        ""
    };
    Fail::new(format!(
        "the code panicked{at}: \"{text}\". Read the message and the line it names.{through_task}"
    ))
}

/// The text a panic was raised with.
pub(crate) fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}

/// Records the first panic (with its location) instead of printing it: the report carries it.
fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let mut first = FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner());
        if first.is_none() {
            let text = payload_text(info.payload());
            let file = info.location().map(|at| crate::fmt::clean_path(at.file()));
            *first = Some(Panic {
                text,
                line: info.location().map_or(0, |at| at.line()),
                file,
            });
        }
    }));
}

/// A panic as the hook saw it.
struct Panic {
    text: String,
    file: Option<String>,
    line: u32,
}

impl Panic {
    /// A grader's own assertion (tokio-test's `assert_pending!` and friends) already speaks to
    /// the learner; a panic anywhere else is the learner's code failing.
    fn is_grader_assertion(&self) -> bool {
        self.file
            .as_deref()
            .is_some_and(|f| f.starts_with("graders/") && !f.contains("/kit/"))
    }
}

/// How many threads this process has, where the OS tells us (Linux).
fn thread_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

/// Threads beyond those alive before the test, after giving exiting ones a moment to go.
fn stray_threads(before: Option<usize>) -> Option<usize> {
    let before = before?;
    let deadline = Instant::now() + Duration::from_millis(200);
    loop {
        let now = thread_count()?;
        if now <= before {
            return None;
        }
        if Instant::now() >= deadline {
            return Some(now - before);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (nanos as u64) ^ u64::from(std::process::id())
}

/// The grader's command line, as the runner passes it. Unknown words are ignored so that
/// `cargo test -p course --test STEP -- --nocapture` still works by hand.
#[derive(Default)]
struct Args {
    report: Option<String>,
    token: Option<String>,
    seed: Option<u64>,
    only: Option<String>,
    list: bool,
}

impl Args {
    fn parse() -> Args {
        let mut args = Args::default();
        let mut words = std::env::args().skip(1);
        while let Some(word) = words.next() {
            match word.as_str() {
                "--report" => args.report = words.next(),
                "--token" => args.token = words.next(),
                "--seed" => args.seed = words.next().and_then(|s| s.parse().ok()),
                "--only" => args.only = words.next(),
                "--list" => args.list = true,
                _ => {}
            }
        }
        args
    }
}
