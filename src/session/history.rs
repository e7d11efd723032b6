//! Undo and redo as data: each step keeps only what it changed — one document
//! for a field or text edit, the whole file only for structural changes (add,
//! delete, duplicate) — and the history is bounded in steps and in bytes.

use crate::validate::Site;
use crate::yaml::{Document, SourceFile};
use std::collections::VecDeque;

/// Steps kept at most; the oldest are dropped first.
pub const MAX_STEPS: usize = 1_000;
/// Approximate bytes of snapshots kept at most (raw text and parsed model).
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// Which edits merge into one step: the view's widget and focus, as an opaque
/// number (the session does not know about widgets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MergeKey(pub u64);

/// What a step restores.
#[derive(Debug, Clone)]
pub enum Snapshot {
    /// One document of the file, at this index.
    Document { index: usize, doc: Box<Document> },
    /// The whole file (documents were added or removed).
    File(Box<SourceFile>),
}

impl Snapshot {
    fn bytes(&self) -> usize {
        // The parsed model takes a few times the raw text.
        match self {
            Snapshot::Document { doc, .. } => 4 * doc.raw.len() + 256,
            Snapshot::File(f) => f.documents.iter().map(|d| 4 * d.raw.len() + 256).sum(),
        }
    }

    /// Puts the snapshot back into `file`.
    pub fn restore(&self, file: &mut SourceFile) {
        match self {
            Snapshot::Document { index, doc } => {
                // A text edit may have changed its length: later documents move.
                if *index < file.documents.len() {
                    file.splice_documents(*index..*index + 1, vec![(**doc).clone()]);
                }
            }
            Snapshot::File(f) => *file = (**f).clone(),
        }
    }
}

/// One undoable change of one file, with the file's version before and after.
#[derive(Debug, Clone)]
pub struct Step {
    pub file: usize,
    pub before: (Snapshot, u64),
    pub after: (Snapshot, u64),
    pub selection: Option<Site>,
    pub merge: Option<MergeKey>,
}

impl Step {
    fn bytes(&self) -> usize {
        self.before.0.bytes() + self.after.0.bytes()
    }
}

/// The undo and redo stacks.
#[derive(Debug, Default)]
pub struct History {
    undo: VecDeque<Step>,
    redo: Vec<Step>,
    bytes: usize,
}

impl History {
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Steps that can be undone.
    pub fn len(&self) -> usize {
        self.undo.len()
    }

    pub fn is_empty(&self) -> bool {
        self.undo.is_empty()
    }

    /// The open step an edit with `merge` on `file` at `selection` continues, if any.
    pub fn merges_into(
        &self,
        file: usize,
        selection: Option<Site>,
        merge: Option<MergeKey>,
    ) -> bool {
        merge.is_some()
            && self.redo.is_empty()
            && self
                .undo
                .back()
                .is_some_and(|u| u.file == file && u.merge == merge && u.selection == selection)
    }

    /// Records a new step; a new edit clears what could be redone.
    pub fn push(&mut self, step: Step) {
        self.bytes += step.bytes();
        self.undo.push_back(step);
        self.redo.clear();
        self.trim();
    }

    /// Updates the open step's result (a merged edit).
    pub fn extend_last(&mut self, after: (Snapshot, u64)) {
        if let Some(top) = self.undo.back_mut() {
            self.bytes = self.bytes - top.after.0.bytes() + after.0.bytes();
            top.after = after;
        }
    }

    /// Sets the selection the open step restores.
    pub fn set_last_selection(&mut self, selection: Option<Site>) {
        if let Some(top) = self.undo.back_mut() {
            top.selection = selection;
        }
    }

    /// Takes the step to undo; it moves to the redo stack.
    pub fn undo(&mut self) -> Option<&Step> {
        let step = self.undo.pop_back()?;
        self.redo.push(step);
        self.redo.last()
    }

    /// Takes the step to redo; it moves back to the undo stack.
    pub fn redo(&mut self) -> Option<&Step> {
        let step = self.redo.pop()?;
        self.undo.push_back(step);
        self.undo.back()
    }

    /// Forgets every step of `file` (it was closed) and renumbers later files.
    pub fn forget_file(&mut self, file: usize) {
        let keep = |s: &Step| s.file != file;
        self.undo.retain(keep);
        self.redo.retain(keep);
        for s in self.undo.iter_mut().chain(self.redo.iter_mut()) {
            if s.file > file {
                s.file -= 1;
                if let Some(sel) = &mut s.selection {
                    sel.file -= 1;
                }
            }
        }
        self.bytes = self
            .undo
            .iter()
            .chain(self.redo.iter())
            .map(Step::bytes)
            .sum();
    }

    fn trim(&mut self) {
        while self.undo.len() > MAX_STEPS || (self.bytes > MAX_BYTES && self.undo.len() > 1) {
            if let Some(old) = self.undo.pop_front() {
                self.bytes -= old.bytes();
            }
        }
    }
}
