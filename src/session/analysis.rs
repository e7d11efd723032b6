//! Incremental validation. Admission findings are cached per document by the
//! document's revision, so an edit re-judges only the document it changed (a
//! document that moved keeps its findings, shifted to its new place).
//! Cross-resource findings are kept per object; after an edit of one document
//! only the objects sharing a relation key (host, FQDN, TCP port without
//! addresses: [`validate::relation_keys`]) with it are re-judged, among their own
//! neighbours. Anything else — a structural change, other options or mesh config,
//! a wildcard host or a Pod anywhere — re-judges the whole workspace. The result
//! always equals a full [`validate::analyze`] (a test asserts it after random
//! edits).

use crate::validate::{self, Located, MeshConfig, Options, PositionCache, Relation, Site};
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
    /// Cross-resource findings per object.
    cross: HashMap<Site, Vec<Located>>,
    keys: HashMap<Site, Vec<String>>,
    sites_by_key: HashMap<String, HashSet<Site>>,
    /// Objects whose relation is global (wildcard hosts, Pods, Nodes).
    global: HashSet<Site>,
    /// How many items each indexed document had.
    indexed_items: HashMap<(usize, usize), usize>,
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
        self.keys.clear();
        self.sites_by_key.clear();
        self.global.clear();
        self.indexed_items.clear();
        for (fi, f) in ws.files.iter().enumerate() {
            for di in 0..f.documents.len() {
                self.index_document(ws, fi, di);
            }
        }
        self.cross.clear();
        for l in validate::cross_resource(ws, &self.mesh, &mut self.positions) {
            self.cross.entry(l.at).or_default().push(l);
        }
        self.lines = ws
            .files
            .iter()
            .map(|f| f.documents.iter().map(|d| d.line).collect())
            .collect();
    }

    /// Moves the findings of documents that an edit of `file` pushed up or down
    /// (it added or removed lines) to their new lines.
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
        for (site, found) in self.cross.iter_mut() {
            if site.file != file {
                continue;
            }
            if let Some((old, new)) = moved.get(&site.document) {
                for l in found {
                    l.line = (l.line + new).saturating_sub(*old);
                }
            }
        }
    }

    fn document_changed(&mut self, ws: &Workspace, file: usize, document: usize) {
        self.follow_lines(ws, file);
        self.admission[file][document] = self.admission_of(ws, file, document);
        let before = self.unindex_document(file, document);
        self.index_document(ws, file, document);
        let after: Vec<String> = self
            .sites_of(ws, file, document)
            .iter()
            .flat_map(|s| self.keys.get(s).cloned().unwrap_or_default())
            .collect();
        if !self.global.is_empty() {
            self.cross.clear();
            for l in validate::cross_resource(ws, &self.mesh, &mut self.positions) {
                self.cross.entry(l.at).or_default().push(l);
            }
            return;
        }
        // The objects whose findings can change: the document's own and every
        // object sharing a key with it, before or after the edit.
        let mut core: HashSet<Site> = self.sites_of(ws, file, document).into_iter().collect();
        core.extend(before.sites);
        for k in before.keys.iter().chain(&after) {
            core.extend(self.sites_by_key.get(k).into_iter().flatten().copied());
        }
        // Judged among everything they relate to.
        let mut among = core.clone();
        for s in &core {
            for k in self.keys.get(s).into_iter().flatten() {
                among.extend(self.sites_by_key.get(k).into_iter().flatten().copied());
            }
        }
        for s in &core {
            self.cross.remove(s);
        }
        let found =
            validate::cross_resource_among(ws, &self.mesh, &mut self.positions, Some(&among));
        for l in found.into_iter().filter(|l| core.contains(&l.at)) {
            self.cross.entry(l.at).or_default().push(l);
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

    fn index_document(&mut self, ws: &Workspace, file: usize, document: usize) {
        let suffix = self.mesh.service_suffix();
        let doc = &ws.files[file].documents[document];
        self.indexed_items.insert((file, document), doc.items.len());
        for (i, item) in doc.items.iter().enumerate() {
            let Ok(resource) = &item.resource else {
                continue;
            };
            let site = Site {
                file,
                document,
                item: Some(i),
            };
            let ns = item.namespace.as_deref().unwrap_or("default");
            match validate::relation_keys(resource, ns, &suffix) {
                Relation::Global => {
                    self.global.insert(site);
                }
                Relation::Keys(keys) => {
                    for k in &keys {
                        self.sites_by_key.entry(k.clone()).or_default().insert(site);
                    }
                    self.keys.insert(site, keys);
                }
            }
        }
    }

    /// Drops a document's objects from the index; returns what they were.
    fn unindex_document(&mut self, file: usize, document: usize) -> Removed {
        let count = self
            .indexed_items
            .remove(&(file, document))
            .unwrap_or_default();
        let sites: Vec<Site> = (0..count)
            .map(|i| Site {
                file,
                document,
                item: Some(i),
            })
            .filter(|s| self.keys.contains_key(s) || self.global.contains(s))
            .collect();
        let mut keys = Vec::new();
        for s in &sites {
            self.global.remove(s);
            for k in self.keys.remove(s).unwrap_or_default() {
                if let Some(set) = self.sites_by_key.get_mut(&k) {
                    set.remove(s);
                }
                keys.push(k);
            }
        }
        Removed { sites, keys }
    }

    fn assemble(&self) -> Vec<Located> {
        let mut out: Vec<Located> = self.admission.iter().flatten().flatten().cloned().collect();
        let mut sites: Vec<&Site> = self.cross.keys().collect();
        sites.sort_by_key(|s| (s.file, s.document, s.item));
        for s in sites {
            out.extend(self.cross[s].iter().cloned());
        }
        out
    }
}

/// What a document contributed to the index before an edit.
struct Removed {
    sites: Vec<Site>,
    keys: Vec<String>,
}
