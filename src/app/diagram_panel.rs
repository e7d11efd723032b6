//! The right panel: the traffic-route diagram (or the same route as text), with
//! click-to-select and SVG export.

use super::{EgressStudio, route};
use crate::diagram::{self, paint};
use egui::Ui;

impl EgressStudio {
    /// The layout for the current workspace, probe results and collapsed groups.
    pub fn diagram_layout(&mut self) -> crate::diagram::Layout {
        let probes = self.probe.results.len();
        if let Some((g, c, n, l)) = &self.diagram_cache
            && *g == self.session.version()
            && *c == self.diagram_collapsed
            && *n == probes
        {
            return l.clone();
        }
        let graph = diagram::build(
            &self.session.workspace,
            &self.session.diagnostics,
            &self.probe.results,
            &self.path_map(),
        );
        let layout = diagram::lay_out(&graph, &self.diagram_collapsed);
        self.diagram_cache = Some((
            self.session.version(),
            self.diagram_collapsed.clone(),
            probes,
            layout.clone(),
        ));
        layout
    }

    /// Writes the diagram as SVG.
    pub fn export_svg(&mut self, path: &std::path::Path, dark: bool) {
        let layout = self.diagram_layout();
        let svg = diagram::svg::render(
            &layout,
            if dark {
                &diagram::svg::DARK
            } else {
                &diagram::svg::LIGHT
            },
        );
        match crate::yaml::atomic_write(path, svg.as_bytes()) {
            Ok(()) => self.notice(false, format!("diagram written to {}", path.display())),
            Err(e) => self.notice(true, format!("diagram not written: {e}")),
        }
    }

    pub(super) fn route_panel(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.heading("Traffic route");
            ui.checkbox(&mut self.route_as_text, "as text");
            if ui
                .button("Export SVG")
                .on_hover_text("Write the diagram to route.svg in the current folder")
                .clicked()
            {
                let dark = ui.visuals().dark_mode;
                self.export_svg(std::path::Path::new("route.svg"), dark);
            }
            if ui
                .small_button("fit")
                .on_hover_text("Show the whole diagram")
                .clicked()
            {
                let l = self.diagram_layout();
                self.diagram_scene =
                    egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(l.width, l.height));
            }
            if ui
                .small_button("100%")
                .on_hover_text("Reset pan and zoom")
                .clicked()
            {
                self.diagram_scene = egui::Rect::ZERO;
            }
        });
        ui.label(
            egui::RichText::new(match self.session.mesh.outbound {
                crate::validate::OutboundPolicy::RegistryOnly => {
                    "Mesh egress: REGISTRY_ONLY — hosts without a ServiceEntry are blocked"
                }
                crate::validate::OutboundPolicy::AllowAny => {
                    "Mesh egress: ALLOW_ANY (Istio's default) — hosts without a ServiceEntry pass through unmanaged"
                }
            })
            .small(),
        )
        .on_hover_text(match &self.session.mesh.origin {
            Some(o) => format!("outboundTrafficPolicy from {o}"),
            None => "No mesh config among the open files: Istio's defaults apply".to_string(),
        });
        if self.route_as_text {
            route::route_ui(self, ui);
            return;
        }
        let layout = self.diagram_layout();
        if layout.shapes.is_empty() {
            ui.label("No ServiceEntries yet.");
            return;
        }
        let mut scene = self.diagram_scene;
        if scene == egui::Rect::ZERO || !scene.is_finite() {
            // Start readable (75 %) at the top left rather than fitting everything tiny.
            let size = ui.available_size().max(egui::vec2(100.0, 100.0)) / 0.75;
            scene = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
        }
        let action = paint::ui(ui, &layout, self.session.selected, &mut scene);
        self.diagram_scene = scene;
        match action {
            Some(paint::Action::Select(site)) => {
                self.session.selected = Some(site);
                self.tab = super::EditorTab::Form;
            }
            Some(paint::Action::ToggleGroup(ns)) if !self.diagram_collapsed.remove(&ns) => {
                self.diagram_collapsed.insert(ns);
            }
            Some(paint::Action::ToggleGroup(_)) | None => {}
        }
    }
}
