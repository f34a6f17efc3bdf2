//! Grader for `polite_crawler`: `crawl` fetches every reachable page once, never more than
//! `limit` at a time, keeps every slot busy while pages wait, and after a shutdown starts
//! nothing new, lets the fetches in flight finish and returns when they have.
//!
//! The web is seeded: a tree of pages (so every page is reachable) plus extra links, links back
//! and a few pages nobody links to. Fetches take multiples of 10 ms and the shutdown comes at
//! an instant ending in 5 ms, so it never ties with the start or end of a fetch.

#[cfg_attr(
    not(feature = "solution"),
    path = "../../exercises/04_sync/06_polite_crawler.rs"
)]
#[cfg_attr(
    feature = "solution",
    path = "../../solutions/04_sync/06_polite_crawler.rs"
)]
#[allow(dead_code)]
mod learner;

use kit::prelude::*;
use kit::sync_spans::{self, Drawing, Span, Spans};
use learner::{BoxFuture, Fetcher};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

fn main() {
    grade(&[
        test(
            "fetches_every_page_once",
            "every page reachable from the start is fetched exactly once, and only those",
            every_page_once,
        ),
        test(
            "never_more_than_limit",
            "never more than `limit` fetches at once",
            never_more,
        ),
        test(
            "no_idle_slot",
            "no slot stands idle while a known page waits; crawl returns when the last fetch ends",
            no_idle_slot,
        ),
        test(
            "shutdown_lets_fetches_finish",
            "after shutdown no fetch starts, those in flight finish, and crawl returns right then",
            shutdown,
        ),
    ]);
}

/// A seeded web: `links[i]` are page `i`'s links (page indices), `fetch[i]` how long it takes.
struct Web {
    names: Vec<String>,
    links: Vec<Vec<usize>>,
    fetch: Vec<Duration>,
    /// Pages 0..reachable are reachable from page 0; the rest are linked from nowhere.
    reachable: usize,
}

impl Web {
    fn new(ctx: &Ctx) -> Web {
        let mut rng = ctx.rng();
        let reachable = rng.between(12, 18) as usize;
        let total = reachable + rng.between(1, 3) as usize;
        let mut ids: Vec<u64> = (10..100).collect();
        rng.shuffle(&mut ids);
        let names = ids[..total]
            .iter()
            .map(|id| format!("/page/{id}"))
            .collect();
        let mut links: Vec<Vec<usize>> = vec![Vec::new(); total];
        for page in 1..reachable {
            let parent = rng.between(0, page as u64 - 1) as usize;
            links[parent].push(page);
        }
        for page_links in links.iter_mut() {
            for _ in 0..rng.between(0, 2) {
                page_links.push(rng.between(0, reachable as u64 - 1) as usize);
            }
            rng.shuffle(page_links);
        }
        let fetch = (0..total)
            .map(|_| Duration::from_millis(rng.between(5, 30) * 10))
            .collect();
        Web {
            names,
            links,
            fetch,
            reachable,
        }
    }

    fn index_of(&self, url: &str) -> Option<usize> {
        self.names.iter().position(|n| n == url)
    }

    fn links_of(&self, page: usize) -> Vec<String> {
        self.links[page]
            .iter()
            .map(|&l| self.names[l].clone())
            .collect()
    }
}

/// What one crawl did.
struct Observed {
    results: HashMap<String, Vec<String>>,
    spans: Vec<Span>,
    /// How many times `fetch` was called with each URL.
    calls: BTreeMap<String, usize>,
    returned_at: Duration,
    alive_after: usize,
    picture: String,
}

fn fetcher(web: Arc<Web>, spans: Spans, calls: Arc<Mutex<BTreeMap<String, usize>>>) -> Fetcher {
    Arc::new(move |url: String| {
        *calls.lock().expect("calls").entry(url.clone()).or_default() += 1;
        let Some(page) = web.index_of(&url) else {
            return Box::pin(async { Vec::new() }) as BoxFuture<Vec<String>>;
        };
        let (links, took) = (web.links_of(page), web.fetch[page]);
        Box::pin(spans.wrap(page, 'f', async move {
            tokio::time::sleep(took).await;
            links
        }))
    })
}

fn run(
    ctx: &mut Ctx,
    web: &Arc<Web>,
    limit: usize,
    stop_at: Option<Duration>,
) -> Result<Observed, Fail> {
    let web = web.clone();
    // Long enough to fetch every page one after another, and then some.
    let bound = web.fetch.iter().sum::<Duration>() + STUCK_AFTER;
    let run = ctx.paused(move || async move {
        let spans = Spans::new();
        let calls = Arc::new(Mutex::new(BTreeMap::new()));
        let (stop, shutdown) = watch::channel(false);
        let fetch = fetcher(web.clone(), spans.clone(), calls.clone());
        let crawl = async {
            let call = learner::crawl(web.names[0].clone(), fetch, limit, shutdown);
            let results = tokio::time::timeout(bound, call).await.ok();
            let alive = tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks();
            (results, spans.now(), alive)
        };
        // The sender lives until both are done: a dropped sender would look like a shutdown
        // to code that waits on changed().
        let stopper = async move {
            if let Some(at) = stop_at {
                tokio::time::sleep(at).await;
                let _ = stop.send(true);
            }
            stop
        };
        let ((results, returned_at, alive_after), _stop) = tokio::join!(crawl, stopper);
        let mut drawing = Drawing::new("the fetches (f = fetching)").by_start();
        if let Some(at) = stop_at {
            drawing = drawing.marker(at, "shutdown");
        }
        let picture = drawing.draw(&spans.list(), |page| web.names[page].clone());
        let calls = calls.lock().expect("calls").clone();
        let observed = Observed {
            results: HashMap::new(),
            spans: spans.list(),
            calls,
            returned_at,
            alive_after,
            picture,
        };
        (results, observed)
    })?;
    let (Some(results), observed) = run.value else {
        let picture = run.value.1.picture;
        return Err(Fail::new(format!(
            "crawl never returned: it was still running {} after every page could have been \
             fetched one by one. Something waits for ever: a loop on a channel whose sender it \
             still holds itself (recv() only gives None once every sender is gone), or a count \
             of tasks that never reaches zero. A JoinSet knows when it is empty: loop on \
             join_next() until it gives None.",
            ms(bound)
        ))
        .with_picture(picture));
    };
    Ok(Observed {
        results,
        ..observed
    })
}

/// How long past a serial crawl's length `crawl` may run before it counts as stuck.
const STUCK_AFTER: Duration = Duration::from_secs(10);

fn every_page_once(ctx: &mut Ctx) -> Check {
    let web = Arc::new(Web::new(ctx));
    let seen = run(ctx, &web, 3, None)?;
    let reachable: BTreeSet<&String> = web.names[..web.reachable].iter().collect();
    if let Some(url) = seen.calls.keys().find(|u| web.index_of(u).is_none()) {
        fail!(
            "crawl fetched {url:?}, which no page links to. Fetch only the start page and the links found on fetched pages."
        );
    }
    if let Some(url) = first_fetched_twice(&web, &seen) {
        let n = seen.calls[&url];
        let page = web.index_of(&url).unwrap_or(0);
        let mentions = web.links.iter().flatten().filter(|&&l| l == page).count();
        let start = if page == 0 {
            ", and it is the start page"
        } else {
            ""
        };
        return Err(Fail::new(format!(
            "{url} was fetched {n} times (it appears {mentions} time(s) among the links{start}). \
             Mark a page as seen when you queue it, before its fetch starts (a HashSet behind a \
             Mutex, checked and updated in one step: `if seen.insert(url.clone()) {{ queue it \
             }}`), not when its fetch returns: by then another task may have queued it too."
        ))
        .with_picture(seen.picture));
    }
    if let Some(url) = seen.calls.keys().find(|u| !reachable.contains(u)) {
        fail!("crawl fetched {url}, which cannot be reached from the start page.");
    }
    let missing: Vec<&&String> = reachable
        .iter()
        .filter(|u| !seen.calls.contains_key(**u))
        .collect();
    ensure!(
        missing.is_empty(),
        "{} pages can be reached from {}, but {} were never fetched: {missing:?}. Follow every \
         link of every fetched page.",
        reachable.len(),
        web.names[0],
        missing.len()
    );
    for url in &reachable {
        let expected = web.links_of(web.index_of(url).unwrap_or(0));
        match seen.results.get(*url) {
            None => fail!(
                "{url} was fetched but is missing from the map crawl returned. Record every \
                 fetched page with its links."
            ),
            Some(got) if *got != expected => fail!(
                "the map says {url} links to {got:?}, but its fetch gave {expected:?}. Store the \
                 links exactly as fetch returned them."
            ),
            Some(_) => {}
        }
    }
    ensure!(
        seen.results.len() == reachable.len(),
        "the map crawl returned has {} entries for {} fetched pages: only fetched pages belong in it.",
        seen.results.len(),
        reachable.len()
    );
    Ok(())
}

/// The page whose second fetch started first (the root of any later duplicates), or else any
/// page `fetch` was called for twice.
fn first_fetched_twice(web: &Web, seen: &Observed) -> Option<String> {
    let mut by_start: Vec<&Span> = seen.spans.iter().collect();
    by_start.sort_by_key(|s| s.start);
    let mut started = BTreeSet::new();
    match by_start.into_iter().find(|s| !started.insert(s.lane)) {
        Some(twice) => Some(web.names[twice.lane].clone()),
        None => seen
            .calls
            .iter()
            .find(|(_, n)| **n > 1)
            .map(|(u, _)| u.clone()),
    }
}

fn never_more(ctx: &mut Ctx) -> Check {
    let web = Arc::new(Web::new(ctx));
    let limit = ctx.rng().between(2, 4) as usize;
    let seen = run(ctx, &web, limit, None)?;
    let most = sync_spans::max_overlap(&seen.spans);
    if most > limit {
        return Err(Fail::new(format!(
            "{most} fetches ran at the same time; the limit is {limit}. Hold a semaphore permit \
             for the whole fetch (bound to a name, `let _permit = ...`, inside the task that \
             fetches), or keep no more than {limit} fetch tasks alive at once."
        ))
        .with_picture(seen.picture));
    }
    Ok(())
}

/// Pages known (the start, and links of fetches ended by `t`) but not started by `t`.
fn waiting_at(web: &Web, spans: &[Span], t: Duration) -> usize {
    let mut known: BTreeSet<usize> = BTreeSet::from([0]);
    for s in spans.iter().filter(|s| s.end.is_some_and(|e| e <= t)) {
        known.extend(web.links[s.lane].iter().copied());
    }
    let started: BTreeSet<usize> = spans
        .iter()
        .filter(|s| s.start <= t)
        .map(|s| s.lane)
        .collect();
    known.difference(&started).count()
}

/// A fail if crawl returned while a fetch it started was still running.
fn returned_early(web: &Web, seen: &Observed) -> Check {
    let at = seen.returned_at;
    let running = seen
        .spans
        .iter()
        .find(|s| s.start <= at && s.end.is_none_or(|e| e > at));
    match running {
        None => Ok(()),
        Some(s) => Err(Fail::new(format!(
            "crawl returned at {} while the fetch of {} (started at {}) was still running. Wait \
             for every task you start (a JoinSet, or the JoinHandles), and keep their results.",
            ms(at),
            web.names[s.lane],
            ms(s.start)
        ))
        .with_picture(seen.picture.clone())),
    }
}

fn no_idle_slot(ctx: &mut Ctx) -> Check {
    let web = Arc::new(Web::new(ctx));
    let limit = ctx.rng().between(2, 3) as usize;
    let seen = run(ctx, &web, limit, None)?;
    let spans = &seen.spans;
    for t in sync_spans::event_times(spans) {
        let running = sync_spans::running_after(spans, t);
        let waiting = waiting_at(&web, spans, t);
        if running < limit && waiting > 0 {
            let why = if sync_spans::max_overlap(spans) == 1 {
                "The pages were fetched one at a time: give each fetch its own task (tokio::spawn \
                 or a JoinSet), so up to `limit` run at once."
            } else {
                "Start the next page the moment a fetch finishes: a task per page that waits for \
                 a semaphore permit does this by itself; a loop that starts a batch and waits for \
                 all of it leaves slots empty."
            };
            return Err(Fail::new(format!(
                "a slot stood free while pages waited: just after {}, {running} fetch(es) were \
                 running with a limit of {limit}, and {waiting} known page(s) had not been \
                 started. {why}",
                ms(t)
            ))
            .with_picture(seen.picture.clone()));
        }
    }
    returned_early(&web, &seen)?;
    let last = spans.iter().filter_map(|s| s.end).max().unwrap_or_default();
    ensure!(
        seen.returned_at == last,
        "crawl returned at {}, but the last fetch ended at {}: return as soon as no fetch is \
         running and no page is waiting.",
        ms(seen.returned_at),
        ms(last)
    );
    ensure!(
        seen.alive_after == 0,
        "{} task(s) were still alive after crawl returned. Wait for every task you spawned \
         before returning.",
        seen.alive_after
    );
    Ok(())
}

fn shutdown(ctx: &mut Ctx) -> Check {
    let web = Arc::new(Web::new(ctx));
    let limit = ctx.rng().between(2, 3) as usize;
    let full = run(ctx, &web, limit, None)?;
    // Somewhere around 40% of the way through the whole crawl, never on a 10 ms boundary.
    let stop_at = Duration::from_millis((full.returned_at.as_millis() as u64 * 4 / 100) * 10 + 5);
    let seen = run(ctx, &web, limit, Some(stop_at))?;
    let picture = seen.picture.clone();
    let explain = |msg: String| Err(Fail::new(msg).with_picture(picture.clone()));
    let name = |s: &Span| web.names[s.lane].clone();
    if let Some(s) = seen.spans.iter().find(|s| s.start > stop_at) {
        return explain(format!(
            "shutdown turned true at {}, but the fetch of {} started later, at {}. Check \
             `*shutdown.borrow()` right before each fetch (after getting a permit), and start \
             nothing once it is true.",
            ms(stop_at),
            name(s),
            ms(s.start)
        ));
    }
    returned_early(&web, &seen)?;
    if let Some(s) = seen.spans.iter().find(|s| s.cancelled) {
        return explain(format!(
            "the fetch of {}, started at {} before the shutdown ({}), was dropped at {} without \
             finishing. A shutdown stops new fetches; those in flight should finish and their \
             results be kept. Do not abort tasks or drop fetches on shutdown.",
            name(s),
            ms(s.start),
            ms(stop_at),
            ms(s.end.unwrap_or_default())
        ));
    }
    if let Some(s) = seen
        .spans
        .iter()
        .find(|s| !seen.results.contains_key(&name(s)))
    {
        return explain(format!(
            "the fetch of {} finished at {}, after the shutdown, but the page is missing from \
             the results. Fetches in flight at shutdown count: record their links.",
            name(s),
            ms(s.end.unwrap_or_default())
        ));
    }
    ensure!(
        seen.results.len() == seen.spans.len(),
        "the results hold {} pages, but {} were fetched: only fetched pages belong in them.",
        seen.results.len(),
        seen.spans.len()
    );
    let last = seen
        .spans
        .iter()
        .filter_map(|s| s.end)
        .max()
        .unwrap_or_default();
    if seen.returned_at != last {
        return explain(format!(
            "after the shutdown at {}, the last fetch in flight ended at {}, but crawl returned \
             at {}. Return when the fetches in flight are done: tasks still waiting for a permit \
             must give up when they get it, not fetch.",
            ms(stop_at),
            ms(last),
            ms(seen.returned_at)
        ));
    }
    ensure!(
        seen.alive_after == 0,
        "{} task(s) were still alive after crawl returned following the shutdown. Wait for \
         every task you spawned before returning.",
        seen.alive_after
    );
    Ok(())
}
