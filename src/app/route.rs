//! The traffic route of the workspace as text (the diagram panel's placeholder).
//! Lines are computed once per workspace change and drawn only where visible.

use super::EgressStudio;
use crate::model::{DestinationRule, Resource, TlsMode};
use crate::validate::Site;
use egui::{RichText, Ui};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct RouteLine {
    pub site: Option<Site>,
    pub text: String,
    pub heading: bool,
}

fn lines(app: &EgressStudio) -> Vec<RouteLine> {
    let resources: Vec<_> = app.workspace.resources().collect();
    let mut exact: HashMap<String, &DestinationRule> = HashMap::new();
    let mut wildcard: Vec<&DestinationRule> = Vec::new();
    for r in &resources {
        if let Resource::DestinationRule(dr) = r.resource
            && let Some(h) = dr.spec.host.as_deref()
        {
            if h.starts_with('*') {
                wildcard.push(dr);
            } else {
                exact.entry(h.to_ascii_lowercase()).or_insert(dr);
            }
        }
    }
    let rule_for = |host: &str| -> Option<&DestinationRule> {
        exact.get(&host.to_ascii_lowercase()).copied().or_else(|| {
            wildcard.iter().copied().find(|dr| {
                dr.spec
                    .host
                    .as_deref()
                    .is_some_and(|h| crate::validate::hosts_match(h, host))
            })
        })
    };
    let mut out = Vec::new();
    for r in &resources {
        let Resource::ServiceEntry(se) = r.resource else {
            continue;
        };
        let site = Site {
            file: r.file,
            document: r.document,
            item: Some(r.item),
        };
        let ns = se.metadata.namespace.as_deref().unwrap_or("default");
        let who = if se.spec.export_to.is_empty() || se.spec.export_to.iter().any(|e| e == "*") {
            "all namespaces".to_string()
        } else {
            let names: Vec<&str> = se
                .spec
                .export_to
                .iter()
                .map(|e| if e == "." { ns } else { e.as_str() })
                .collect();
            format!("namespace {}", names.join(", "))
        };
        out.push(RouteLine {
            site: Some(site),
            text: format!(
                "ServiceEntry {ns}/{}",
                se.metadata.name.as_deref().unwrap_or("")
            ),
            heading: true,
        });
        out.push(RouteLine {
            site: Some(site),
            text: format!("  workloads in {who}"),
            heading: false,
        });
        for port in &se.spec.ports {
            let number = port.number.unwrap_or(0);
            let proto = port.protocol.clone().unwrap_or_else(|| "(sniffed)".into());
            let upstream = port.target_port.unwrap_or(number);
            for host in se.spec.hosts() {
                let tls = rule_for(host).and_then(|dr| {
                    let tp = dr.spec.traffic_policy.as_ref()?;
                    tp.port_level_settings
                        .iter()
                        .find(|pl| pl.port.as_ref().and_then(|p| p.number) == Some(number))
                        .and_then(|pl| pl.tls.as_ref())
                        .or(tp.tls.as_ref())
                });
                let wire = match (tls.map(|t| t.mode()), proto.to_ascii_uppercase().as_str()) {
                    (Some(TlsMode::Simple), _) => {
                        format!(
                            "TLS SIMPLE sni={} -> :{upstream}",
                            tls.and_then(|t| t.sni.clone())
                                .unwrap_or_else(|| host.clone())
                        )
                    }
                    (Some(TlsMode::Mutual), _) => format!("mTLS MUTUAL -> :{upstream}"),
                    (Some(TlsMode::IstioMutual), _) => format!("ISTIO_MUTUAL -> :{upstream}"),
                    (_, "TLS" | "HTTPS") => format!("TLS passthrough :{number}"),
                    _ => format!("{proto} :{upstream}"),
                };
                out.push(RouteLine {
                    site: Some(site),
                    text: format!(
                        "  -> sidecar :{number}/{proto} -> {host} [{}]  ({wire})",
                        se.spec.resolution()
                    ),
                    heading: false,
                });
            }
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
        Some((g, rows)) if *g == app.generation => rows.clone(),
        _ => {
            let rows = lines(app);
            app.route_cache = Some((app.generation, rows.clone()));
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
                let selected = line.site.is_some() && line.site == app.selected;
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
        app.selected = Some(site);
    }
}
