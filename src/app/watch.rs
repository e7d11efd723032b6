//! The file watcher: tells the app that something changed in a folder that
//! holds an open file. It only says "look again" over the background channel;
//! what changed is worked out by the session's disk check, which the window's
//! focus also triggers, so a platform without a watcher still notices changes.

use super::Background;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, OnceLock};

/// Watches folders (not recursively: the folders of the open files).
pub struct Watcher {
    inner: Option<notify::RecommendedWatcher>,
    watched: HashSet<PathBuf>,
    /// Set by the first event after a check, so a burst of events (a branch
    /// checkout) sends one message.
    pending: Arc<AtomicBool>,
    /// Woken when an event arrives; set once the window exists.
    ctx: Arc<OnceLock<egui::Context>>,
}

impl Watcher {
    pub fn new(tx: Sender<Background>) -> Watcher {
        let pending = Arc::new(AtomicBool::new(false));
        let ctx: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
        let (flag, wake) = (pending.clone(), ctx.clone());
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else {
                return;
            };
            if matches!(event.kind, notify::EventKind::Access(_)) {
                return;
            }
            if !flag.swap(true, Ordering::AcqRel) {
                let _ = tx.send(Background::DiskChanged);
                if let Some(ctx) = wake.get() {
                    ctx.request_repaint();
                }
            }
        };
        let inner = match notify::recommended_watcher(handler) {
            Ok(w) => Some(w),
            Err(e) => {
                log::warn!(
                    "files changed elsewhere show only when the window gets the focus: the file watcher could not start: {e}"
                );
                None
            }
        };
        Watcher {
            inner,
            watched: HashSet::new(),
            pending,
            ctx,
        }
    }

    /// Lets events wake the window.
    pub fn set_context(&self, ctx: &egui::Context) {
        let _ = self.ctx.set(ctx.clone());
    }

    /// The app has looked: the next event sends a message again.
    pub fn rearm(&self) {
        self.pending.store(false, Ordering::Release);
    }

    /// Watches `folders` (and stops watching others) from now on.
    pub fn watch(&mut self, folders: HashSet<PathBuf>) {
        use notify::Watcher as _;
        let Some(inner) = &mut self.inner else {
            return;
        };
        let gone: Vec<PathBuf> = self.watched.difference(&folders).cloned().collect();
        for folder in gone {
            let _ = inner.unwatch(&folder);
            self.watched.remove(&folder);
        }
        for new in folders {
            if self.watched.contains(&new) {
                continue;
            }
            match inner.watch(&new, notify::RecursiveMode::NonRecursive) {
                Ok(()) => {
                    self.watched.insert(new);
                }
                // Tried again when the set of open files next changes.
                Err(e) => log::warn!(
                    "{}: changes made elsewhere show only when the window gets the focus: cannot watch it: {e}",
                    new.display()
                ),
            }
        }
    }

    /// True when some folder is being watched (false where the system would
    /// not give a watcher: then only the window's focus makes the app look).
    pub fn is_running(&self) -> bool {
        self.inner.is_some() && !self.watched.is_empty()
    }
}
