//! The editor's state without egui: the open workspace, per-file versions, undo
//! and redo as data, the selection, and the diagnostics kept current
//! incrementally. The desktop app drives a `Session` and keeps only view state;
//! tests and benchmarks drive it directly.
//!
//! Every change goes through [`Session::edit_document`] or
//! [`Session::change_file`] (a form edit, or a document's new text from the YAML
//! tab: [`Session::replace_document_text`]): it is applied in place, gets a new version and one
//! undo step, and the diagnostics are brought up to date by re-judging only the
//! documents whose revision changed (see [`analysis`]). Derived views key their
//! caches on [`Session::version`].
//!
//! What each open file was read from is kept too ([`disk`]), so a change made
//! elsewhere is noticed, reloaded or asked about, and never overwritten silently.

pub mod analysis;
pub mod disk;
pub mod history;
mod relations;
mod text;

use crate::model::Resource;
use crate::recipes::Recipe;
use crate::validate::{self, Diagnostic, IstioVersion, Located, MeshConfig, Severity, Site};
use crate::yaml::{Document, Revision, SourceFile, Workspace};
use history::{History, MergeKey, Snapshot, Step};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Book-keeping for one open file, parallel to `Workspace::files`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileState {
    /// Changes with every edit; equal to `saved_version` when the file matches disk.
    pub version: u64,
    pub saved_version: u64,
    /// Never saved: Save asks for a path.
    pub untitled: bool,
    /// What the buffer was read from or last saved as (see [`disk`]).
    pub disk: Option<disk::DiskStamp>,
    /// The file changed on disk while the buffer had edits: the user has not
    /// yet chosen between reloading and keeping the buffer.
    pub disk_conflict: Option<disk::DiskStamp>,
    /// The file was gone (or unreadable) at the last check.
    pub missing: bool,
    /// Where the file really is, to recognise it under another spelling.
    pub canonical: Option<PathBuf>,
}

impl FileState {
    pub fn is_dirty(&self) -> bool {
        self.version != self.saved_version
    }
}

/// The open workspace and everything derived from it that is not a view.
#[derive(Default)]
pub struct Session {
    pub workspace: Workspace,
    pub file_states: Vec<FileState>,
    pub selected: Option<Site>,
    pub options: validate::Options,
    /// Folders opened whole, as given: the resource list shows their files as a tree.
    pub folders: Vec<PathBuf>,
    /// The mesh config analysis uses now.
    pub mesh: MeshConfig,
    /// Why the mesh config could not be read, if it could not.
    pub mesh_error: Option<String>,
    /// A mesh config chosen outside the files (as read), which wins over an
    /// `istio` ConfigMap among them.
    mesh_override: Option<Result<MeshConfig, String>>,
    /// Every finding of the workspace, as `analyze` reports it.
    pub diagnostics: Vec<Located>,
    history: History,
    analysis: analysis::Analysis,
    next_version: u64,
    /// Bumped by every change of the workspace or of what it is judged with.
    version: u64,
    untitled_count: usize,
}

impl Session {
    /// Changes whenever anything a derived view depends on changes.
    pub fn version(&self) -> u64 {
        self.version
    }

    fn bump_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// Brings the diagnostics up to date after any change.
    pub fn revalidate(&mut self) {
        self.revalidate_after(analysis::Changed::Everything);
    }

    /// Brings the diagnostics up to date after `changed`: only what it can affect
    /// is re-judged (see [`analysis`]).
    fn revalidate_after(&mut self, changed: analysis::Changed) {
        let chosen = self.mesh_override.clone();
        (self.mesh, self.mesh_error) =
            match chosen.or_else(|| MeshConfig::from_workspace(&self.workspace)) {
                Some(Ok(m)) => (m, None),
                Some(Err(e)) => (MeshConfig::default(), Some(e)),
                None => (MeshConfig::default(), None),
            };
        self.diagnostics = self
            .analysis
            .run(&self.workspace, &self.options, &self.mesh, changed);
        self.version += 1;
    }

    /// Uses a mesh config chosen outside the files (`None`: the files' own, or
    /// Istio's defaults).
    pub fn set_mesh_override(&mut self, mesh: Option<Result<MeshConfig, String>>) {
        self.mesh_override = mesh;
        self.revalidate();
    }

    pub fn set_istio_version(&mut self, v: IstioVersion) {
        self.options.istio_version = v;
        self.revalidate();
    }

    /// Adds a loaded file to the workspace; returns its index. A file that is
    /// not untitled is stamped as it is on disk now (prefer
    /// [`Session::add_read_file`], which stamps exactly the bytes read).
    pub fn add_file(&mut self, file: SourceFile, untitled: bool) -> usize {
        let v = self.bump_version();
        let on_disk = !untitled && file.path != Path::new("-");
        self.file_states.push(FileState {
            version: v,
            saved_version: if untitled { 0 } else { v },
            untitled,
            disk: on_disk
                .then(|| disk::DiskStamp::read(&file.path).ok())
                .flatten(),
            disk_conflict: None,
            missing: false,
            canonical: on_disk.then(|| disk::canonical(&file.path)).flatten(),
        });
        self.workspace.files.push(file);
        self.revalidate();
        self.workspace.files.len() - 1
    }

    /// A new untitled file to put new resources in.
    pub fn new_file(&mut self) -> usize {
        self.untitled_count += 1;
        let path = PathBuf::from(format!("untitled-{}.yaml", self.untitled_count));
        self.add_file(SourceFile::empty(path), true)
    }

    /// Closes a file without saving; its undo steps go with it.
    pub fn close_file(&mut self, i: usize) {
        if i >= self.workspace.files.len() {
            return;
        }
        self.workspace.files.remove(i);
        self.file_states.remove(i);
        self.history.forget_file(i);
        self.selected = None;
        self.revalidate();
    }

    /// Records that file `i` now matches what is on disk.
    pub fn mark_saved(&mut self, i: usize) {
        if let Some(s) = self.file_states.get_mut(i) {
            s.saved_version = s.version;
            s.untitled = false;
        }
        self.stamp_saved(i);
        self.revalidate();
    }

    /// Takes the result of a save made off the UI thread: `file` is version
    /// `version` of file `i` as written and read back. When the buffer is still
    /// at that version it becomes `file`; when it was edited meanwhile it keeps
    /// its edits and only learns what is on disk now.
    pub fn saved_in_background(&mut self, i: usize, file: SourceFile, version: u64) {
        let Some(state) = self.file_states.get_mut(i) else {
            return;
        };
        if state.version == version {
            self.workspace.files[i] = file;
            self.mark_saved(i);
        } else {
            state.saved_version = version;
            state.untitled = false;
            self.stamp_saved(i);
        }
    }

    /// Selects the first resource (or broken document) of a file.
    pub fn select_first_in(&mut self, file: usize) {
        let Some(f) = self.workspace.files.get(file) else {
            return;
        };
        self.selected = f.documents.iter().enumerate().find_map(|(di, d)| {
            if d.error.is_some() {
                Some(Site {
                    file,
                    document: di,
                    item: None,
                })
            } else if !d.items.is_empty() {
                Some(Site {
                    file,
                    document: di,
                    item: Some(0),
                })
            } else {
                None
            }
        });
    }

    /// The selected resource, if the selection is a parsed item.
    pub fn selected_resource(&self) -> Option<&Resource> {
        let s = self.selected?;
        let item = self
            .workspace
            .files
            .get(s.file)?
            .documents
            .get(s.document)?
            .items
            .get(s.item?)?;
        item.resource.as_ref().ok()
    }

    /// Diagnostics of one site.
    pub fn diagnostics_of(&self, site: Site) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.at == site)
            .map(|d| d.diagnostic.clone())
            .collect()
    }

    /// Worst severity per site, for badges.
    pub fn worst_by_site(&self) -> HashMap<Site, Severity> {
        validate::worst_by_site(&self.diagnostics)
    }

    /// Replaces a resource with an edited one as one undo step (or merges into the
    /// open step with the same `merge` key).
    pub fn apply_edit(
        &mut self,
        site: Site,
        edited: Resource,
        merge: Option<MergeKey>,
    ) -> Result<(), String> {
        let Some(item_index) = site.item else {
            return Ok(());
        };
        self.edit_document(site.file, site.document, Some(site), merge, |doc| {
            let item = doc
                .items
                .get_mut(item_index)
                .ok_or("the resource is gone")?;
            item.name = edited.name().to_string();
            item.namespace = edited.namespace().map(str::to_string);
            item.resource = Ok(edited);
            doc.dirty = true;
            Ok(())
        })
    }

    /// Changes one document in place as one undo step that keeps only that
    /// document. The change must fail before it modifies anything.
    pub fn edit_document(
        &mut self,
        file: usize,
        document: usize,
        selection: Option<Site>,
        merge: Option<MergeKey>,
        change: impl FnOnce(&mut Document) -> Result<(), String>,
    ) -> Result<(), String> {
        let doc = self
            .workspace
            .files
            .get(file)
            .and_then(|f| f.documents.get(document))
            .ok_or("the document is gone")?;
        let merging = self.history.merges_into(file, selection, merge);
        let before = (!merging).then(|| {
            let snap = Snapshot::Document {
                index: document,
                doc: Box::new(doc.clone()),
            };
            (snap, self.file_states[file].version)
        });
        let doc = &mut self.workspace.files[file].documents[document];
        change(doc)?;
        doc.revision = Revision::next();
        let after = Snapshot::Document {
            index: document,
            doc: Box::new(doc.clone()),
        };
        self.record(file, selection, merge, before, after);
        self.revalidate_after(analysis::Changed::Document { file, document });
        Ok(())
    }

    /// Applies a structural change to one file (add, delete, duplicate) as one
    /// undo step, and selects `selection`.
    pub fn change_file(
        &mut self,
        file: usize,
        selection: Option<Site>,
        change: impl FnOnce(&mut SourceFile) -> Result<(), String>,
    ) -> Result<(), String> {
        let current = self.workspace.files.get(file).ok_or("the file is gone")?;
        let before = (
            Snapshot::File(Box::new(current.clone())),
            self.file_states[file].version,
        );
        if let Err(e) = change(&mut self.workspace.files[file]) {
            before.0.restore(&mut self.workspace.files[file]);
            return Err(e);
        }
        let after = Snapshot::File(Box::new(self.workspace.files[file].clone()));
        self.record(file, selection, None, Some(before), after);
        self.selected = selection;
        self.revalidate();
        Ok(())
    }

    fn record(
        &mut self,
        file: usize,
        selection: Option<Site>,
        merge: Option<MergeKey>,
        before: Option<(Snapshot, u64)>,
        after: Snapshot,
    ) {
        let version = self.bump_version();
        self.file_states[file].version = version;
        match before {
            Some(before) => self.history.push(Step {
                file,
                before,
                after: (after, version),
                selection,
                merge,
            }),
            None => self.history.extend_last((after, version)),
        }
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    pub fn undo(&mut self) {
        let Some(step) = self.history.undo().cloned() else {
            return;
        };
        let changed = self.restore(&step.before, step.file);
        self.selected = step
            .selection
            .and_then(|s| self.fit_selection(s))
            .or(self.selected.and_then(|s| self.fit_selection(s)));
        self.revalidate_after(changed);
    }

    pub fn redo(&mut self) {
        let Some(step) = self.history.redo().cloned() else {
            return;
        };
        let changed = self.restore(&step.after, step.file);
        self.selected = step.selection.and_then(|s| self.fit_selection(s));
        self.revalidate_after(changed);
    }

    /// Puts a snapshot back; returns what that changed.
    fn restore(&mut self, (snapshot, version): &(Snapshot, u64), file: usize) -> analysis::Changed {
        if let Some(f) = self.workspace.files.get_mut(file) {
            snapshot.restore(f);
            self.file_states[file].version = *version;
        }
        match snapshot {
            Snapshot::Document { index, .. } => analysis::Changed::Document {
                file,
                document: *index,
            },
            Snapshot::File(_) => analysis::Changed::Everything,
        }
    }

    /// `s` made to fit its document as it is now: the document itself while it
    /// does not parse, its first object when the one at `s` is gone or when
    /// `s` names the document of a parsed object.
    pub fn fit_selection(&self, s: Site) -> Option<Site> {
        let doc = self
            .workspace
            .files
            .get(s.file)?
            .documents
            .get(s.document)?;
        let item = match s.item {
            _ if doc.error.is_some() || doc.items.is_empty() => None,
            Some(i) if i < doc.items.len() => Some(i),
            _ => Some(0),
        };
        Some(Site { item, ..s })
    }

    pub fn site_exists(&self, s: Site) -> bool {
        self.workspace
            .files
            .get(s.file)
            .and_then(|f| f.documents.get(s.document))
            .is_some_and(|d| s.item.is_none_or(|i| i < d.items.len()))
    }

    /// Adds the resources a recipe builds to the selected file (or a new one).
    pub fn add_recipe(
        &mut self,
        recipe: Recipe,
        host: &str,
        port: u32,
        namespace: &str,
    ) -> Result<(), String> {
        self.add_resources(&recipe.build(host, port, namespace))
    }

    /// Appends resources to the selected file (or a new one) as one undo step
    /// and selects the first of them.
    pub fn add_resources(&mut self, resources: &[Resource]) -> Result<(), String> {
        let file = match self.selected {
            Some(s) if s.file < self.workspace.files.len() => s.file,
            _ => self.new_file(),
        };
        let first_doc = self.workspace.files[file].documents.len();
        self.change_file(file, None, |f| {
            for r in resources {
                f.append_resource(r).map_err(|e| e.to_string())?;
            }
            Ok(())
        })?;
        // The first new document may follow a blank one; select the first with an item.
        let f = &self.workspace.files[file];
        let selection = (first_doc..f.documents.len())
            .find(|&d| !f.documents[d].items.is_empty())
            .map(|d| Site {
                file,
                document: d,
                item: Some(0),
            });
        self.selected = selection;
        self.history.set_last_selection(selection);
        Ok(())
    }

    /// Duplicates the selected resource into a new document after the file's end.
    pub fn duplicate_selected(&mut self) -> Result<(), String> {
        let (Some(site), Some(resource)) = (self.selected, self.selected_resource().cloned())
        else {
            return Ok(());
        };
        if !resource.is_istio() {
            return Err("only ServiceEntries and DestinationRules can be duplicated".into());
        }
        let mut copy = resource;
        let new_name = format!("{}-copy", copy.name());
        match &mut copy {
            Resource::ServiceEntry(r) => r.metadata.name = Some(new_name),
            Resource::DestinationRule(r) => r.metadata.name = Some(new_name),
            Resource::Other(_) => {}
        }
        let doc = self.workspace.files[site.file].documents.len();
        let selection = Some(Site {
            file: site.file,
            document: doc,
            item: Some(0),
        });
        self.change_file(site.file, selection, |f| {
            f.append_resource(&copy)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }

    /// Deletes the selected document (List items are not deleted one by one).
    pub fn delete_selected(&mut self) -> Result<(), String> {
        let Some(site) = self.selected else {
            return Ok(());
        };
        let is_list = self
            .workspace
            .files
            .get(site.file)
            .and_then(|f| f.documents.get(site.document))
            .is_some_and(|d| d.list_envelope.is_some());
        if is_list {
            return Err(
                "this resource is an item of a kind: List; edit the List document to remove it"
                    .into(),
            );
        }
        self.change_file(site.file, None, |f| {
            f.remove_document(site.document);
            Ok(())
        })
    }

    /// Any file with unsaved changes.
    pub fn any_dirty(&self) -> bool {
        self.file_states.iter().any(FileState::is_dirty)
    }

    /// The file commands act on: the selected resource's, else the first open one.
    pub fn current_file(&self) -> Option<usize> {
        self.selected
            .map(|s| s.file)
            .filter(|f| *f < self.workspace.files.len())
            .or(if self.workspace.files.is_empty() {
                None
            } else {
                Some(0)
            })
    }

    /// File `i` as it would be saved now against what is on disk, line by line.
    pub fn changes_against_disk(
        &self,
        i: usize,
    ) -> Result<Vec<(crate::yaml::DiffOp, String)>, String> {
        let f = self.workspace.files.get(i).ok_or("the file is closed")?;
        let on_disk = if self.file_states[i].untitled {
            String::new()
        } else {
            std::fs::read_to_string(&f.path).map_err(|e| format!("{}: {e}", f.display_path()))?
        };
        let now = f.render().map_err(|e| e.to_string())?;
        Ok(crate::yaml::line_diff(&on_disk, &now))
    }

    /// How many revalidations re-judged only an edited document's neighbourhood.
    pub fn incremental_runs(&self) -> usize {
        self.analysis.incremental_runs
    }

    /// Undo steps kept (for tests and the memory bound).
    pub fn undo_len(&self) -> usize {
        self.history.len()
    }
}

#[cfg(test)]
mod tests;
