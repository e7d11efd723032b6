#![allow(dead_code)]

pub mod fixture;

use std::path::PathBuf;

/// `../shared/istio/corpus` beside the repository.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/istio/corpus")
}

/// Every corpus file, sorted. Panics when the corpus is missing: the tests must
/// not pass by reading nothing.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![corpus_dir()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(
        out.len() >= 50,
        "expected the whole corpus, found {} files",
        out.len()
    );
    out
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_egress-studio"))
}

/// Corpus files that hold an unsubstituted shell variable where Istio wants a number.
pub const TEMPLATED: &[&str] = &["http-proxy--configure_traffic_to_external_https_proxy_1.yaml"];

pub fn is_templated(p: &std::path::Path) -> bool {
    TEMPLATED.iter().any(|t| p.ends_with(t))
}
