//! The traffic route of the workspace as text (the diagram panel's placeholder).

use super::EgressStudio;
use crate::model::{Resource, TlsMode};
use egui::{RichText, Ui};

pub fn route_ui(app: &mut EgressStudio, ui: &mut Ui) {
    let selected = app.selected;
    let mut clicked = None;
    let resources: Vec<_> = app.workspace.resources().collect();
    let rules: Vec<_> = resources
        .iter()
        .filter_map(|r| match r.resource {
            Resource::DestinationRule(dr) => Some((r, dr)),
            _ => None,
        })
        .collect();
    let mut any = false;
    for r in &resources {
        let Resource::ServiceEntry(se) = r.resource else {
            continue;
        };
        any = true;
        let site = crate::validate::Site {
            file: r.file,
            document: r.document,
            item: Some(r.item),
        };
        let ns = se.metadata.namespace.as_deref().unwrap_or("default");
        let who = if se.spec.export_to.is_empty() {
            "all namespaces".to_string()
        } else {
            format!("namespaces {}", se.spec.export_to.join(", "))
        };
        let title = format!(
            "{} {}/{}",
            "ServiceEntry",
            ns,
            se.metadata.name.as_deref().unwrap_or("")
        );
        let heading = if selected == Some(site) {
            RichText::new(title).strong().underline()
        } else {
            RichText::new(title).strong()
        };
        if ui
            .selectable_label(selected == Some(site), heading)
            .clicked()
        {
            clicked = Some(site);
        }
        ui.label(format!("workloads in {who}"));
        for port in &se.spec.ports {
            let number = port.number.unwrap_or(0);
            let proto = port.protocol.clone().unwrap_or_else(|| "(sniffed)".into());
            let upstream = port.target_port.unwrap_or(number);
            for host in se.spec.hosts() {
                let rule = rules.iter().find(|(_, dr)| {
                    dr.spec
                        .host
                        .as_deref()
                        .is_some_and(|h| crate::validate::hosts_match(h, host))
                });
                let tls = rule.and_then(|(_, dr)| {
                    let tp = dr.spec.traffic_policy.as_ref()?;
                    tp.port_level_settings
                        .iter()
                        .find(|pl| pl.port.as_ref().and_then(|p| p.number) == Some(number))
                        .and_then(|pl| pl.tls.as_ref())
                        .or(tp.tls.as_ref())
                });
                let wire = match (tls.map(|t| t.mode()), proto.to_ascii_uppercase().as_str()) {
                    (Some(TlsMode::Simple), _) => format!(
                        "TLS SIMPLE sni={} -> :{upstream}",
                        tls.and_then(|t| t.sni.clone())
                            .unwrap_or_else(|| host.clone())
                    ),
                    (Some(TlsMode::Mutual), _) => format!("mTLS MUTUAL -> :{upstream}"),
                    (Some(TlsMode::IstioMutual), _) => format!("ISTIO_MUTUAL -> :{upstream}"),
                    (_, "TLS" | "HTTPS") => format!("TLS passthrough :{number}"),
                    _ => format!("{proto} :{upstream}"),
                };
                let resolution = se.spec.resolution();
                ui.label(format!(
                    "  -> sidecar :{number}/{proto} -> {host} [{resolution}]  ({wire})"
                ));
            }
        }
        ui.add_space(6.0);
    }
    if !any {
        ui.label("No ServiceEntries yet.");
    }
    if let Some(site) = clicked {
        app.selected = Some(site);
    }
}
