//! The ServiceEntry and DestinationRule forms: every field of the v1 API, grouped
//! as the API groups them.

use super::policy_forms::traffic_policy;
use super::widgets::Form;
use crate::model::*;
use egui::Ui;
use indexmap::IndexMap;

fn resolutions(form: &Form) -> Vec<Resolution> {
    Resolution::ALL
        .iter()
        .copied()
        .filter(|r| *r != Resolution::DynamicDns || form.version.at_least(1, 28))
        .collect()
}

fn metadata(form: &mut Form, ui: &mut Ui, meta: &mut ObjectMeta) {
    form.section(ui, "Metadata", "metadata", true, |form, ui| {
        form.text(ui, "name", "metadata.name", &mut meta.name);
        form.text(ui, "namespace", "metadata.namespace", &mut meta.namespace);
        form.string_map(ui, "labels", "metadata.labels", &mut meta.labels);
        form.string_map(
            ui,
            "annotations",
            "metadata.annotations",
            &mut meta.annotations,
        );
    });
}

pub fn service_entry(form: &mut Form, ui: &mut Ui, se: &mut ServiceEntry) {
    metadata(form, ui, &mut se.metadata);
    let spec = &mut se.spec;
    let set = spec.hosts.is_some() || !spec.addresses.is_empty();
    form.section(ui, "Hosts & addresses", "spec.hosts", set, |form, ui| {
        let mut hosts = spec.hosts.clone().unwrap_or_default();
        form.string_list(ui, "hosts", "spec.hosts", &mut hosts);
        if Some(&hosts) != spec.hosts.as_ref() {
            spec.hosts = Some(hosts);
        }
        form.string_list(ui, "addresses", "spec.addresses", &mut spec.addresses);
    });
    let set = !spec.ports.is_empty();
    form.section(ui, "Ports", "spec.ports", set, |form, ui| {
        form.list(
            ui,
            "ports",
            "Port",
            "spec.ports",
            &mut spec.ports,
            |form, ui, p, port| {
                form.number(ui, "number", &format!("{p}.number"), &mut port.number);
                form.text(ui, "name", &format!("{p}.name"), &mut port.name);
                form.protocol(ui, "protocol", &format!("{p}.protocol"), &mut port.protocol);
                form.number(
                    ui,
                    "targetPort",
                    &format!("{p}.targetPort"),
                    &mut port.target_port,
                );
            },
        );
    });
    let set = spec.resolution.is_some() || spec.location.is_some() || spec.endpoints.is_some();
    form.section(
        ui,
        "Resolution & endpoints",
        "spec.endpoints",
        set,
        |form, ui| {
            let options = resolutions(form);
            form.choice(
                ui,
                "resolution",
                "spec.resolution",
                &mut spec.resolution,
                &options,
            );
            form.choice(
                ui,
                "location",
                "spec.location",
                &mut spec.location,
                Location::ALL,
            );
            let mut endpoints = spec.endpoints.clone().unwrap_or_default();
            form.list(
                ui,
                "endpoints",
                "Endpoint",
                "spec.endpoints",
                &mut endpoints,
                |form, ui, p, ep| {
                    form.text(ui, "address", &format!("{p}.address"), &mut ep.address);
                    let mut ports = ep.ports.clone().unwrap_or_default();
                    port_map(form, ui, &format!("{p}.ports"), &mut ports);
                    if ports.is_empty() != ep.ports.is_none()
                        || ep.ports.as_ref().is_some_and(|m| *m != ports)
                    {
                        ep.ports = if ports.is_empty() { None } else { Some(ports) };
                    }
                    form.string_map(ui, "labels", &format!("{p}.labels"), &mut ep.labels);
                    form.text(ui, "network", &format!("{p}.network"), &mut ep.network);
                    form.text(ui, "locality", &format!("{p}.locality"), &mut ep.locality);
                    form.number(ui, "weight", &format!("{p}.weight"), &mut ep.weight);
                    form.text(
                        ui,
                        "serviceAccount",
                        &format!("{p}.serviceAccount"),
                        &mut ep.service_account,
                    );
                },
            );
            if spec.endpoints.as_ref() != Some(&endpoints)
                && !(spec.endpoints.is_none() && endpoints.is_empty())
            {
                spec.endpoints = if endpoints.is_empty() {
                    None
                } else {
                    Some(endpoints)
                };
            }
        },
    );
    let set = spec.workload_selector.is_some();
    form.section(
        ui,
        "Workload selector",
        "spec.workloadSelector",
        set,
        |form, ui| {
            form.optional(
                ui,
                "workloadSelector",
                "spec.workloadSelector",
                &mut spec.workload_selector,
                |form, ui, sel| {
                    form.string_map(
                        ui,
                        "labels",
                        "spec.workloadSelector.labels",
                        &mut sel.labels,
                    );
                },
            );
        },
    );
    let set = !spec.export_to.is_empty() || !spec.subject_alt_names.is_empty();
    form.section(ui, "Export & SANs", "spec.exportTo", set, |form, ui| {
        form.string_list(ui, "exportTo", "spec.exportTo", &mut spec.export_to);
        form.string_list(
            ui,
            "subjectAltNames",
            "spec.subjectAltNames",
            &mut spec.subject_alt_names,
        );
    });
}

fn port_map(form: &mut Form, ui: &mut Ui, path: &str, ports: &mut IndexMap<String, u32>) {
    let mut as_text: IndexMap<String, String> = ports
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect();
    form.string_map(ui, "ports (port name -> endpoint port)", path, &mut as_text);
    let parsed: IndexMap<String, u32> = as_text
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().parse().unwrap_or(0)))
        .collect();
    if parsed != *ports {
        *ports = parsed;
    }
}

pub fn destination_rule(form: &mut Form, ui: &mut Ui, dr: &mut DestinationRule) {
    metadata(form, ui, &mut dr.metadata);
    let spec = &mut dr.spec;
    form.section(ui, "Host", "spec.host", true, |form, ui| {
        form.text(ui, "host", "spec.host", &mut spec.host);
        form.string_list(ui, "exportTo", "spec.exportTo", &mut spec.export_to);
        form.optional(
            ui,
            "workloadSelector",
            "spec.workloadSelector",
            &mut spec.workload_selector,
            |form, ui, sel| {
                form.string_map(
                    ui,
                    "matchLabels",
                    "spec.workloadSelector.matchLabels",
                    &mut sel.match_labels,
                );
            },
        );
    });
    let set = spec.traffic_policy.is_some();
    form.section(
        ui,
        "Traffic policy",
        "spec.trafficPolicy",
        set,
        |form, ui| {
            form.optional(
                ui,
                "trafficPolicy",
                "spec.trafficPolicy",
                &mut spec.traffic_policy,
                |form, ui, tp| {
                    traffic_policy(form, ui, "spec.trafficPolicy", tp);
                },
            );
        },
    );
    let set = !spec.subsets.is_empty();
    form.section(ui, "Subsets", "spec.subsets", set, |form, ui| {
        form.list(
            ui,
            "subsets",
            "Subset",
            "spec.subsets",
            &mut spec.subsets,
            |form, ui, p, s| {
                form.text(ui, "name", &format!("{p}.name"), &mut s.name);
                form.string_map(ui, "labels", &format!("{p}.labels"), &mut s.labels);
                let tp_path = format!("{p}.trafficPolicy");
                form.optional(
                    ui,
                    "trafficPolicy",
                    &tp_path,
                    &mut s.traffic_policy,
                    |form, ui, tp| {
                        traffic_policy(form, ui, &tp_path, tp);
                    },
                );
            },
        );
    });
}
