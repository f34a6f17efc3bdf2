//! # Step 5 — a reader-writer lock: many readers, or one writer
//!
//! asyncio has no reader-writer lock, so in Python you would probably write:
//!
//! ```python
//! class Page:
//!     def __init__(self, text):
//!         self.text = text
//!         self.lock = asyncio.Lock()
//!
//!     async def read(self, reading):
//!         async with self.lock:          # readers take turns, though they never clash
//!             await reading
//!             return self.text
//!
//!     async def edit(self, text, editing):
//!         async with self.lock:          # nobody may read a page while it is being edited
//!             await editing
//!             self.text = text
//! ```
//!
//! tokio has one: `tokio::sync::RwLock`. `read().await` lets in any number of readers at once;
//! `write().await` waits until nobody holds the lock and keeps everyone else out until its
//! guard is dropped. It is fair: once a writer is waiting, readers that come after it wait
//! behind it, so a steady stream of readers cannot keep an edit out for ever.
//!
//! The code below is the Python port with `tokio::sync::Mutex`. It is correct, but readers wait
//! for each other. Make readers share the page while edits still have it to themselves.
//!
//! The contract the grader calls: `Page::new(text)`; `read(&self, reading)` holds read access
//! while the `reading` work runs and returns the page's text; `edit(&self, text, editing)`
//! holds write access while `editing` runs, then stores `text`.
//!
//! The grader hands you `reading` and `editing` work that notes when it runs, on tokio's paused
//! clock, and checks: readers who arrive together all read at once; an edit never runs while
//! anyone else reads or edits; an edit waiting for readers goes in the instant the last of them
//! leaves, and readers arriving after it wait for it and see its text.
//!
//! Run the program yourself with `cargo run -p course --example rwlock_readers`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::RwLock;

/// Work handed in by the caller, done while holding the page.
pub type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A page that many may read at once, and one at a time may edit.
pub struct Page {
    text: RwLock<String>,
}

impl Page {
    /// A page with this text.
    pub fn new(text: &str) -> Page {
        Page {
            text: RwLock::new(text.to_owned()),
        }
    }

    /// Reads the page: holds read access while `reading` runs, then returns the text.
    pub async fn read(&self, reading: Work) -> String {
        let text = self.text.read().await;
        reading.await;
        text.clone()
    }

    /// Edits the page: holds write access while `editing` runs, then stores `text`.
    pub async fn edit(&self, text: String, editing: Work) {
        let mut page = self.text.write().await;
        editing.await;
        *page = text;
    }
}

#[tokio::main]
async fn main() {
    let page = Arc::new(Page::new("draft"));
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for reader in 1..=3 {
        let page = page.clone();
        tasks.push(tokio::spawn(async move {
            // The sleep starts when the reading is first polled: a `sleep` created now
            // would count from now, even while this reader waits for the lock.
            let reading = Box::pin(async { tokio::time::sleep(Duration::from_millis(300)).await });
            let text = page.read(reading).await;
            println!(
                "reader {reader} read {text:?}, done at {:?}",
                started.elapsed()
            );
        }));
    }
    let editor = page.clone();
    tasks.push(tokio::spawn(async move {
        let editing = Box::pin(async { tokio::time::sleep(Duration::from_millis(200)).await });
        editor.edit("final".to_owned(), editing).await;
        println!("edit done at {:?}", started.elapsed());
    }));
    for task in tasks {
        task.await.expect("a task panicked");
    }
    let text = page.read(Box::pin(async {})).await;
    println!("the page now says {text:?}, after {:?}", started.elapsed());
}
