//! `validateExportTo` (validation.md §2.3, X1–X6), shared by both kinds.

use super::Findings;
use super::blocks::is_dns1123_label;
use std::collections::HashSet;

/// Codes are the sub-rule ids X1–X6 (SE45 and DR8 apply them).
pub fn validate_export_to(
    namespace: &str,
    export_to: &[String],
    is_service_entry: bool,
    dr_with_selector: bool,
    f: &mut Findings,
) {
    if export_to.is_empty() {
        return;
    }
    let path = "spec.exportTo";
    let mut set: HashSet<&str> = HashSet::new();
    for (i, e) in export_to.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let key = if e == "." { namespace } else { e.as_str() };
        if set.contains(key) {
            if key != e {
                f.error(
                    "X1",
                    &p,
                    format!("duplicate entries in exportTo: . and current namespace {namespace}"),
                );
            } else {
                f.error(
                    "X1",
                    &p,
                    format!("duplicate entries in exportTo for entry {e}"),
                );
            }
            continue;
        }
        if is_service_entry && e == "~" {
            set.insert(key);
            continue;
        }
        match key {
            "." | "*" => {
                set.insert(key);
            }
            "~" => f.error(
                "X2",
                &p,
                "exportTo ~ (none) is not allowed for Istio configuration objects",
            ),
            k if is_dns1123_label(k) => {
                set.insert(key);
            }
            _ => f.error(
                "X2",
                &p,
                "only .,*, or a valid DNS 1123 label is allowed as exportTo entry",
            ),
        }
    }
    if dr_with_selector && !set.is_empty() {
        if set.contains(namespace) {
            if set.len() > 1 {
                f.error("X6", path, "destination rule with workload selector cannot have multiple entries in exportTo");
            }
        } else {
            f.error("X5", path, "destination rule with workload selector cannot have exportTo beyond current namespace");
        }
    }
    if set.contains("*") && export_to.len() > 1 {
        f.error(
            "X3",
            path,
            "cannot have both public (*) and non-public exportTo values for a resource",
        );
    }
    if set.contains("~") && export_to.len() > 1 {
        f.error(
            "X4",
            path,
            "cannot export service entry to no one (~) and someone",
        );
    }
}
