//! The Gateway and VirtualService forms: the fields an egress-gateway chain
//! depends on (servers, hosts and TLS of a Gateway; hosts, gateways and the
//! http / tls / tcp routes with their matches and destinations of a
//! VirtualService). Everything else of the object is kept as written and
//! edited in the YAML tab.

use super::widgets::Form;
use crate::model::{
    ChainResource, Destination, Gateway, GatewayPort, ObjectMeta, PortSelector, RouteDestination,
    RouteMatch, Rule, RuleKind, Server, ServerTls, VirtualService,
};
use egui::Ui;

/// The TLS modes of a Gateway server, as the API names them.
const SERVER_TLS_MODES: &[&str] = &[
    "PASSTHROUGH",
    "SIMPLE",
    "MUTUAL",
    "ISTIO_MUTUAL",
    "AUTO_PASSTHROUGH",
    "OPTIONAL_MUTUAL",
];

fn metadata(form: &mut Form, ui: &mut Ui, meta: &mut ObjectMeta) {
    form.section(ui, "Metadata", "metadata", true, |form, ui| {
        form.text(ui, "name", "metadata.name", &mut meta.name);
        form.text(ui, "namespace", "metadata.namespace", &mut meta.namespace);
    });
}

/// An item Istio would reject as `null`: says so, and offers to fill it in.
fn nullable<'a, T: Default>(ui: &mut Ui, what: &str, item: &'a mut Option<T>) -> Option<&'a mut T> {
    if item.is_none() {
        ui.horizontal(|ui| {
            ui.label(format!("An empty {what} (null): Istio rejects it."));
            if ui.button(format!("Fill in the {what}")).clicked() {
                *item = Some(T::default());
            }
        });
    }
    item.as_mut()
}

pub fn gateway(form: &mut Form, ui: &mut Ui, g: &mut Gateway) {
    metadata(form, ui, &mut g.metadata);
    let spec = &mut g.spec;
    form.section(ui, "Selector", "spec.selector", true, |form, ui| {
        let mut labels = spec.selector.clone().unwrap_or_default();
        form.string_map(ui, "selector", "spec.selector", &mut labels);
        if Some(&labels) != spec.selector.as_ref()
            && !(labels.is_empty() && spec.selector.is_none())
        {
            spec.selector = Some(labels);
        }
    });
    form.section(ui, "Servers", "spec.servers", true, |form, ui| {
        form.list(
            ui,
            "servers",
            "Server",
            "spec.servers",
            &mut spec.servers,
            |form, ui, p, server| {
                if let Some(s) = nullable(ui, "server", server) {
                    server_ui(form, ui, p, s);
                }
            },
        );
    });
}

fn server_ui(form: &mut Form, ui: &mut Ui, p: &str, s: &mut Server) {
    form.optional(
        ui,
        "port",
        &format!("{p}.port"),
        &mut s.port,
        |form, ui, port| {
            port_ui(form, ui, &format!("{p}.port"), port);
        },
    );
    form.string_list(ui, "hosts", &format!("{p}.hosts"), &mut s.hosts);
    form.optional(
        ui,
        "tls",
        &format!("{p}.tls"),
        &mut s.tls,
        |form, ui, tls| {
            tls_ui(form, ui, &format!("{p}.tls"), tls);
        },
    );
    form.text(ui, "name", &format!("{p}.name"), &mut s.name);
    form.text(ui, "bind", &format!("{p}.bind"), &mut s.bind);
}

fn port_ui(form: &mut Form, ui: &mut Ui, p: &str, port: &mut GatewayPort) {
    form.number(ui, "number", &format!("{p}.number"), &mut port.number);
    form.text(ui, "name", &format!("{p}.name"), &mut port.name);
    form.protocol(ui, "protocol", &format!("{p}.protocol"), &mut port.protocol);
}

fn tls_ui(form: &mut Form, ui: &mut Ui, p: &str, tls: &mut ServerTls) {
    form.text_choice(
        ui,
        "mode",
        &format!("{p}.mode"),
        &mut tls.mode,
        SERVER_TLS_MODES,
    );
    form.text(
        ui,
        "credentialName",
        &format!("{p}.credentialName"),
        &mut tls.credential_name,
    );
    form.text(
        ui,
        "serverCertificate",
        &format!("{p}.serverCertificate"),
        &mut tls.server_certificate,
    );
    form.text(
        ui,
        "privateKey",
        &format!("{p}.privateKey"),
        &mut tls.private_key,
    );
    form.text(
        ui,
        "caCertificates",
        &format!("{p}.caCertificates"),
        &mut tls.ca_certificates,
    );
    form.flag(
        ui,
        "httpsRedirect",
        &format!("{p}.httpsRedirect"),
        &mut tls.https_redirect,
    );
}

pub fn virtual_service(form: &mut Form, ui: &mut Ui, v: &mut VirtualService) {
    metadata(form, ui, &mut v.metadata);
    let spec = &mut v.spec;
    form.section(ui, "Hosts & gateways", "spec.hosts", true, |form, ui| {
        form.string_list(ui, "hosts", "spec.hosts", &mut spec.hosts);
        form.string_list(ui, "gateways", "spec.gateways", &mut spec.gateways);
        form.string_list(ui, "exportTo", "spec.exportTo", &mut spec.export_to);
    });
    for (kind, rules) in [
        (RuleKind::Http, &mut spec.http),
        (RuleKind::Tls, &mut spec.tls),
        (RuleKind::Tcp, &mut spec.tcp),
    ] {
        let path = format!("spec.{}", kind.as_str());
        let title = format!("{} routes", kind.as_str());
        let set = !rules.is_empty();
        form.section(ui, &title, &path, set, |form, ui| {
            form.list(
                ui,
                kind.as_str(),
                "Rule",
                &path,
                rules,
                |form, ui, p, rule| {
                    if let Some(r) = nullable(ui, "rule", rule) {
                        rule_ui(form, ui, kind, p, r);
                    }
                },
            );
        });
    }
}

fn rule_ui(form: &mut Form, ui: &mut Ui, kind: RuleKind, p: &str, r: &mut Rule) {
    if kind == RuleKind::Http {
        form.text(ui, "name", &format!("{p}.name"), &mut r.name);
    }
    let mut matches = r.matches.clone().unwrap_or_default();
    form.list(
        ui,
        "match",
        "Match",
        &format!("{p}.match"),
        &mut matches,
        |form, ui, mp, m| {
            if let Some(m) = nullable(ui, "match", m) {
                match_ui(form, ui, kind, mp, m);
            }
        },
    );
    if Some(&matches) != r.matches.as_ref() && !(matches.is_empty() && r.matches.is_none()) {
        r.matches = Some(matches);
    }
    let mut routes = r.route.clone().unwrap_or_default();
    form.list(
        ui,
        "route",
        "Destination",
        &format!("{p}.route"),
        &mut routes,
        |form, ui, rp, d| {
            if let Some(d) = nullable(ui, "destination", d) {
                route_ui(form, ui, rp, d);
            }
        },
    );
    if Some(&routes) != r.route.as_ref() && !(routes.is_empty() && r.route.is_none()) {
        r.route = Some(routes);
    }
}

fn match_ui(form: &mut Form, ui: &mut Ui, kind: RuleKind, p: &str, m: &mut RouteMatch) {
    form.string_list(ui, "gateways", &format!("{p}.gateways"), &mut m.gateways);
    form.number(ui, "port", &format!("{p}.port"), &mut m.port);
    if kind == RuleKind::Tls {
        let mut sni = m.sni_hosts.clone().unwrap_or_default();
        form.string_list(ui, "sniHosts", &format!("{p}.sniHosts"), &mut sni);
        if Some(&sni) != m.sni_hosts.as_ref() && !(sni.is_empty() && m.sni_hosts.is_none()) {
            m.sni_hosts = Some(sni);
        }
    }
}

fn route_ui(form: &mut Form, ui: &mut Ui, p: &str, rd: &mut RouteDestination) {
    let dp = format!("{p}.destination");
    let d: &mut Destination = rd.destination.get_or_insert_with(Destination::default);
    form.text(ui, "host", &format!("{dp}.host"), &mut d.host);
    form.text(ui, "subset", &format!("{dp}.subset"), &mut d.subset);
    let before = d.port.as_ref().and_then(|s| s.number);
    let mut number = before;
    form.number(ui, "port", &format!("{dp}.port.number"), &mut number);
    if number != before {
        match (&mut d.port, number) {
            (Some(port), _) if number.is_some() || !port.extra.is_empty() => port.number = number,
            (port, Some(n)) => {
                *port = Some(PortSelector {
                    number: Some(n),
                    ..Default::default()
                })
            }
            (port, None) => *port = None,
        }
    }
    form.number(ui, "weight", &format!("{p}.weight"), &mut rd.weight);
}

impl Form<'_> {
    /// A string enum as a combo box of `options` (and unset); a value from the
    /// file that is none of them is shown as written (its finding says why).
    pub fn text_choice(
        &mut self,
        ui: &mut Ui,
        label: &str,
        path: &str,
        value: &mut Option<String>,
        options: &[&str],
    ) {
        let current = value.clone();
        let response = ui
            .horizontal(|ui| {
                self.gutter(ui, path, None);
                let l = Self::label(ui, label, path);
                egui::ComboBox::from_id_salt(("text_choice", path))
                    .selected_text(current.clone().unwrap_or_else(|| "unset".into()))
                    .show_ui(ui, |ui| {
                        if let Some(v) = current.as_deref().filter(|v| !options.contains(v)) {
                            ui.selectable_value(value, Some(v.to_string()), v)
                                .on_hover_text("As written in the file");
                        }
                        ui.selectable_value(value, None, "unset");
                        for o in options {
                            ui.selectable_value(value, Some(o.to_string()), *o);
                        }
                    })
                    .response
                    .labelled_by(l.id)
            })
            .inner;
        self.bring_into_view(path, &response);
    }
}

/// The form of a Gateway or VirtualService kept as text: the object's typed
/// view edited in place. Returns the object to write back when a field changed.
pub fn chain_resource(
    form: &mut Form,
    ui: &mut Ui,
    o: &crate::model::OtherResource,
) -> Option<crate::model::OtherResource> {
    let view = match o.chain_view()? {
        Ok(view) => view,
        Err(e) => {
            ui.label(format!(
                "{}: {}. Correct it in the YAML tab; the form opens when the object reads.",
                e.path, e.message
            ));
            return None;
        }
    };
    let mut edited = view.clone();
    match &mut edited {
        ChainResource::Gateway(g) => gateway(form, ui, g),
        ChainResource::VirtualService(v) => virtual_service(form, ui, v),
    }
    if edited == view {
        return None;
    }
    edited.to_other(o).ok()
}
