//! The right panel: the traffic-route diagram (or the same route as text), with
//! click-to-select, a legend, a view that follows the selection, and SVG/PNG
//! export to a chosen path.

use super::{EgressStudio, route};
use crate::diagram::{self, Layout, ProbeResult, paint, view};
use crate::probe::targets::PathMap;
use crate::validate::Site;
use egui::Ui;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// How long after the last edit the user counts as still typing.
const PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

/// What a cached layout was built from.
#[derive(Clone, PartialEq)]
struct CacheKey {
    generation: u64,
    collapsed: HashSet<String>,
    /// Probe results received so far (a version, not a count of entries).
    probes: u64,
    paths: PathMap,
    width: u32,
}

/// The diagram panel's state: layout cache, view, and the path the export dialog's Browse… picked.
pub struct DiagramState {
    /// Shared, so a frame does not copy thousands of shapes.
    cache: Option<(CacheKey, Arc<Layout>)>,
    collapsed: HashSet<String>,
    /// Pan and zoom, in layout coordinates.
    scene: egui::Rect,
    /// The selection and open files the view was last placed for, and the panel size.
    placed_for: Option<(Option<Site>, String)>,
    panel: egui::Vec2,
    /// Laid out for this panel width.
    width: f32,
    picked: (Sender<PathBuf>, Receiver<PathBuf>),
    /// The session version seen last, and when it changed: while a large
    /// workspace is being edited, the picture waits for a pause (see
    /// [`EgressStudio::diagram_layout_for_frame`]).
    seen_version: (u64, std::time::Instant),
}

impl Default for DiagramState {
    fn default() -> Self {
        DiagramState {
            cache: None,
            collapsed: HashSet::new(),
            scene: egui::Rect::ZERO,
            placed_for: None,
            panel: egui::Vec2::ZERO,
            width: diagram::layout::EXPORT_WIDTH,
            picked: channel(),
            seen_version: (0, std::time::Instant::now()),
        }
    }
}

fn to_egui(r: diagram::layout::Rect) -> egui::Rect {
    egui::Rect::from_min_size(egui::pos2(r.x, r.y), egui::vec2(r.w, r.h))
}

fn from_egui(r: egui::Rect) -> diagram::layout::Rect {
    diagram::layout::Rect {
        x: r.min.x,
        y: r.min.y,
        w: r.width(),
        h: r.height(),
    }
}

impl EgressStudio {
    /// Probe results with the order they arrived in, for the diagram overlay.
    pub fn probe_results(&self) -> Vec<ProbeResult<'_>> {
        self.probe
            .results
            .iter()
            .map(|(key, (target, report))| ProbeResult {
                target,
                report,
                seq: self.probe.arrival.get(key).copied().unwrap_or(0),
            })
            .collect()
    }

    /// The layout for the current workspace, probe results, path mappings,
    /// collapsed groups and panel width; rebuilt only when one of them changes.
    pub fn diagram_layout(&mut self) -> Arc<Layout> {
        let key = self.diagram_key();
        if let Some((k, l)) = &self.diagram.cache
            && *k == key
        {
            return Arc::clone(l);
        }
        let graph = diagram::build(
            &self.session.workspace,
            &self.session.diagnostics,
            &self.probe_results(),
            &key.paths,
        );
        let layout = Arc::new(diagram::lay_out(
            &graph,
            &self.diagram.collapsed,
            key.width as f32,
        ));
        self.diagram.cache = Some((key, Arc::clone(&layout)));
        layout
    }

    /// The layout to paint this frame. In a workspace of thousands of resources
    /// a rebuild costs tens of milliseconds, so while edits keep coming the last
    /// picture stays up and the rebuild waits for a pause in typing (the panel
    /// says it is updating); small workspaces update on every change.
    /// Whether the user is typing in a large workspace: the workspace changed
    /// less than a pause ago and holds more than a few hundred resources. Derived
    /// views that cost a pass over the workspace (the picture, the chains) then
    /// keep showing their last version until the pause.
    pub(super) fn typing_in_large_workspace(&mut self) -> bool {
        const LARGE: usize = 500;
        let version = self.session.version();
        if version != self.diagram.seen_version.0 {
            self.diagram.seen_version = (version, std::time::Instant::now());
        }
        let typing = self.diagram.seen_version.1.elapsed() < PAUSE
            && self.session.workspace.resources().nth(LARGE).is_some();
        if typing && let Some(ctx) = &self.ctx {
            ctx.request_repaint_after(PAUSE);
        }
        typing
    }

    fn diagram_layout_for_frame(&mut self) -> (Arc<Layout>, bool) {
        let key = self.diagram_key();
        let typing = self.typing_in_large_workspace();
        if let Some((k, l)) = &self.diagram.cache
            && typing
            && k.generation != key.generation
            && (CacheKey {
                generation: key.generation,
                ..k.clone()
            }) == key
        {
            return (Arc::clone(l), true);
        }
        (self.diagram_layout(), false)
    }

    fn diagram_key(&self) -> CacheKey {
        CacheKey {
            generation: self.session.version(),
            collapsed: self.diagram.collapsed.clone(),
            probes: self.probe.received,
            paths: self.path_map(),
            width: (self.diagram.width / 10.0).round() as u32 * 10,
        }
    }

    /// Writes the diagram as PNG (for a `.png` path, at 2×) or SVG; the
    /// outcome is shown as a notice.
    pub fn export_diagram(&mut self, path: &std::path::Path, dark: bool) {
        if let Err(e) = self.try_export_diagram(path, dark) {
            self.notice(true, e);
        }
    }

    /// Writes the diagram as PNG (for a `.png` path, at 2×) or SVG, or says why not.
    pub fn try_export_diagram(&mut self, path: &std::path::Path, dark: bool) -> Result<(), String> {
        let layout = self.diagram_layout();
        let palette = paint::palette(dark);
        let is_png = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("png"));
        let bytes = if is_png {
            diagram::png::render(&layout, palette, diagram::png::SCALE)
        } else {
            Ok(diagram::svg::render(&layout, palette).into_bytes())
        };
        bytes
            .and_then(|b| crate::yaml::atomic_write(path, &b).map_err(|e| e.to_string()))
            .map_err(|e| format!("diagram not written: {e}"))?;
        self.notice(false, format!("diagram written to {}", path.display()));
        Ok(())
    }

    fn pick_export_path(&self) {
        let tx = self.diagram.picked.0.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let picked = rfd::FileDialog::new()
                .add_filter("PNG image", &["png"])
                .add_filter("SVG drawing", &["svg"])
                .set_file_name("route.png")
                .save_file();
            if let Some(p) = picked {
                let _ = tx.send(p);
            }
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
    }

    /// The Export diagram dialog's body: where to write, PNG or SVG by the
    /// extension. Returns whether the dialog stays open; a failure stays in it.
    pub(super) fn export_diagram_ui(
        &mut self,
        ui: &mut Ui,
        (path, note): (&mut String, &mut Option<String>),
        enter: bool,
        focus_first: bool,
    ) -> bool {
        while let Ok(p) = self.diagram.picked.1.try_recv() {
            *path = p.display().to_string();
        }
        ui.heading("Export the diagram");
        ui.label("Writes the traffic route as drawn now: a path ending in .png writes a PNG image at twice the size, any other path an SVG drawing.");
        ui.horizontal(|ui| {
            let l = ui.label("Write to");
            let r = ui
                .add(egui::TextEdit::singleline(path).desired_width(280.0))
                .labelled_by(l.id);
            if focus_first {
                r.request_focus();
            }
            if ui.button("Browse…").clicked() {
                self.pick_export_path();
            }
        });
        if let Some(n) = note {
            ui.colored_label(ui.visuals().warn_fg_color, n.as_str());
        }
        let mut keep = true;
        let mut write = enter;
        ui.horizontal(|ui| {
            write |= ui.button("Write").clicked();
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        if write && keep {
            if path.trim().is_empty() {
                *note = Some("Type the path of the picture to write.".into());
            } else {
                let dark = ui.visuals().dark_mode;
                match self.try_export_diagram(std::path::Path::new(path.trim()), dark) {
                    Ok(()) => keep = false,
                    Err(e) => *note = Some(e),
                }
            }
        }
        keep
    }

    /// Places the view for the selection and open files when they change: the
    /// selected route whole, at a readable zoom. A view already showing the
    /// selected route stays put (clicking in the diagram does not jump).
    fn place_view(&mut self, layout: &Layout, panel: egui::Vec2) {
        let key = (self.session.selected, self.workspace_key.1.clone());
        let size = (panel.x, panel.y);
        let unplaced = self.diagram.scene == egui::Rect::ZERO || !self.diagram.scene.is_finite();
        if self.diagram.placed_for.as_ref() != Some(&key) || unplaced {
            let files_changed = self
                .diagram
                .placed_for
                .as_ref()
                .is_none_or(|(_, files)| *files != key.1);
            let keep = !unplaced
                && !files_changed
                && self
                    .session
                    .selected
                    .is_none_or(|s| view::shows(layout, from_egui(self.diagram.scene), s));
            if !keep {
                self.diagram.scene =
                    to_egui(view::default_view(layout, size, self.session.selected));
            }
            self.diagram.placed_for = Some(key);
        } else if self.diagram.panel != panel && self.diagram.panel != egui::Vec2::ZERO {
            // The panel was resized: keep the zoom and the top left.
            let prev = (self.diagram.panel.x, self.diagram.panel.y);
            let zoom = view::zoom(from_egui(self.diagram.scene), prev).max(0.01);
            self.diagram.scene = egui::Rect::from_min_size(self.diagram.scene.min, panel / zoom);
        }
        self.diagram.panel = panel;
    }

    pub(super) fn route_panel(&mut self, ui: &mut Ui) {
        // Wrapped, so that a narrow panel (a 900 px window) shows every control
        // on two rows instead of clipping the heading.
        ui.horizontal_wrapped(|ui| {
            ui.heading("Traffic route");
            ui.checkbox(&mut self.route_as_text, "as text");
            if ui
                .button("Export…")
                .on_hover_text("Write the diagram as PNG or SVG")
                .clicked()
            {
                self.dialog = Some(super::Dialog::ExportDiagram {
                    path: "route.png".to_string(),
                    note: None,
                });
            }
            if ui
                .small_button("fit")
                .on_hover_text("Show as much as fits at a readable size; scroll for the rest")
                .clicked()
            {
                let l = self.diagram_layout();
                let size = (self.diagram.panel.x, self.diagram.panel.y);
                self.diagram.scene = to_egui(view::fit(&l, size, self.diagram.scene.min.y));
            }
            if ui
                .small_button("100%")
                .on_hover_text("Back to the selected route at 100 %")
                .clicked()
            {
                self.diagram.placed_for = None;
                self.diagram.scene = egui::Rect::ZERO;
            }
        });
        ui.add(
            egui::Label::new(match self.session.mesh.outbound {
                crate::validate::OutboundPolicy::RegistryOnly => {
                    "Mesh egress: REGISTRY_ONLY — hosts without a ServiceEntry are blocked"
                }
                crate::validate::OutboundPolicy::AllowAny => {
                    "Mesh egress: ALLOW_ANY (Istio's default) — hosts without a ServiceEntry pass through unmanaged"
                }
            })
            .truncate(),
        )
        .on_hover_text(match &self.session.mesh.origin {
            Some(o) => format!("outboundTrafficPolicy from {o}"),
            None => "No mesh config among the open files: Istio's defaults apply".to_string(),
        });
        self.chain_line(ui);
        if self.route_as_text {
            route::route_ui(self, ui);
            return;
        }
        self.diagram.width = ui.available_width();
        let (layout, updating) = self.diagram_layout_for_frame();
        if layout.shapes.is_empty() {
            ui.label("No ServiceEntries yet.");
            return;
        }
        if updating {
            ui.weak("updating the picture when you pause typing…");
        }
        paint::legend_ui(ui, &layout.classes);
        // The picture stays inside what the panel shows: when the panel's content
        // is wider than the panel (a narrow window), the scene would otherwise be
        // drawn over the editor beside it.
        let visible = ui.available_rect_before_wrap().intersect(ui.clip_rect());
        let panel = visible.size().max(egui::vec2(100.0, 100.0));
        self.place_view(&layout, panel);
        let mut scene = self.diagram.scene;
        let selected = self.session.selected;
        let action = ui
            .scope_builder(egui::UiBuilder::new().max_rect(visible), |ui| {
                paint::ui(ui, &layout, selected, &mut scene)
            })
            .inner;
        self.diagram.scene = scene;
        match action {
            Some(paint::Action::Select(site)) => {
                self.session.selected = Some(site);
                self.tab = super::EditorTab::Form;
                // The route is on screen already: do not move the view.
                self.diagram.placed_for =
                    Some((self.session.selected, self.workspace_key.1.clone()));
            }
            Some(paint::Action::ToggleGroup(ns)) if !self.diagram.collapsed.remove(&ns) => {
                self.diagram.collapsed.insert(ns);
            }
            Some(paint::Action::ToggleGroup(_)) | None => {}
        }
    }
}
