//! Incremental validation. Admission findings are cached per document by the
//! document's revision, so an edit re-judges only the document it changed (a
//! document that moved keeps its findings, shifted to its new place).
//! Pairwise cross-resource findings are kept per object; after an edit of one
//! document only the objects related to it (they share a relation key and one
//! of the two declares it: [`super::relations`]) are re-judged, among their own
//! neighbours. Egress-gateway chain findings are kept per chain unit and only
//! the units that read the edited document are judged again, so editing a
//! ServiceEntry behind an egress gateway re-judges its own chain, not every
//! chain that routes through the same gateway. Anything else — a structural
//! change, other options or mesh config, a wildcard host or a Pod anywhere —
//! re-judges the whole workspace. The result always equals a full
//! [`validate::analyze`] (tests assert it after random edits).

use super::relations::RelationIndex;
use crate::validate::{self, Key, Located, MeshConfig, Options, PositionCache, Site};
use crate::yaml::{Revision, Workspace};
use std::collections::{HashMap, HashSet};

/// What changed since the last run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// Anything (files opened or closed, documents added or removed, options).
    Everything,
    /// The content of one document, in place.
    Document { file: usize, document: usize },
}

/// A document's admission findings as they were computed: at which place and first line.
struct Cached {
    file: usize,
    document: usize,
    line: usize,
    found: Vec<Located>,
}

/// What the last run left: findings per document and per object, and the
/// relation index of the objects.
#[derive(Default)]
pub struct Analysis {
    options: Options,
    mesh: MeshConfig,
    per_revision: HashMap<Revision, Cached>,
    positions: PositionCache,
    /// Admission findings per file and document.
    admission: Vec<Vec<Vec<Located>>>,
    /// Pairwise cross-resource findings per object.
    cross: HashMap<Site, Vec<Located>>,
    /// Chain findings per chain unit (the VirtualService or Gateway judged).
    chains: HashMap<Site, Vec<Located>>,
    index: RelationIndex,
    /// Each document's first line when its findings were placed.
    lines: Vec<Vec<usize>>,
    /// Runs that re-judged one document's neighbourhood only (for tests).
    pub(crate) incremental_runs: usize,
}

impl Analysis {
    /// Every finding of the workspace after `changed`.
    pub fn run(
        &mut self,
        ws: &Workspace,
        opts: &Options,
        mesh: &MeshConfig,
        changed: Changed,
    ) -> Vec<Located> {
        let same_shape = self.admission.len() == ws.files.len()
            && self
                .admission
                .iter()
                .zip(&ws.files)
                .all(|(a, f)| a.len() == f.documents.len());
        let incremental = match changed {
            Changed::Document { file, document }
                if same_shape && *opts == self.options && *mesh == self.mesh =>
            {
                Some((file, document))
            }
            _ => None,
        };
        match incremental {
            Some((file, document)) => {
                self.incremental_runs += 1;
                self.document_changed(ws, file, document)
            }
            None => self.everything(ws, opts, mesh),
        }
        self.assemble()
    }

    fn everything(&mut self, ws: &Workspace, opts: &Options, mesh: &MeshConfig) {
        if *opts != self.options {
            self.per_revision.clear();
            self.options = *opts;
        }
        self.mesh = mesh.clone();
        let mut live = HashSet::new();
        self.admission = ws
            .files
            .iter()
            .enumerate()
            .map(|(fi, f)| {
                (0..f.documents.len())
                    .map(|di| {
                        live.insert(f.documents[di].revision);
                        self.admission_of(ws, fi, di)
                    })
                    .collect()
            })
            .collect();
        // Old revisions are kept for undo until the cache holds twice what is live.
        if self.per_revision.len() > 2 * live.len() + 64 {
            self.per_revision.retain(|r, _| live.contains(r));
            self.positions.retain(|r, _| live.contains(r));
        }
        self.index.rebuild(ws, &self.mesh.service_suffix());
        self.judge_all(ws);
        self.lines = ws
            .files
            .iter()
            .map(|f| f.documents.iter().map(|d| d.line).collect())
            .collect();
    }

    /// Moves the findings of documents that an edit of `file` pushed up or down
    /// (it added or removed lines) to their new lines, and the places they
    /// name in a moved document (its line as their messages quote it, too).
    fn follow_lines(&mut self, ws: &Workspace, file: usize) {
        let Some(lines) = self.lines.get_mut(file) else {
            return;
        };
        let mut moved = HashMap::new();
        for (di, doc) in ws.files[file].documents.iter().enumerate() {
            if let Some(old) = lines.get_mut(di)
                && *old != doc.line
            {
                moved.insert(di, (*old, doc.line));
                *old = doc.line;
            }
        }
        // Findings placed at the old line move by as much as their document.
        for (&di, (old, new)) in moved.iter() {
            for l in self.admission[file].get_mut(di).into_iter().flatten() {
                l.line = (l.line + new).saturating_sub(*old);
            }
        }
        let path = ws.files[file].path.display().to_string();
        for found in self.cross.values_mut().chain(self.chains.values_mut()) {
            for l in found.iter_mut() {
                if l.at.file == file
                    && let Some((old, new)) = moved.get(&l.at.document)
                {
                    l.line = (l.line + new).saturating_sub(*old);
                }
                for r in l.related.iter_mut().filter(|r| r.at.file == file) {
                    if let Some((old, new)) = moved.get(&r.at.document) {
                        r.line = (r.line + new).saturating_sub(*old);
                        l.diagnostic.message =
                            validate::renumbered(&l.diagnostic.message, &path, *old, *new);
                    }
                }
            }
        }
    }

    fn document_changed(&mut self, ws: &Workspace, file: usize, document: usize) {
        self.follow_lines(ws, file);
        self.admission[file][document] = self.admission_of(ws, file, document);
        let before = self.index.remove_document(file, document);
        self.index
            .add_document(ws, file, document, &self.mesh.service_suffix());
        if self.index.has_global() {
            self.judge_all(ws);
            return;
        }
        let mut sites = self.sites_of(ws, file, document);
        let mut keys: Vec<Key> = sites
            .iter()
            .flat_map(|s| self.index.keys_of(s).to_vec())
            .collect();
        sites.extend(before.sites);
        keys.extend(before.keys);
        self.pairwise_changed(ws, &sites, &keys);
        self.chains_changed(ws, &sites, &keys);
    }

    /// Every cross-resource finding judged anew over the whole workspace.
    fn judge_all(&mut self, ws: &Workspace) {
        self.cross.clear();
        for l in validate::pairwise_among(ws, &self.mesh, &mut self.positions, None, None) {
            self.cross.entry(l.at).or_default().push(l);
        }
        self.chains.clear();
        for (unit, l) in validate::chain_findings(ws, &mut self.positions, None, None) {
            self.chains.entry(unit).or_default().push(l);
        }
    }

    /// Re-judges the pairwise findings of the edited objects (`sites`, before
    /// and after, with their `keys`) and of every object related to them, among
    /// everything those relate to.
    fn pairwise_changed(&mut self, ws: &Workspace, sites: &[Site], keys: &[Key]) {
        let mut core: HashSet<Site> = sites.iter().copied().collect();
        for k in keys {
            self.index.related(k, &mut core);
        }
        let mut among = core.clone();
        for s in &core {
            for k in self.index.keys_of(s) {
                self.index.related(k, &mut among);
            }
        }
        for s in &core {
            self.cross.remove(s);
        }
        let found = validate::pairwise_among(
            ws,
            &self.mesh,
            &mut self.positions,
            Some(&among),
            Some(&core),
        );
        for l in found {
            self.cross.entry(l.at).or_default().push(l);
        }
    }

    /// Re-judges the chain units that read the edited objects, among what they read.
    fn chains_changed(&mut self, ws: &Workspace, sites: &[Site], keys: &[Key]) {
        let units = self.index.units_reading(sites, keys);
        for u in sites.iter().chain(&units) {
            self.chains.remove(u);
        }
        if units.is_empty() {
            return;
        }
        let context = self.index.context_of(&units);
        let found = validate::chain_findings(ws, &mut self.positions, Some(&context), Some(&units));
        for (unit, l) in found {
            self.chains.entry(unit).or_default().push(l);
        }
    }

    /// A document's admission findings, from the cache when its revision was seen.
    fn admission_of(&mut self, ws: &Workspace, fi: usize, di: usize) -> Vec<Located> {
        let doc = &ws.files[fi].documents[di];
        let opts = self.options;
        let cached = self
            .per_revision
            .entry(doc.revision)
            .or_insert_with(|| Cached {
                file: fi,
                document: di,
                line: doc.line,
                found: validate::check_document(fi, di, doc, &opts),
            });
        if (cached.file, cached.document, cached.line) == (fi, di, doc.line) {
            return cached.found.clone();
        }
        cached
            .found
            .iter()
            .map(|l| {
                let mut l = l.clone();
                l.at.file = fi;
                l.at.document = di;
                l.line = l.line + doc.line - cached.line;
                l
            })
            .collect()
    }

    /// The sites of a document's objects that parsed.
    fn sites_of(&self, ws: &Workspace, file: usize, document: usize) -> Vec<Site> {
        let doc = &ws.files[file].documents[document];
        (0..doc.items.len())
            .filter(|i| doc.items[*i].resource.is_ok())
            .map(|i| Site {
                file,
                document,
                item: Some(i),
            })
            .collect()
    }

    fn assemble(&self) -> Vec<Located> {
        let mut out: Vec<Located> = self.admission.iter().flatten().flatten().cloned().collect();
        let mut sites: Vec<&Site> = self.cross.keys().collect();
        sites.sort_by_key(|s| (s.file, s.document, s.item));
        for s in sites {
            out.extend(self.cross[s].iter().cloned());
        }
        let mut units: Vec<&Site> = self.chains.keys().collect();
        units.sort_by_key(|s| (s.file, s.document, s.item));
        for u in units {
            out.extend(self.chains[u].iter().cloned());
        }
        out
    }
}
