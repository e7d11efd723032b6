//! The block reader against yaml_serde, its reference: on every document of the
//! corpus, on the generated workspace, and on thousands of mutated documents,
//! whatever the block reader accepts must read exactly as the general path
//! reads it (yaml_serde's value, merge keys resolved, typed from the value), as
//! a YAML value and as a ServiceEntry or DestinationRule.

use super::block_de;
use super::split::split_documents;
use crate::model::{DestinationRule, ServiceEntry};
use serde::de::DeserializeOwned;
use serde_yaml::Value;
use std::fmt::Debug;

use crate::diagram::tests_support as generate;

/// `text` as the general path reads it: a YAML value from yaml_serde, merge
/// keys resolved, then typed from the value.
fn general<T: DeserializeOwned>(text: &str) -> Result<T, serde_yaml::Error> {
    let mut value: Value = serde_yaml::from_str(text)?;
    value.apply_merge()?;
    T::deserialize(&value)
}

/// Checks `text` as `T`; true when the block reader accepted it.
fn agrees_as<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> bool {
    let Some(fast) = block_de::from_str::<T>(text) else {
        return false;
    };
    match general::<T>(text) {
        Ok(reference) => assert_eq!(fast, reference, "read differently:\n{text}"),
        Err(e) => panic!("block reader accepted what yaml_serde refuses ({e}):\n{text}"),
    }
    true
}

/// Checks `text` as a value and as both kinds; true when accepted as a value.
fn agrees(text: &str) -> bool {
    let accepted = agrees_as::<Value>(text);
    agrees_as::<ServiceEntry>(text);
    agrees_as::<DestinationRule>(text);
    accepted
}

fn documents(text: &str) -> Vec<String> {
    split_documents(text)
        .into_iter()
        .map(|s| text[s.span].to_string())
        .collect()
}

fn corpus_documents() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/istio/corpus");
    let mut stack = vec![root];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.extend(documents(&std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    assert!(out.len() > 100, "corpus missing: {} documents", out.len());
    out
}

#[test]
fn corpus_documents_read_as_yaml_serde_reads_them() {
    let docs = corpus_documents();
    let accepted = docs.iter().filter(|d| agrees(d)).count();
    // Most of Istio's own examples are plain block YAML: the fast path is used.
    assert!(accepted * 2 > docs.len(), "{accepted} of {}", docs.len());
}

#[test]
fn every_generated_document_takes_the_fast_path() {
    for doc in documents(&generate::workspace_yaml_with_gateways(300)) {
        assert!(agrees(&doc), "not accepted:\n{doc}");
    }
}

#[test]
fn scalars_resolve_as_in_yaml_serde() {
    let scalars = [
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "no",
        "yes",
        "on",
        "0",
        "00",
        "007",
        "-0",
        "+0",
        "-007",
        "+12",
        "++1",
        "+-1",
        "-+1",
        "0x1F",
        "0x",
        "0x-1",
        "-0x1F",
        "+0x1F",
        "0o17",
        "-0o17",
        "0b101",
        "-0b101",
        "0b2",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "340282366920938463463374607431768211456",
        "0xFFFFFFFFFFFFFFFFFF",
        "1.5",
        "-1.5",
        "+1.5",
        "1e3",
        "1E3",
        "1.",
        ".5",
        "-.5",
        "1_000",
        ".inf",
        "-.inf",
        "+.inf",
        ".Inf",
        ".NaN",
        ".nan",
        "+.nan",
        "nan",
        "inf",
        "infinity",
        "1e400",
        "0.0",
        "-0.0",
        "3s",
        "443",
        "v1",
        "a b",
        "'x'",
        "\"y\"",
        "-1x",
        "::1",
        "a:b",
        "a#b",
        "10.0.0.1",
    ];
    for scalar in scalars {
        for text in [
            format!("k: {scalar}\n"),
            format!("- {scalar}\n"),
            format!("{scalar}: v\n"),
            format!("spec:\n  ports:\n  - number: {scalar}\n    name: {scalar}\n"),
            format!("spec:\n  hosts: {scalar}\n  exportTo:\n  - {scalar}\n"),
            format!(
                "spec:\n  trafficPolicy:\n    loadBalancer:\n      simple: {scalar}\n    tls: {scalar}\n"
            ),
            format!("spec:\n  subsets:\n  - name: a\n    labels:\n      {scalar}: {scalar}\n"),
        ] {
            agrees(&text);
        }
    }
}

/// A small deterministic generator (xorshift), so every run checks the same cases.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// One random edit of the kind that changes how YAML reads: an indicator, a
/// space, a line break, a quote inserted; a line duplicated, re-indented or cut.
fn mutate(text: &str, rng: &mut Rng) -> String {
    const TOKENS: &[&str] = &[
        " ", "  ", "\n", "\n  ", "- ", "-", ":", ": ", "#", " #", "'", "\"", "''", "\\", "\t", "[",
        "]", "{}", "[]", "&a ", "*a", "!t ", "|", ">", "?", ",", "%", "@", "---", "...", "~",
        "null", "0", "0x1", "1.5", "true", "\r\n", "\r", "\u{a0}", "\u{85}", "\u{feff}", "<<: ",
        "é",
    ];
    let mut out: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if out.is_empty() {
        out.push(String::new());
    }
    let i = rng.below(out.len());
    match rng.below(5) {
        0 | 1 => {
            let line = &out[i];
            let mut at = rng.below(line.len() + 1);
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            let token = TOKENS[rng.below(TOKENS.len())];
            out[i] = format!("{}{token}{}", &line[..at], &line[at..]);
        }
        2 => {
            let copy = out[i].clone();
            out.insert(i, copy);
        }
        3 => {
            out[i] = match rng.below(2) {
                0 => format!(" {}", out[i]),
                _ => out[i].strip_prefix(' ').unwrap_or(&out[i]).to_string(),
            };
        }
        _ => {
            out.remove(i);
        }
    }
    out.concat()
}

#[test]
fn mutated_documents_read_as_yaml_serde_reads_them() {
    let mut docs = corpus_documents();
    docs.extend(documents(&generate::workspace_yaml_with_gateways(40)));
    let seed = std::env::var("BLOCK_READER_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut rng = Rng(seed.unwrap_or(0x9e37_79b9_7f4a_7c15));
    let mut accepted = 0;
    // BLOCK_READER_ROUNDS runs a longer search locally.
    let rounds = std::env::var("BLOCK_READER_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(6000);
    for round in 0..rounds {
        let mut text = docs[round % docs.len()].clone();
        for _ in 0..=rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        if agrees(&text) {
            accepted += 1;
        }
    }
    // Enough of the mutants stay in the subset for the comparison to mean something.
    assert!(
        accepted * 4 > rounds,
        "only {accepted} of {rounds} mutants accepted"
    );
}
