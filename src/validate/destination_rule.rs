//! `ValidateDestinationRule` (validation.md §3).

use super::blocks::*;
use super::export_to::validate_export_to;
use super::service_entry::check_labels;
use super::traffic_policy::check_policy;
use super::{Findings, Options};
use crate::model::DestinationRule;
use crate::yaml::join_key;
use std::collections::HashSet;

pub fn check(dr: &DestinationRule, opts: &Options, f: &mut Findings) {
    let spec = &dr.spec;
    let namespace = dr.metadata.namespace.as_deref().unwrap_or("default");
    match &spec.host {
        None => f.error(
            "DR1",
            "spec.host",
            "host is required: the registry name (FQDN recommended) this rule applies to",
        ),
        Some(h) => f.check("DR1", "spec.host", validate_wildcard_domain(h)),
    }
    if let Some(tp) = &spec.traffic_policy {
        check_policy(tp, "spec.trafficPolicy", namespace, opts, f);
    }
    let mut names = HashSet::new();
    for (i, s) in spec.subsets.iter().enumerate() {
        let p = format!("spec.subsets[{i}]");
        let name = s.name.as_deref().unwrap_or("");
        if !names.insert(name) {
            f.error(
                "DR3",
                format!("{p}.name"),
                format!("duplicate subset names: {name}"),
            );
        }
        if name.is_empty() {
            f.error("DR4", format!("{p}.name"), "subset name cannot be empty");
        } else if !is_dns1123_label(name) {
            f.error(
                "DR5",
                format!("{p}.name"),
                format!("subset name is invalid: {name}"),
            );
        }
        check_labels(&s.labels, &format!("{p}.labels"), "DR6", f);
        if let Some(tp) = &s.traffic_policy {
            let outer = f.nested;
            f.nested = true;
            check_policy(tp, &format!("{p}.trafficPolicy"), namespace, opts, f);
            f.nested = outer;
        }
    }
    validate_export_to(
        namespace,
        &spec.export_to,
        false,
        spec.workload_selector.is_some(),
        f,
    );
    if let Some(sel) = &spec.workload_selector {
        for (k, v) in &sel.match_labels {
            let p = join_key("spec.workloadSelector.matchLabels", k);
            if k.is_empty() {
                f.error("DR9", &p, "empty key is not supported in selector");
            }
            if k.contains('*') || v.contains('*') {
                f.error("DR10", &p, "wildcard is not supported in selector");
            }
            if v.len() > 63 {
                f.error(
                    "CRD-LIMIT",
                    &p,
                    format!(
                        "selector label value is {} characters; at most 63 are allowed",
                        v.len()
                    ),
                );
            }
        }
        if sel.match_labels.is_empty() {
            f.warning(
                "DR11",
                "spec.workloadSelector",
                "workload selector specified without labels",
            );
        }
        if sel.match_labels.len() > 4096 {
            f.error(
                "CRD-LIMIT",
                "spec.workloadSelector.matchLabels",
                "at most 4096 labels are allowed",
            );
        }
    }
}
