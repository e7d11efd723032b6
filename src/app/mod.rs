//! The desktop app: the only layer that touches egui. It calls the layers below
//! (yaml, validate, recipes) and never parses, validates or does file I/O inline
//! in a way that can block: file dialogs run on their own threads.

mod commands;
mod diagram_panel;
mod files;
mod forms;
mod help;
mod panels;
mod probe_panel;
mod route;
mod settings;
mod widgets;
mod yaml_view;

pub use commands::Command;
pub use settings::{Settings, ThemeChoice};

use crate::model::Resource;
use crate::recipes::Recipe;
use crate::validate::{self, Diagnostic, IstioVersion, Located, Severity, Site};
use crate::yaml::{SourceFile, Workspace};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// Which bottom tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BottomTab {
    #[default]
    Diagnostics,
    Probe,
}

/// Which editor tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditorTab {
    #[default]
    Form,
    Yaml,
}

/// Book-keeping for one open file, parallel to `Workspace::files`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileState {
    /// Changes with every edit; equal to `saved_version` when the file matches disk.
    pub version: u64,
    pub saved_version: u64,
    /// Never saved: Save asks for a path.
    pub untitled: bool,
}

impl FileState {
    pub fn is_dirty(&self) -> bool {
        self.version != self.saved_version
    }
}

/// One undo step: the whole file before and after, so any edit (field, add,
/// delete, recipe) undoes exactly.
#[derive(Debug, Clone)]
struct UndoStep {
    file: usize,
    before: (SourceFile, u64),
    after: (SourceFile, u64),
    selection: Option<Site>,
    /// Edits of the same widget during one focus merge into one step.
    merge_key: Option<(egui::Id, u64)>,
}

/// Modal dialogs.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Open {
        path: String,
        note: Option<String>,
    },
    SaveAs {
        file: usize,
        path: String,
        note: Option<String>,
    },
    Export {
        path: String,
        split: bool,
        api_version: crate::model::ApiVersion,
    },
    Recipe {
        recipe: Recipe,
        host: String,
        port: String,
        namespace: String,
    },
    Unsaved {
        then: AfterUnsaved,
    },
    /// The diff of a file against disk, before saving.
    Review {
        file: usize,
    },
    About,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterUnsaved {
    Quit,
    CloseFile(usize),
}

/// Results of background work.
enum Background {
    Picked {
        purpose: PickPurpose,
        paths: Vec<PathBuf>,
        elapsed_ms: u128,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PickPurpose {
    Open,
    SaveAs(usize),
    Export,
}

/// A message shown in the window (file errors are never only logged).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

pub struct EgressStudio {
    pub workspace: Workspace,
    pub file_states: Vec<FileState>,
    pub selected: Option<Site>,
    pub tab: EditorTab,
    pub diagnostics: Vec<Located>,
    pub options: validate::Options,
    /// The mesh config analysis uses: the workspace's `istio` ConfigMap, or Istio's defaults.
    pub mesh: validate::MeshConfig,
    /// Why the mesh config could not be read, if it could not.
    pub mesh_error: Option<String>,
    /// The mesh config file chosen for this workspace (View menu), as last read.
    pub mesh_file: Option<Result<validate::MeshConfig, String>>,
    /// The View menu's mesh-config path field.
    pub mesh_path_input: String,
    /// Finding sources the Diagnostics panel hides.
    pub hidden_sources: std::collections::HashSet<validate::Source>,
    pub filter: String,
    pub dialog: Option<Dialog>,
    pub notices: Vec<Notice>,
    pub settings: Settings,
    /// Where settings persist; `None` in tests.
    pub settings_path: Option<PathBuf>,
    /// Set when the user chose to quit despite unsaved changes.
    pub quit_confirmed: bool,
    /// Set when the app wants the window closed (the caller closes it).
    pub close_requested: bool,
    scroll_to: Option<String>,
    focus_filter: bool,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    next_version: u64,
    focus_epoch: u64,
    last_focus: Option<egui::Id>,
    title: String,
    untitled_count: usize,
    background: (Sender<Background>, Receiver<Background>),
    ctx: Option<egui::Context>,
    generation: u64,
    list_cache: Option<(
        u64,
        String,
        std::collections::HashSet<usize>,
        Vec<panels::ListRow>,
    )>,
    route_cache: Option<(u64, Vec<route::RouteLine>)>,
    collapsed_files: std::collections::HashSet<usize>,
    pub bottom_tab: BottomTab,
    /// The diagram panel's view state and layout cache.
    diagram: diagram_panel::DiagramState,
    pub route_as_text: bool,
    pub probe: probe_panel::ProbeState,
    /// The open files' paths, and the key that identifies this set of files
    /// (canonical, sorted) for per-workspace settings.
    workspace_key: (Vec<PathBuf>, String),
}

impl Default for EgressStudio {
    fn default() -> Self {
        EgressStudio::new(Settings::default(), None)
    }
}

impl EgressStudio {
    pub fn new(settings: Settings, settings_path: Option<PathBuf>) -> EgressStudio {
        let istio_version = settings
            .istio_version
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        EgressStudio {
            workspace: Workspace::default(),
            file_states: Vec::new(),
            selected: None,
            tab: EditorTab::Form,
            diagnostics: Vec::new(),
            options: validate::Options { istio_version },
            filter: String::new(),
            dialog: None,
            notices: Vec::new(),
            settings,
            settings_path,
            quit_confirmed: false,
            close_requested: false,
            scroll_to: None,
            focus_filter: false,
            undo: Vec::new(),
            redo: Vec::new(),
            next_version: 1,
            focus_epoch: 0,
            last_focus: None,
            title: String::new(),
            untitled_count: 0,
            background: channel(),
            ctx: None,
            generation: 0,
            list_cache: None,
            route_cache: None,
            collapsed_files: std::collections::HashSet::new(),
            bottom_tab: BottomTab::Diagnostics,
            diagram: diagram_panel::DiagramState::default(),
            route_as_text: false,
            probe: probe_panel::ProbeState::default(),
            workspace_key: (Vec::new(), String::new()),
            mesh: validate::MeshConfig::default(),
            mesh_error: None,
            mesh_file: None,
            mesh_path_input: String::new(),
            hidden_sources: std::collections::HashSet::new(),
        }
    }

    fn bump_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// Re-runs validation and analysis over the whole workspace.
    pub fn revalidate(&mut self) {
        // The workspace's identity (its files) changes only on open, close and save-as.
        let paths: Vec<PathBuf> = self
            .workspace
            .files
            .iter()
            .map(|f| f.path.clone())
            .collect();
        if paths != self.workspace_key.0 {
            let mut names: Vec<String> = paths
                .iter()
                .map(|p| {
                    std::fs::canonicalize(p)
                        .unwrap_or_else(|_| p.clone())
                        .display()
                        .to_string()
                })
                .collect();
            names.sort();
            self.workspace_key = (paths, names.join("|"));
            self.load_mesh_file();
        }
        let chosen = self.mesh_file.clone();
        (self.mesh, self.mesh_error) =
            match chosen.or_else(|| validate::MeshConfig::from_workspace(&self.workspace)) {
                Some(Ok(m)) => (m, None),
                Some(Err(e)) => (validate::MeshConfig::default(), Some(e)),
                None => (validate::MeshConfig::default(), None),
            };
        self.diagnostics = validate::analyze(&self.workspace, &self.options, &self.mesh);
        // Every change passes through here: views cached per generation rebuild.
        self.generation += 1;
    }

    /// Reads the mesh config file remembered for this workspace, if any.
    fn load_mesh_file(&mut self) {
        let path = self
            .settings
            .mesh_configs
            .get(&self.workspace_key.1)
            .cloned();
        self.mesh_path_input = path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        self.mesh_file = path.map(|p| {
            let shown = p.display().to_string();
            std::fs::read_to_string(&p)
                .map_err(|e| format!("{shown}: {e}"))
                .and_then(|text| validate::MeshConfig::parse(&text, &shown))
        });
    }

    /// Uses (and remembers for this workspace) a MeshConfig file; an empty path
    /// goes back to the workspace's `istio` ConfigMap or Istio's defaults.
    pub fn set_mesh_config(&mut self, path: &str) {
        let key = self.workspace_key.1.clone();
        if path.trim().is_empty() {
            self.settings.mesh_configs.remove(&key);
        } else {
            self.settings
                .mesh_configs
                .insert(key, PathBuf::from(path.trim()));
        }
        self.persist_settings();
        self.load_mesh_file();
        self.revalidate();
    }

    pub fn notice(&mut self, error: bool, text: impl Into<String>) {
        self.notices.push(Notice {
            error,
            text: text.into(),
        });
        if self.notices.len() > 8 {
            self.notices.remove(0);
        }
    }

    /// Adds a loaded file to the workspace.
    pub fn add_file(&mut self, file: SourceFile, untitled: bool) -> usize {
        let v = self.bump_version();
        self.workspace.files.push(file);
        self.file_states.push(FileState {
            version: v,
            saved_version: if untitled { 0 } else { v },
            untitled,
        });
        self.revalidate();
        self.workspace.files.len() - 1
    }

    /// Opens files from disk, reporting failures in the window.
    pub fn open_paths(&mut self, paths: &[PathBuf]) {
        for path in paths {
            if let Some(i) = self.workspace.files.iter().position(|f| &f.path == path) {
                self.select_first_in(i);
                continue;
            }
            match SourceFile::read(path) {
                Ok(file) => {
                    let i = self.add_file(file, false);
                    self.settings.add_recent(path);
                    self.persist_settings();
                    self.select_first_in(i);
                }
                Err(e) => self.notice(true, e.to_string()),
            }
        }
    }

    fn select_first_in(&mut self, file: usize) {
        if let Some(f) = self.workspace.files.get(file) {
            for (di, d) in f.documents.iter().enumerate() {
                if d.error.is_some() {
                    self.selected = Some(Site {
                        file,
                        document: di,
                        item: None,
                    });
                    return;
                }
                if !d.items.is_empty() {
                    self.selected = Some(Site {
                        file,
                        document: di,
                        item: Some(0),
                    });
                    return;
                }
            }
        }
    }

    pub fn persist_settings(&mut self) {
        self.settings.istio_version = Some(self.options.istio_version.to_string());
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            let text = format!("settings not saved: {e}");
            self.notice(true, text);
        }
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
    /// open step of the same widget).
    pub fn apply_edit(&mut self, site: Site, edited: Resource, widget: Option<egui::Id>) {
        let Some(item_index) = site.item else { return };
        let merge_key = widget.map(|w| (w, self.focus_epoch));
        self.record_change(site.file, Some(site), merge_key, |file| {
            let doc = file
                .documents
                .get_mut(site.document)
                .ok_or("the document is gone")?;
            let item = doc
                .items
                .get_mut(item_index)
                .ok_or("the resource is gone")?;
            item.name = edited.name().to_string();
            item.namespace = edited.namespace().map(str::to_string);
            item.resource = Ok(edited);
            doc.dirty = true;
            Ok::<(), &str>(())
        });
    }

    /// Applies a structural change to one file (add, delete, duplicate) as one undo step.
    fn change_file(
        &mut self,
        file_index: usize,
        selection: Option<Site>,
        change: impl FnOnce(&mut SourceFile) -> Result<(), String>,
    ) {
        if self.record_change(file_index, selection, None, change) {
            self.selected = selection;
        }
    }

    /// Every change to a file goes through here: it is applied in place, gets a new
    /// version and one undo step (merged into the open step with the same `merge_key`,
    /// so a whole text edit undoes at once). A change that fails must do so before it
    /// modifies anything; the file is restored from the snapshot when there is one.
    fn record_change<E: Into<String>>(
        &mut self,
        file_index: usize,
        selection: Option<Site>,
        merge_key: Option<(egui::Id, u64)>,
        change: impl FnOnce(&mut SourceFile) -> Result<(), E>,
    ) -> bool {
        let Some(file) = self.workspace.files.get(file_index) else {
            return false;
        };
        let merging = merge_key.is_some()
            && self.redo.is_empty()
            && self.undo.last().is_some_and(|u| {
                u.file == file_index && u.merge_key == merge_key && u.selection == selection
            });
        // The snapshot to undo to; a merged edit keeps the open step's, so none is taken.
        let before = (!merging).then(|| (file.clone(), self.file_states[file_index].version));
        if let Err(e) = change(&mut self.workspace.files[file_index]) {
            if let Some((file, _)) = before {
                self.workspace.files[file_index] = file;
            }
            self.notice(true, e.into());
            return false;
        }
        let version = self.bump_version();
        self.file_states[file_index].version = version;
        let after = (self.workspace.files[file_index].clone(), version);
        match (before, self.undo.last_mut()) {
            (Some(before), _) => {
                self.undo.push(UndoStep {
                    file: file_index,
                    before,
                    after,
                    selection,
                    merge_key,
                });
                self.redo.clear();
            }
            (None, Some(top)) => top.after = after,
            (None, None) => {}
        }
        self.revalidate();
        true
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo(&mut self) {
        let Some(step) = self.undo.pop() else { return };
        if step.file < self.workspace.files.len() {
            self.workspace.files[step.file] = step.before.0.clone();
            self.file_states[step.file].version = step.before.1;
            self.selected = step
                .selection
                .filter(|s| self.site_exists(*s))
                .or(self.selected.filter(|s| self.site_exists(*s)));
        }
        self.redo.push(step);
        self.focus_epoch += 1;
        self.revalidate();
    }

    pub fn redo(&mut self) {
        let Some(step) = self.redo.pop() else { return };
        if step.file < self.workspace.files.len() {
            self.workspace.files[step.file] = step.after.0.clone();
            self.file_states[step.file].version = step.after.1;
            self.selected = step.selection.filter(|s| self.site_exists(*s));
        }
        self.undo.push(step);
        self.focus_epoch += 1;
        self.revalidate();
    }

    fn site_exists(&self, s: Site) -> bool {
        self.workspace
            .files
            .get(s.file)
            .and_then(|f| f.documents.get(s.document))
            .is_some_and(|d| s.item.is_none_or(|i| i < d.items.len()))
    }

    /// A new untitled file to put new resources in.
    pub fn new_file(&mut self) -> usize {
        self.untitled_count += 1;
        let path = PathBuf::from(format!("untitled-{}.yaml", self.untitled_count));
        self.add_file(SourceFile::empty(path), true)
    }

    /// Adds the resources a recipe builds to the selected file (or a new one).
    pub fn add_recipe(&mut self, recipe: Recipe, host: &str, port: u32, namespace: &str) {
        let file = match self.selected {
            Some(s) if s.file < self.workspace.files.len() => s.file,
            _ => self.new_file(),
        };
        let resources = recipe.build(host, port, namespace);
        let first_doc = self.workspace.files[file].documents.len();
        let mut selection = Some(Site {
            file,
            document: first_doc,
            item: Some(0),
        });
        self.change_file(file, selection, |f| {
            for r in &resources {
                f.append_resource(r).map_err(|e| e.to_string())?;
            }
            Ok(())
        });
        // The first new document may follow a blank one; select the first with an item.
        if let Some(f) = self.workspace.files.get(file) {
            selection = (first_doc..f.documents.len())
                .find(|&d| !f.documents[d].items.is_empty())
                .map(|d| Site {
                    file,
                    document: d,
                    item: Some(0),
                });
        }
        self.selected = selection;
        if let Some(top) = self.undo.last_mut() {
            top.selection = selection;
        }
    }

    /// Duplicates the selected resource into a new document after the file's end.
    pub fn duplicate_selected(&mut self) {
        let (Some(site), Some(resource)) = (self.selected, self.selected_resource().cloned())
        else {
            return;
        };
        if !resource.is_istio() {
            self.notice(
                true,
                "only ServiceEntries and DestinationRules can be duplicated",
            );
            return;
        }
        let mut copy = resource;
        let new_name = format!("{}-copy", copy.name());
        match &mut copy {
            Resource::ServiceEntry(r) => r.metadata.name = Some(new_name),
            Resource::DestinationRule(r) => r.metadata.name = Some(new_name),
            Resource::Other(_) => {}
        }
        let doc = self.workspace.files[site.file].documents.len();
        self.change_file(
            site.file,
            Some(Site {
                file: site.file,
                document: doc,
                item: Some(0),
            }),
            |f| {
                f.append_resource(&copy)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
        );
    }

    /// Deletes the selected document (List items are not deleted one by one).
    pub fn delete_selected(&mut self) {
        let Some(site) = self.selected else { return };
        let is_list = self
            .workspace
            .files
            .get(site.file)
            .and_then(|f| f.documents.get(site.document))
            .is_some_and(|d| d.list_envelope.is_some());
        if is_list {
            self.notice(
                true,
                "this resource is an item of a kind: List; edit the List document to remove it",
            );
            return;
        }
        self.change_file(site.file, None, |f| {
            f.remove_document(site.document);
            Ok(())
        });
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

    /// The window title: selected file and a dirty marker.
    pub fn window_title(&self) -> String {
        let file = self.current_file();
        match file.and_then(|i| self.workspace.files.get(i).map(|f| (i, f))) {
            Some((i, f)) => {
                let dirty = if self.file_states[i].is_dirty() {
                    " •"
                } else {
                    ""
                };
                format!("{}{dirty} — egress-studio", f.display_path())
            }
            None => "egress-studio".to_string(),
        }
    }

    pub fn set_istio_version(&mut self, v: IstioVersion) {
        self.options.istio_version = v;
        self.revalidate();
        self.persist_settings();
    }
}

/// Opens the window. Files that fail to open are reported inside it.
pub fn run(paths: Vec<PathBuf>) -> anyhow::Result<()> {
    let settings_path = Settings::default_path();
    let settings = settings_path
        .as_deref()
        .map(Settings::load)
        .unwrap_or_default();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("egress-studio")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "egress-studio",
        options,
        Box::new(move |cc| {
            let mut app = EgressStudio::new(settings, settings_path);
            app.apply_theme(&cc.egui_ctx);
            app.open_paths(&paths);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

impl eframe::App for EgressStudio {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
        if self.close_requested {
            self.close_requested = false;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
