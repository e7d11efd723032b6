//! Mutation test: 550 corpus files mutated with a fixed seed (byte
//! flips, truncation, CRLF, CR-only, BOM, UTF-16, deep nesting, huge numbers,
//! anchors and aliases, merge keys, nested Lists) go through what `validate`,
//! `export` and `diagram` do, in-process. For each input:
//! - nothing panics and each input takes a bounded time;
//! - if validate reports no error and read at least one resource, export
//!   succeeds and its output validates with no error and the same resource
//!   count; so does it after an edit (a label added), which export patches in.

mod common;

use egress_studio::diagram;
use egress_studio::model::Resource;
use egress_studio::validate::{self, Options, Severity};
use egress_studio::yaml::{self, SourceFile, Workspace};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const INPUTS: usize = 550;
const SEED: u64 = 0x5eed_0014;
/// Per input, all commands together; generous for a debug build on a busy machine.
const BOUND: Duration = Duration::from_secs(10);

/// SplitMix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

type Mutator = fn(&[u8], &mut Rng) -> Vec<u8>;

const CLASSES: &[(&str, Mutator)] = &[
    ("byte flips", byte_flips),
    ("truncation", truncation),
    ("CRLF", |b, _| replace(b, b"\n", b"\r\n")),
    ("CR-only", |b, _| replace(b, b"\n", b"\r")),
    ("BOM", |b, r| {
        let body = if r.below(2) == 0 {
            replace(b, b"\n", b"\r\n")
        } else {
            b.to_vec()
        };
        [&b"\xef\xbb\xbf"[..], &body].concat()
    }),
    ("UTF-16", utf16),
    ("deep nesting", deep_nesting),
    ("huge numbers", huge_numbers),
    ("anchors and aliases", anchors),
    ("merge keys", merge_keys),
    ("nested Lists", nested_lists),
];

fn replace(b: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(b);
    text.replace(
        std::str::from_utf8(from).unwrap_or(""),
        std::str::from_utf8(to).unwrap_or(""),
    )
    .into_bytes()
}

fn byte_flips(b: &[u8], r: &mut Rng) -> Vec<u8> {
    const BYTES: &[u8] = b":-[]{}&*#|>!%@`'\"\t\n \xff\x00?,";
    let mut out = b.to_vec();
    for _ in 0..1 + r.below(4) {
        let i = r.below(out.len());
        if let Some(byte) = out.get_mut(i) {
            *byte = BYTES[r.below(BYTES.len())];
        }
    }
    out
}

fn truncation(b: &[u8], r: &mut Rng) -> Vec<u8> {
    b[..r.below(b.len())].to_vec()
}

fn utf16(b: &[u8], _: &mut Rng) -> Vec<u8> {
    let text = String::from_utf8_lossy(b);
    let mut out = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// A line `x: [[[…]]]` or `x: {a: {a: …}}` put into the first `spec:`.
fn deep_nesting(b: &[u8], r: &mut Rng) -> Vec<u8> {
    let depth = [64, 127, 200, 1_000, 100_000][r.below(5)];
    let value = if r.below(2) == 0 {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth))
    };
    let text = String::from_utf8_lossy(b);
    text.replacen("\nspec:\n", &format!("\nspec:\n  nest: {value}\n"), 1)
        .into_bytes()
}

/// Every number after `: ` or `- ` becomes a huge or odd one.
fn huge_numbers(b: &[u8], r: &mut Rng) -> Vec<u8> {
    const HUGE: &[&str] = &[
        "99999999999999999999999",
        "1e400",
        "-0",
        "0x1BB",
        "4294967296",
    ];
    let pick = HUGE[r.below(HUGE.len())];
    let text = String::from_utf8_lossy(b);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        match trimmed.rsplit_once(": ") {
            Some((key, value)) if value.parse::<u64>().is_ok() => {
                out.push_str(&format!("{key}: {pick}\n"));
            }
            _ => out.push_str(line),
        }
    }
    out.into_bytes()
}

/// The first `name:` value gets an anchor that a new label refers to; sometimes
/// a small alias bomb follows in its own document.
fn anchors(b: &[u8], r: &mut Rng) -> Vec<u8> {
    let text = String::from_utf8_lossy(b);
    let mut out = text.to_string();
    if let Some(at) = out.find("\n  name: ") {
        let end = out[at + 1..].find('\n').map_or(out.len(), |i| at + 1 + i);
        out.insert_str(end, "\n  annotations: {copy: *nm}");
        out.insert_str(at + "\n  name: ".len(), "&nm ");
    }
    if r.below(3) == 0 {
        out.push_str("\n---\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n");
    }
    out.into_bytes()
}

/// `spec:` gets a merge key: an inline mapping or an anchored one from metadata.
fn merge_keys(b: &[u8], r: &mut Rng) -> Vec<u8> {
    let text = String::from_utf8_lossy(b);
    let merged = match r.below(3) {
        0 => "spec:\n  <<: {exportTo: ['.']}\n".to_string(),
        1 => "spec:\n  <<: [{exportTo: ['.']}, {}]\n".to_string(),
        _ => "spec:\n  <<: *lab\n".to_string(),
    };
    text.replacen(
        "\nmetadata:\n",
        "\nmetadata:\n  annotations: &lab {note: merged}\n",
        1,
    )
    .replacen("\nspec:\n", &format!("\n{merged}"), 1)
    .into_bytes()
}

/// Every document wrapped in a List, itself an item of another List.
fn nested_lists(b: &[u8], _: &mut Rng) -> Vec<u8> {
    let text = String::from_utf8_lossy(b);
    let mut out = String::from(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n",
    );
    for seg in yaml::split_documents(&text) {
        let doc = &text[seg.span];
        if yaml::is_blank_document(doc) {
            continue;
        }
        let mut first = true;
        for line in doc.lines() {
            if line.starts_with("---") || line.trim_start().starts_with('#') {
                continue;
            }
            out.push_str(if first { "  - " } else { "    " });
            out.push_str(line);
            out.push('\n');
            first = false;
        }
    }
    out.into_bytes()
}

struct Verdict {
    errors: usize,
    resources: usize,
    items: usize,
}

/// What `validate` decides about bytes: `None` when they cannot be read (exit 2).
fn validate(bytes: Vec<u8>) -> Option<(SourceFile, Verdict)> {
    let file = SourceFile::from_bytes(PathBuf::from("m.yaml"), bytes).ok()?;
    let unreadable = file.documents.iter().any(|d| {
        d.error
            .as_ref()
            .is_some_and(|e| validate::is_unreadable(e.class))
    });
    if unreadable {
        return None;
    }
    let ws = Workspace {
        files: vec![file.clone()],
    };
    let found = validate::check(&ws, &Options::default());
    let verdict = Verdict {
        errors: found
            .iter()
            .filter(|d| d.diagnostic.severity == Severity::Error)
            .count(),
        resources: file.items().filter(|(_, i)| i.is_istio()).count(),
        items: file.items().count(),
    };
    let graph = diagram::build(&ws, &found, &[], &Default::default());
    let svg = diagram::svg::render(
        &diagram::lay_out(&graph, &Default::default(), diagram::layout::EXPORT_WIDTH),
        &diagram::svg::LIGHT,
    );
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    Some((file, verdict))
}

enum Outcome {
    /// Unreadable, or validate found errors or nothing: the invariant says nothing.
    Vacuous,
    /// Validate was clean and export kept the invariant.
    Kept,
    Broken(String),
}

/// Runs one input through validate, diagram and export, then edits it (a label
/// on its first ServiceEntry or DestinationRule) and exports again.
fn run(bytes: Vec<u8>) -> Outcome {
    let Some((mut file, before)) = validate(bytes) else {
        return Outcome::Vacuous;
    };
    if before.errors > 0 || before.items == 0 {
        return Outcome::Vacuous;
    }
    if let Some(broken) = export_keeps_the_verdict(&file, &before, "") {
        return Outcome::Broken(broken);
    }
    let edited = file.documents.iter_mut().find_map(|doc| {
        let item = doc.items.iter_mut().find(|i| i.is_istio())?;
        let meta = match &mut item.resource {
            Ok(Resource::ServiceEntry(se)) => &mut se.metadata,
            Ok(Resource::DestinationRule(dr)) => &mut dr.metadata,
            _ => return None,
        };
        meta.labels.insert("mutation".into(), "edited".into());
        doc.dirty = true;
        Some(())
    });
    if edited.is_some()
        && let Some(broken) = export_keeps_the_verdict(&file, &before, "after an edit, ")
    {
        return Outcome::Broken(broken);
    }
    Outcome::Kept
}

/// Export's output validates with no error and the same resource count.
fn export_keeps_the_verdict(file: &SourceFile, before: &Verdict, when: &str) -> Option<String> {
    let objects = match yaml::export_objects(file, None) {
        Ok(o) => o,
        Err(e) => return Some(format!("{when}export failed: {e}")),
    };
    let stream = yaml::join_stream(&objects);
    let Some((_, after)) = validate(stream.clone().into_bytes()) else {
        return Some(format!(
            "{when}export wrote an unreadable stream:\n{stream}"
        ));
    };
    if after.errors > 0 {
        return Some(format!(
            "{when}export's output has {} errors:\n{stream}",
            after.errors
        ));
    }
    if (after.resources, after.items) != (before.resources, before.items) {
        return Some(format!(
            "{when}export's output has {} resources ({} objects), the input {} ({}):\n{stream}",
            after.resources, after.items, before.resources, before.items
        ));
    }
    None
}

#[test]
fn mutated_corpus_files_never_panic_stall_or_export_worse_than_they_validate() {
    let files = common::corpus_files();
    let originals: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let mut rng = Rng(SEED);
    let mut failures: Vec<String> = Vec::new();
    let mut per_class = vec![0usize; CLASSES.len()];
    let mut time_per_class = vec![Duration::ZERO; CLASSES.len()];
    let started = Instant::now();
    let mut kept = vec![0usize; CLASSES.len()];
    for i in 0..INPUTS {
        let c = i % CLASSES.len();
        let f = rng.below(files.len());
        let (class, mutate) = CLASSES[c];
        let input = mutate(&originals[f], &mut rng);
        let name = files[f].file_name().unwrap_or_default().to_string_lossy();
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| run(input.clone())));
        let took = t.elapsed();
        per_class[c] += 1;
        time_per_class[c] += took;
        let at = format!("{class} of {name} (input {i})");
        match result {
            Err(_) => failures.push(format!("{at}: panicked")),
            Ok(Outcome::Broken(broken)) => failures.push(format!("{at}: {broken}")),
            Ok(Outcome::Kept) => kept[c] += 1,
            Ok(Outcome::Vacuous) => {}
        }
        if took > BOUND {
            failures.push(format!("{at}: took {took:?}"));
        }
    }
    for (c, (class, _)) in CLASSES.iter().enumerate() {
        eprintln!(
            "{class}: {} inputs, {:?}, invariant checked on {}",
            per_class[c], time_per_class[c], kept[c]
        );
    }
    assert!(per_class.iter().all(|&n| n >= 20), "{per_class:?}");
    // Not vacuous: many inputs validate clean and so reach export.
    let checked: usize = kept.iter().sum();
    assert!(
        checked >= 100,
        "only {checked} inputs validated clean: {kept:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {INPUTS} inputs broke an invariant ({:?} in all):\n{}",
        failures.len(),
        started.elapsed(),
        failures.join("\n\n")
    );
}
