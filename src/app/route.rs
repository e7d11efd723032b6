//! The traffic route of the workspace as text: the diagram's graph, one line per
//! listener. Lines are computed once per workspace change and drawn only where
//! visible.

use super::EgressStudio;
use crate::validate::Site;
use egui::{RichText, Ui};

#[derive(Debug, Clone, PartialEq)]
pub struct RouteLine {
    pub site: Option<Site>,
    pub text: String,
    pub heading: bool,
}

fn lines(app: &EgressStudio) -> Vec<RouteLine> {
    let graph = crate::diagram::build(
        &app.session.workspace,
        &app.session.diagnostics,
        &app.probe_results(),
        &app.path_map(),
    );
    let mut out = Vec::new();
    for r in graph.routes() {
        let site = Some(r.site);
        out.push(RouteLine {
            site,
            text: format!("ServiceEntry {}/{}", r.namespace, r.name),
            heading: true,
        });
        out.push(RouteLine {
            site,
            text: format!("  workloads: {}", r.workloads.join(", ")),
            heading: false,
        });
        let via = r
            .gateway
            .as_ref()
            .map(|g| format!(" -> egress gateway {g}"))
            .unwrap_or_default();
        let host = r.hosts.first().cloned().unwrap_or_default();
        for l in &r.listeners {
            out.push(RouteLine {
                site,
                text: format!(
                    "  -> sidecar :{}/{}{via} -> {host} [{}]  ({})",
                    l.port, l.protocol, r.resolution, l.wire.full
                ),
                heading: false,
            });
        }
        if !r.policies.is_empty() {
            out.push(RouteLine {
                site: r.rule.or(site),
                text: format!("  policies: {}", r.policies.join(", ")),
                heading: false,
            });
        }
    }
    if out.is_empty() {
        out.push(RouteLine {
            site: None,
            text: "No ServiceEntries yet.".into(),
            heading: false,
        });
    }
    out
}

pub fn route_ui(app: &mut EgressStudio, ui: &mut Ui) {
    let rows = match &app.route_cache {
        Some((g, rows)) if *g == app.session.version() => rows.clone(),
        _ => {
            let rows = lines(app);
            app.route_cache = Some((app.session.version(), rows.clone()));
            rows
        }
    };
    let mut clicked = None;
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical()
        .id_salt("route-scroll")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for line in &rows[range] {
                let selected = line.site.is_some() && line.site == app.session.selected;
                let mut text = RichText::new(&line.text);
                if line.heading {
                    text = text.strong();
                    if selected {
                        text = text.underline();
                    }
                }
                let label = egui::Label::new(text)
                    .truncate()
                    .sense(egui::Sense::click());
                if ui.add(label).on_hover_text(&line.text).clicked() {
                    clicked = line.site;
                }
            }
        });
    if let Some(site) = clicked {
        app.session.selected = Some(site);
    }
}
