//! DUPLICATE-OBJECT: one object (API group, kind, namespace and name) defined
//! by two documents. `kubectl apply` applies both in order, so the later one
//! replaces the earlier without a word (kustomize refuses the pair).

use super::Severity;
use super::scope::{Entry, Out};
use std::collections::BTreeMap;

/// The API group of `apiVersion` (`networking.istio.io/v1` → `networking.istio.io`;
/// the core group of `v1` is empty): versions of one group name one object.
pub(super) fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Reports every definition that a later one replaces.
pub(super) fn run(entries: &[Entry], out: &mut Out) {
    let mut by_object: BTreeMap<(&str, &str, &str, &str), Vec<&Entry>> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.id.name.is_empty()) {
        let id = (
            group(e.resource.api_version()),
            e.id.kind,
            e.id.namespace,
            e.id.name,
        );
        by_object.entry(id).or_default().push(e);
    }
    for defined in by_object.values().filter(|d| d.len() > 1) {
        let Some((last, replaced)) = defined.split_last() else {
            continue;
        };
        for e in replaced {
            out.push_related(
                e,
                Severity::Warning,
                "DUPLICATE-OBJECT",
                "metadata.name",
                format!(
                    "{} {}/{} is defined again later ({}:{}): kubectl apply applies both in order, so that definition replaces this one; keep one",
                    e.id.kind,
                    e.id.namespace,
                    e.id.name,
                    last.path.display(),
                    last.line
                ),
                &[(last, "metadata.name")],
            );
        }
    }
}
