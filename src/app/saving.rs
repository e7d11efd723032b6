//! Saving a large file off the UI thread. Save and Save All hand a file bigger
//! than [`BACKGROUND_SAVE_BYTES`] to a thread, which writes it and reads the
//! written text back, while the resource list shows a spinner; the result is
//! applied when it arrives. Edits made meanwhile stay in the buffer (the file is
//! then still marked as changed), and the window does not close while a save
//! is being written. Saves that must finish before something else happens
//! (the unsaved-changes dialog, a changed-on-disk answer) stay synchronous.

use super::{Background, EgressStudio};
use crate::yaml::SourceFile;
use std::path::PathBuf;

/// Files whose text is larger than this are saved on a background thread: the
/// size above which they are also read in the background.
const BACKGROUND_SAVE_BYTES: usize = super::BACKGROUND_OPEN_BYTES as usize;

/// What a background save sends back.
pub(super) struct Saved {
    /// The file's path when the save began: how it is found again.
    path: PathBuf,
    /// The file's version that was written.
    version: u64,
    /// The file read back from what was written, and the documents that had to
    /// be rewritten whole; or why nothing was written.
    result: Result<(SourceFile, Vec<usize>), String>,
}

impl EgressStudio {
    /// Saves file `i` from the Save and Save All commands: in the background
    /// when it is large, at once otherwise (and whenever Save must ask first).
    pub(super) fn save_file_soon(&mut self, i: usize) {
        let Some(state) = self.session.file_states.get(i) else {
            return;
        };
        let large = self.session.workspace.files[i]
            .documents
            .iter()
            .map(|d| d.raw.len())
            .sum::<usize>()
            > BACKGROUND_SAVE_BYTES;
        if !large || state.untitled || self.session.changed_on_disk(i) {
            self.save_file(i);
            return;
        }
        let path = self.session.workspace.files[i].path.clone();
        if self.saving.contains(&path) {
            self.notice(
                false,
                format!(
                    "{} is still being saved: save again when it is written",
                    path.display()
                ),
            );
            return;
        }
        let mut file = self.session.workspace.files[i].clone();
        let version = state.version;
        self.saving.push(path.clone());
        let tx = self.background.0.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let to = file.path.clone();
            let result = file
                .save_as(&to)
                .map(|reemitted| (file, reemitted))
                .map_err(|e| format!("not saved: {e}"));
            let _ = tx.send(Background::Saved(Saved {
                path: to,
                version,
                result,
            }));
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
    }

    /// Applies a finished background save.
    pub(super) fn saved(&mut self, done: Saved) {
        self.saving.retain(|p| *p != done.path);
        self.apply_saved(done);
        if self.saving.is_empty() && self.quit_when_saved {
            // Asked again: a failed save or an edit made meanwhile still asks first.
            self.quit_when_saved = false;
            self.request_quit();
        }
    }

    fn apply_saved(&mut self, done: Saved) {
        let (file, reemitted) = match done.result {
            Ok(r) => r,
            Err(e) => {
                self.notice(true, e);
                return;
            }
        };
        if let Some(i) = self.session.file_index(&done.path) {
            self.session.saved_in_background(i, file, done.version);
            self.files_changed();
        }
        self.announce_saved(&done.path, &reemitted);
    }
}
