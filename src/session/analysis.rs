//! Incremental validation: each document's admission findings are cached by the
//! document's revision, so an edit re-judges only the document it changed. A
//! document that moved (another was added or removed before it) keeps its
//! findings, shifted to its new place. Cross-resource analysis reruns over the
//! whole workspace; it is indexed by host and port, so it costs a few
//! milliseconds at 10,000 resources. The result always equals a full
//! [`validate::analyze`] (a test asserts it after random edits).

use crate::validate::{self, Located, MeshConfig, Options, PositionCache};
use crate::yaml::{Revision, Workspace};
use std::collections::{HashMap, HashSet};

/// A document's findings as they were computed: at which place and first line.
struct Cached {
    file: usize,
    document: usize,
    line: usize,
    found: Vec<Located>,
}

/// The per-document cache, valid for one set of options.
#[derive(Default)]
pub struct Analysis {
    options: Options,
    per_document: HashMap<Revision, Cached>,
    positions: PositionCache,
}

impl Analysis {
    /// Every finding of the workspace, re-judging only documents not seen before.
    pub fn run(&mut self, ws: &Workspace, opts: &Options, mesh: &MeshConfig) -> Vec<Located> {
        if *opts != self.options {
            self.per_document.clear();
            self.options = *opts;
        }
        let mut out = Vec::new();
        let mut live = HashSet::new();
        for (fi, file) in ws.files.iter().enumerate() {
            for (di, doc) in file.documents.iter().enumerate() {
                live.insert(doc.revision);
                let cached = self
                    .per_document
                    .entry(doc.revision)
                    .or_insert_with(|| Cached {
                        file: fi,
                        document: di,
                        line: doc.line,
                        found: validate::check_document(fi, di, doc, opts),
                    });
                if (cached.file, cached.document, cached.line) == (fi, di, doc.line) {
                    out.extend(cached.found.iter().cloned());
                } else {
                    out.extend(cached.found.iter().map(|l| {
                        let mut l = l.clone();
                        l.at.file = fi;
                        l.at.document = di;
                        l.line = l.line + doc.line - cached.line;
                        l
                    }));
                }
            }
        }
        // Old revisions are kept for undo until the cache holds twice what is live.
        if self.per_document.len() > 2 * live.len() + 64 {
            self.per_document.retain(|r, _| live.contains(r));
            self.positions.retain(|r, _| live.contains(r));
        }
        out.extend(validate::cross_resource(ws, mesh, &mut self.positions));
        out
    }
}
