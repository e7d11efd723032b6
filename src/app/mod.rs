//! The desktop app: the only layer that touches egui. It drives a
//! [`Session`](crate::session::Session) (the workspace, undo, diagnostics) and
//! keeps only view state; file dialogs run on their own threads.

mod chain_forms;
mod chain_line;
mod commands;
mod connection_pool_form;
mod create;
mod diagnostics_panel;
mod diagram_panel;
mod disk_dialog;
mod file_tree;
mod files;
mod folders;
mod forms;
mod gateway_dialog;
mod help;
mod list_filter;
mod menus;
mod notifications;
mod panels;
mod policy_forms;
mod probe_panel;
mod route;
mod saving;
mod settings;
mod watch;
mod widgets;
mod workspace_settings;
mod yaml_edits;
mod yaml_layout;
mod yaml_view;

pub use file_tree::TreeKey;
pub use folders::{VENDORED, folder_manifests, read_all};

pub use commands::Command;
pub use notifications::Notice;
pub use settings::{Settings, ThemeChoice};

use crate::model::Resource;
use crate::recipes::Recipe;
use crate::session::Session;
use crate::session::history::MergeKey;
use crate::validate::{self, Diagnostic, IstioVersion, Severity, Site};
use crate::yaml::SourceFile;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// Which bottom tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BottomTab {
    #[default]
    Diagnostics,
    Probe,
    Messages,
}

/// Where the window's panels were drawn in the last frame: the layout checks
/// (and tests) read it. A hidden side panel is `None`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanelRects {
    pub menu: egui::Rect,
    pub resources: Option<egui::Rect>,
    pub route: Option<egui::Rect>,
    pub bottom: egui::Rect,
    pub editor: egui::Rect,
    /// What the editor's content took; wider than `editor` when something
    /// does not shrink and is cut off at the right.
    pub editor_content: egui::Rect,
}

impl Default for PanelRects {
    fn default() -> Self {
        PanelRects {
            menu: egui::Rect::NOTHING,
            resources: None,
            route: None,
            bottom: egui::Rect::NOTHING,
            editor: egui::Rect::NOTHING,
            editor_content: egui::Rect::NOTHING,
        }
    }
}

/// Which editor tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditorTab {
    #[default]
    Form,
    Yaml,
}

pub use crate::session::FileState;

/// Modal dialogs.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// New egress-gateway chain from one of its recipes.
    GatewayChain(gateway_dialog::ChainForm),
    Open {
        path: String,
        note: Option<String>,
    },
    /// Open Folder: every manifest below a folder.
    OpenFolder {
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
        /// Why the last export failed, shown in the dialog.
        note: Option<String>,
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
    /// The diff of a file against disk, before saving; computed once when the
    /// dialog opens (or the error that prevented it).
    Review {
        file: usize,
        diff: Result<Vec<(crate::yaml::DiffOp, String)>, String>,
    },
    /// Where to write the diagram (PNG or SVG).
    ExportDiagram {
        path: String,
        note: Option<String>,
    },
    /// A file changed on disk while its buffer has edits (`saving`: found when
    /// saving). `diff` is the disk's text against the buffer, once asked for.
    ChangedOnDisk {
        file: usize,
        saving: bool,
        diff: Option<Result<Vec<(crate::yaml::DiffOp, String)>, String>>,
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
    /// Files (a large one, or a folder's) read and parsed off the UI thread;
    /// `shown` is what the resource list shows as opening.
    Loaded {
        shown: PathBuf,
        folder: Option<PathBuf>,
        files: Vec<(PathBuf, folders::Read)>,
    },
    /// Something changed in a watched folder: look at the open files again.
    DiskChanged,
    /// Manifests that appeared in opened folders since they were opened, read.
    Rescanned {
        files: Vec<(PathBuf, folders::Read)>,
    },
    /// A large file written off the UI thread (see [`saving`]).
    Saved(saving::Saved),
}

/// Files larger than this are read and parsed on a background thread, with a
/// spinner, so the window stays responsive.
const BACKGROUND_OPEN_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PickPurpose {
    Open,
    OpenFolder,
    SaveAs(usize),
    Export,
}

/// The resource list's rows for (session version, filter, tree state generation).
type ListCache = (u64, String, u64, std::rc::Rc<Vec<file_tree::ListRow>>);

/// The desktop app: a [`Session`] plus view state only (tabs, dialogs, notices,
/// caches of what is drawn, settings).
pub struct EgressStudio {
    /// The workspace, its history and diagnostics: everything that is not a view.
    pub session: Session,
    pub tab: EditorTab,
    /// The YAML tab's editor.
    pub yaml: yaml_view::YamlEditor,
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
    /// Bumped when focus moves, so edits of one widget in one focus merge into one step.
    focus_epoch: u64,
    last_focus: Option<egui::Id>,
    title: String,
    background: (Sender<Background>, Receiver<Background>),
    ctx: Option<egui::Context>,
    list_cache: Option<ListCache>,
    route_cache: Option<(u64, Vec<route::RouteLine>)>,
    /// The workspace's egress-gateway chains, for the route panel's chain line.
    chain_cache: Option<(
        u64,
        std::sync::Arc<Vec<crate::validate::chain::ChainSummary>>,
    )>,
    /// Collapsed folders and files of the resource list, and a counter bumped
    /// when they change.
    collapsed: std::collections::HashSet<file_tree::TreeKey>,
    tree_generation: u64,
    /// Watches the folders of the open files (made when the first file opens).
    watcher: Option<watch::Watcher>,
    /// Whether to start the file watcher. Tests turn it off and call
    /// [`EgressStudio::check_disk`] themselves, so what they see never depends
    /// on when the system delivers events; the focus check stays on.
    pub watch_files: bool,
    /// Whether the window had the focus last frame: getting it back checks the disk.
    window_focused: Option<bool>,
    /// The dialog whose first field got the focus (a new dialog gets it once).
    focused_dialog: Option<std::mem::Discriminant<Dialog>>,
    /// Files the user closed (canonical paths): a rescan of their folder does
    /// not bring them back.
    closed_files: std::collections::HashSet<PathBuf>,
    /// A rescan of the opened folders is running in the background.
    rescanning: bool,
    pub bottom_tab: BottomTab,
    /// The diagram panel's view state and layout cache.
    diagram: diagram_panel::DiagramState,
    pub route_as_text: bool,
    pub probe: probe_panel::ProbeState,
    /// The open files' paths, and the key that identifies this set of files
    /// (canonical, sorted) for per-workspace settings.
    workspace_key: (Vec<PathBuf>, String),
    /// Large files being read in the background.
    pub opening: Vec<PathBuf>,
    /// Large files being written in the background; the window closes only
    /// once they are written.
    pub saving: Vec<PathBuf>,
    /// Quit was asked for while a save was being written: asked again when it is.
    pub quit_when_saved: bool,
    /// The resource list and the route panel are shown (each can be hidden to
    /// give the editor room).
    pub show_resources: bool,
    pub show_route: bool,
    /// Where the panels were drawn last frame.
    pub panels: PanelRects,
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
        let mut session = Session::default();
        session.options = validate::Options { istio_version };
        EgressStudio {
            session,
            tab: EditorTab::Form,
            yaml: yaml_view::YamlEditor::default(),
            mesh_path_input: String::new(),
            hidden_sources: std::collections::HashSet::new(),
            filter: String::new(),
            dialog: None,
            notices: Vec::new(),
            settings,
            settings_path,
            quit_confirmed: false,
            close_requested: false,
            scroll_to: None,
            focus_filter: false,
            focus_epoch: 0,
            last_focus: None,
            title: String::new(),
            background: channel(),
            ctx: None,
            list_cache: None,
            route_cache: None,
            chain_cache: None,
            collapsed: std::collections::HashSet::new(),
            tree_generation: 0,
            watcher: None,
            watch_files: true,
            window_focused: None,
            focused_dialog: None,
            closed_files: std::collections::HashSet::new(),
            rescanning: false,
            bottom_tab: BottomTab::Diagnostics,
            diagram: diagram_panel::DiagramState::default(),
            route_as_text: false,
            probe: probe_panel::ProbeState::default(),
            workspace_key: (Vec::new(), String::new()),
            opening: Vec::new(),
            saving: Vec::new(),
            quit_when_saved: false,
            show_resources: true,
            show_route: true,
            panels: PanelRects::default(),
        }
    }

    /// Shows a session error as a notice.
    fn report(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.notice(true, e);
        }
    }

    /// Adds a loaded file to the workspace.
    pub fn add_file(&mut self, file: SourceFile, untitled: bool) -> usize {
        let i = self.session.add_file(file, untitled);
        self.files_changed();
        i
    }

    pub fn persist_settings(&mut self) {
        self.settings.istio_version = Some(self.session.options.istio_version.to_string());
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            let text = format!("settings not saved: {e}");
            self.notice(true, text);
        }
    }

    /// The selected resource, if the selection is a parsed item.
    pub fn selected_resource(&self) -> Option<&Resource> {
        self.session.selected_resource()
    }

    /// Diagnostics of one site.
    pub fn diagnostics_of(&self, site: Site) -> Vec<Diagnostic> {
        self.session.diagnostics_of(site)
    }

    /// Worst severity per site, for badges.
    pub fn worst_by_site(&self) -> HashMap<Site, Severity> {
        self.session.worst_by_site()
    }

    /// Replaces a resource with an edited one as one undo step (or merges into the
    /// open step of the same widget during one focus).
    pub fn apply_edit(&mut self, site: Site, edited: Resource, widget: Option<egui::Id>) {
        let merge = widget.map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&(w, self.focus_epoch), &mut h);
            MergeKey(std::hash::Hasher::finish(&h))
        });
        let result = self.session.apply_edit(site, edited, merge);
        self.report(result);
    }

    pub fn can_undo(&self) -> bool {
        self.session.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.session.can_redo()
    }

    pub fn undo(&mut self) {
        self.session.undo();
        self.focus_epoch += 1;
    }

    pub fn redo(&mut self) {
        self.session.redo();
        self.focus_epoch += 1;
    }

    /// A new untitled file to put new resources in.
    pub fn new_file(&mut self) -> usize {
        let i = self.session.new_file();
        self.files_changed();
        i
    }

    /// Adds the resources a recipe builds to the selected file (or a new one).
    pub fn add_recipe(&mut self, recipe: Recipe, host: &str, port: u32, namespace: &str) {
        let result = self.session.add_recipe(recipe, host, port, namespace);
        self.files_changed();
        if result.is_ok() {
            self.remember_namespace(namespace);
        }
        self.report(result);
    }

    /// Duplicates the selected resource into a new document after the file's end.
    pub fn duplicate_selected(&mut self) {
        let result = self.session.duplicate_selected();
        self.report(result);
    }

    /// Deletes the selected document (List items are not deleted one by one).
    pub fn delete_selected(&mut self) {
        let result = self.session.delete_selected();
        self.report(result);
    }

    /// Any file with unsaved changes.
    pub fn any_dirty(&self) -> bool {
        self.session.any_dirty()
    }

    /// The file commands act on: the selected resource's, else the first open one.
    pub fn current_file(&self) -> Option<usize> {
        self.session.current_file()
    }

    /// The window title: selected file and a dirty marker.
    pub fn window_title(&self) -> String {
        let file = self.current_file();
        match file.and_then(|i| self.session.workspace.files.get(i).map(|f| (i, f))) {
            Some((i, f)) => {
                let dirty = if self.session.file_states[i].is_dirty() {
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
        self.session.set_istio_version(v);
        self.persist_settings();
    }
}

/// Opens the window. Files that fail to open are reported inside it.
/// The application icon (`assets/egress-studio-256.png`, drawn from the SVG beside
/// it), for the window and the task bar.
pub fn window_icon() -> Option<egui::IconData> {
    let png = include_bytes!("../../assets/egress-studio-256.png");
    match eframe::icon_data::from_png_bytes(png) {
        Ok(icon) => Some(icon),
        Err(e) => {
            log::warn!("the window icon could not be decoded: {e}");
            None
        }
    }
}

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
    let options = match window_icon() {
        Some(icon) => eframe::NativeOptions {
            viewport: options.viewport.with_icon(std::sync::Arc::new(icon)),
            ..options
        },
        None => options,
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
        // A save still being written would be lost: the window waits for it.
        if self.close_requested && self.saving.is_empty() {
            self.close_requested = false;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
