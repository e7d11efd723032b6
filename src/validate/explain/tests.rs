use super::*;
use std::collections::BTreeSet;

/// Uppercase string literals of the validator's sources that are not codes.
const NOT_CODES: &[&str] = &[
    "CONNECT", "HTTP", "HTTPS", "MUTUAL", "POST", "SIMPLE", "TCP", "TLS",
];

/// The string literals of `text` before its test module, outside comments.
fn literals(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut lit = String::new();
            let mut escaped = false;
            for c in chars.by_ref() {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => break,
                    _ => {
                        escaped = false;
                        lit.push(c);
                    }
                }
            }
            out.push(lit);
        }
    }
    out
}

fn looks_like_code(s: &str) -> bool {
    s.len() >= 2
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
}

/// Every code-like literal in the sources that produce diagnostics.
fn emitted_codes() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("validate"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs") && !p.ends_with("tests.rs"))
        .collect();
    files.push(root.join("yaml/load.rs"));
    files.push(root.join("validate/chain/mod.rs"));
    files.push(root.join("validate/chain/rules.rs"));
    files.push(root.join("validate/chain/external.rs"));
    files.push(root.join("validate/chain/ports.rs"));
    assert!(files.len() > 10, "the validator's sources were not found");
    files
        .iter()
        .flat_map(|f| literals(&std::fs::read_to_string(f).unwrap()))
        .filter(|l| looks_like_code(l) && !NOT_CODES.contains(&l.as_str()))
        .collect()
}

#[test]
fn every_emitted_code_has_an_entry_and_no_entry_is_stale() {
    let emitted = emitted_codes();
    let missing: Vec<&String> = emitted.iter().filter(|c| lookup(c).is_none()).collect();
    assert!(
        missing.is_empty(),
        "codes without an explain entry: {missing:?}"
    );
    let stale: Vec<&str> = all()
        .map(|e| e.code)
        .filter(|c| !emitted.contains(*c))
        .collect();
    assert!(
        stale.is_empty(),
        "explain entries for codes no rule emits: {stale:?}"
    );
    // The scan must see the families it is meant to cover.
    for c in [
        "SE11",
        "TLS3",
        "CRD-ENUM",
        "META4",
        "X1",
        "VERSION",
        "YAML",
        "K8S",
        "IST0128",
        "DOUBLE-TLS",
    ] {
        assert!(emitted.contains(c), "{c} not found by the source scan");
    }
    assert!(emitted.len() > 140, "only {} codes found", emitted.len());
}

#[test]
fn codes_are_unique_and_entries_complete() {
    let mut seen = BTreeSet::new();
    for e in all() {
        assert!(seen.insert(e.code), "{} listed twice", e.code);
        for (what, text) in [
            ("title", e.title),
            ("meaning", e.meaning),
            ("fix", e.fix),
            ("example", e.example),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {what}", e.code);
        }
        let text = e.render();
        assert!(text.starts_with(&format!("{}: ", e.code)));
        for part in [
            "What it means:",
            "Why:",
            "Release:",
            "How to fix:",
            "Example:",
        ] {
            assert!(text.contains(part), "{}: no {part}", e.code);
        }
        assert!(!e.name().is_empty() && e.name().chars().all(|c| c.is_ascii_alphanumeric()));
    }
}

#[test]
fn help_uris_point_at_the_right_pages() {
    let uri = |c: &str| lookup(c).and_then(|e| e.help_uri()).unwrap_or_default();
    assert_eq!(
        uri("IST0128"),
        "https://istio.io/latest/docs/reference/config/analysis/ist0128/"
    );
    assert!(uri("SE11").ends_with("/networking/service-entry/"));
    assert!(uri("TLS3").ends_with("/networking/destination-rule/#ClientTLSSettings"));
    assert!(uri("DR3").ends_with("/networking/destination-rule/#DestinationRule"));
    assert!(lookup("se11").is_some(), "lookup ignores case");
    assert!(lookup("NOPE").is_none());
}

#[test]
fn the_scanner_reads_literals_and_skips_comments_and_tests() {
    let src = "f.error(\"SE1\", p, \"a \\\"q\\\"\"); // \"SE99\"\n#[cfg(test)]\nmod t { \"TLS9\" }";
    assert_eq!(
        literals(src),
        vec!["SE1".to_string(), "a \"q\"".to_string()]
    );
}
