//! The Diagnostics tab: every finding of the workspace with its source, filters
//! by source, and click-to-jump to the field.

use super::widgets::{severity_color, severity_icon};
use super::{EditorTab, EgressStudio};
use crate::probe::problem::plural;
use crate::validate::{self, Severity};
use egui::{RichText, Ui};

impl EgressStudio {
    pub(super) fn diagnostics_panel(&mut self, ui: &mut Ui) {
        let errors = self
            .session
            .diagnostics
            .iter()
            .filter(|d| d.diagnostic.severity == Severity::Error)
            .count();
        let warnings = self
            .session
            .diagnostics
            .iter()
            .filter(|d| d.diagnostic.severity == Severity::Warning)
            .count();
        ui.horizontal(|ui| {
            ui.label(format!(
                "{}, {} — judged as Istio {}",
                plural(errors, "error", "errors"),
                plural(warnings, "warning", "warnings"),
                self.session.options.istio_version
            ));
        });
        ui.horizontal(|ui| {
            ui.label("Show:");
            for (source, label, hover) in [
                (validate::Source::Admission, "admission", "What the cluster's admission rejects or warns about: Istio's webhook, the CRD schema and the API server"),
                (validate::Source::IstioAnalyzer, "Istio analyzers", "What istioctl analyze reports for these files"),
                (validate::Source::EgressStudio, "egress-studio checks", "Cross-resource checks of egress-studio's own, which Istio does not make"),
            ] {
                let mut shown = !self.hidden_sources.contains(&source);
                if ui.checkbox(&mut shown, label).on_hover_text(hover).changed() {
                    if shown {
                        self.hidden_sources.remove(&source);
                    } else {
                        self.hidden_sources.insert(source);
                    }
                }
            }
            if let Some(e) = &self.session.mesh_error {
                ui.label(RichText::new(format!("mesh config not read: {e}")).color(severity_color(ui, Severity::Error)));
            }
        });
        let mut jump = None;
        // One line per finding, and only the visible lines are laid out: a
        // workspace with thousands of findings costs no more per frame than a few.
        // Errors first, then warnings, then notes; in file order within each.
        let diags = &self.session.diagnostics;
        let mut shown: Vec<usize> = diags
            .iter()
            .enumerate()
            .filter(|(_, d)| !self.hidden_sources.contains(&d.diagnostic.source))
            .map(|(i, _)| i)
            .collect();
        shown.sort_by_key(|&i| {
            let d = &diags[i];
            (std::cmp::Reverse(d.diagnostic.severity), d.at.file, d.line)
        });
        let row_height = ui.text_style_height(&egui::TextStyle::Body);
        egui::ScrollArea::vertical()
            .id_salt("diag-scroll")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, shown.len(), |ui, range| {
                for d in shown[range].iter().map(|&i| &self.session.diagnostics[i]) {
                    let file = self
                        .session
                        .workspace
                        .files
                        .get(d.at.file)
                        .map(|f| f.display_path())
                        .unwrap_or_default();
                    let text = format!(
                        "{} {}:{}  {}  {} ({})  {}: {}",
                        severity_icon(d.diagnostic.severity),
                        file,
                        d.line,
                        d.diagnostic.resource,
                        d.diagnostic.code,
                        d.diagnostic.source.as_str(),
                        d.diagnostic.path,
                        d.diagnostic.message
                    );
                    let rich =
                        RichText::new(&text).color(severity_color(ui, d.diagnostic.severity));
                    let label = egui::Label::new(rich)
                        .truncate()
                        .sense(egui::Sense::click());
                    // Hovering a finding shows what its code means and how to fix it.
                    let hover = |ui: &mut Ui| {
                        ui.set_max_width(640.0);
                        ui.label(&text);
                        if let Some(e) = validate::explain::lookup(&d.diagnostic.code) {
                            ui.separator();
                            ui.label(e.render());
                        }
                    };
                    if ui.add(label).on_hover_ui(hover).clicked() {
                        jump = Some((d.at, d.diagnostic.path.clone(), d.line, d.column));
                    }
                }
            });
        if let Some((site, path, line, column)) = jump {
            self.session.selected = Some(site);
            if site.item.is_some() {
                self.tab = EditorTab::Form;
                self.scroll_to = Some(path);
            } else {
                // A document that does not load opens in the editor at its error.
                self.tab = EditorTab::Yaml;
                let first = self
                    .session
                    .workspace
                    .files
                    .get(site.file)
                    .and_then(|f| f.documents.get(site.document))
                    .map_or(1, |doc| doc.line);
                self.yaml.go_to((line + 1).saturating_sub(first), column);
            }
        }
    }
}
