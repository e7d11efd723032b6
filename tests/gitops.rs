//! The CLI in a GitOps pipeline: folders and --exclude, SARIF checked against the
//! 2.1.0 schema, GitHub workflow commands, completions, the man page, explain and
//! --version.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(common::bin())
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(common::bin()).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn se(name: &str, host: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: {name}\nspec:\n  hosts: [{host}]\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports:\n  - {{number: 443, name: tls, protocol: TLS}}\n"
    )
}

/// Two ports named alike: SE11 at line 10 of the file, column 20 (the second `name`).
const DUPLICATE_PORT: &str = "apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: dup
spec:
  hosts: [dup.example.com]
  resolution: DNS
  ports:
  - {number: 443, name: https, protocol: TLS}
  - {number: 8443, name: https, protocol: TLS}
";

/// A repository: nested folders, YAML inside `.git` and a hidden folder (both
/// skipped), a vendored folder to exclude, and files that are not manifests.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("manifests/b.yaml", &se("b", "b.example.com"));
    write("manifests/a.yml", &se("a", "a.example.com"));
    write(
        "manifests/team/z/deep.yaml",
        &se("deep", "deep.example.com"),
    );
    write(
        "manifests/team/c.yaml",
        &format!(
            "{}---\n{}",
            se("c1", "c1.example.com"),
            se("c2", "c2.example.com")
        ),
    );
    write("manifests/team/README.md", "# not YAML\n");
    write("manifests/team/values.json", "{}\n");
    write("manifests/.git/config.yaml", "not: [a manifest\n");
    write("manifests/.hidden/x.yaml", "not: [a manifest\n");
    write("manifests/vendor/bad.yaml", "not: [a manifest\n");
    write("manifests/dup.yaml", DUPLICATE_PORT);
    dir
}

#[test]
fn a_folder_is_walked_in_a_stable_order_skipping_git_hidden_and_excluded() {
    let dir = repo();
    let out = run_in(
        dir.path(),
        &[
            "validate",
            "--output",
            "json",
            "--exclude",
            "vendor",
            "manifests",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "manifests/a.yml",
            "manifests/b.yaml",
            "manifests/dup.yaml",
            "manifests/team/c.yaml",
            "manifests/team/z/deep.yaml",
        ]
    );
    assert_eq!(report["summary"]["resources"], 6);
    assert_eq!(report["summary"]["errors"], 1, "{report}");
    assert_eq!(out.status.code(), Some(1));

    // Without --exclude the vendored file is read, and is not YAML: exit 2.
    let out = run_in(dir.path(), &["validate", "--output", "json", "manifests"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("manifests/vendor/bad.yaml"));

    // A pattern matching a path below the folder, and an explicit file that is
    // excluded, are skipped too.
    let out = run_in(
        dir.path(),
        &[
            "validate",
            "--exclude",
            "vendor/**",
            "--exclude",
            "team/**",
            "--exclude",
            "dup.yaml",
            "manifests",
            "manifests/dup.yaml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 resources checked"));
}

#[test]
fn analyze_export_and_diagram_read_folders_and_cross_checks_span_them() {
    let dir = repo();
    // The same host and port in two folders: the cross-resource check sees both.
    std::fs::write(
        dir.path().join("manifests/team/z/again.yaml"),
        se("again", "a.example.com"),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "analyze",
            "--output",
            "json",
            "--exclude",
            "vendor",
            "manifests",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"DUPLICATE-HOST-PORT"), "{codes:?}");

    let out = run_in(dir.path(), &["export", "--exclude", "vendor", "manifests"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).matches("kind: ServiceEntry").count(), 7);

    let out = run_in(
        dir.path(),
        &[
            "diagram",
            "--svg",
            "out.svg",
            "--exclude",
            "vendor",
            "manifests",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("out.svg").exists());

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run_in(dir.path(), &["validate", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty: no *.yaml or *.yml file"));
}

/// The vendored SARIF 2.1.0 schema, compiled.
fn sarif_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema/sarif-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    (schemas, index)
}

#[test]
fn sarif_names_the_other_end_of_a_cross_resource_finding_as_a_related_location() {
    let dir = tempfile::tempdir().unwrap();
    // Two rules for one host, each with a policy: the second names the first, whose policy wins.
    let dr = |name: &str| {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\nspec:\n  host: a.example.com\n  trafficPolicy: {{loadBalancer: {{simple: RANDOM}}}}\n"
        )
    };
    std::fs::write(
        dir.path().join("rules.yaml"),
        format!(
            "{}---\n{}---\n{}",
            se("a", "a.example.com"),
            dr("first"),
            dr("second")
        ),
    )
    .unwrap();
    let out = run_in(dir.path(), &["analyze", "--output", "sarif", "rules.yaml"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (schemas, index) = sarif_schema();
    if let Err(e) = schemas.validate(&log, index) {
        panic!("SARIF does not match the schema: {e:#}");
    }
    let results = log["runs"][0]["results"].as_array().unwrap();
    let dup = results
        .iter()
        .find(|r| r["ruleId"] == "DUPLICATE-DR")
        .expect("DUPLICATE-DR is reported");
    let related = &dup["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "rules.yaml"
    );
    // The first rule's metadata.name, on line 15 of the file (after the ten lines of the entry and a ---).
    assert_eq!(
        related["physicalLocation"]["region"]["startLine"], 15,
        "{dup:#}"
    );
    assert_eq!(
        related["message"]["text"],
        "DestinationRule/default/first metadata.name"
    );
}

#[test]
fn sarif_validates_against_the_2_1_0_schema_and_points_at_the_line() {
    let dir = repo();
    let out = run_in(
        dir.path(),
        &[
            "analyze",
            "--output",
            "sarif",
            "--exclude",
            "vendor",
            "manifests",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();

    let (schemas, index) = sarif_schema();
    if let Err(e) = schemas.validate(&log, index) {
        panic!("SARIF does not match the schema: {e:#}");
    }
    // A broken log must fail, or the check proves nothing.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(schemas.validate(&broken, index).is_err());

    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let se11 = results.iter().find(|r| r["ruleId"] == "SE11").unwrap();
    let at = &se11["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "manifests/dup.yaml");
    assert_eq!(at["region"]["startLine"], 10);
    assert_eq!(at["region"]["startColumn"], 20);
    assert_eq!(se11["level"], "error");
    assert_eq!(se11["properties"]["source"], "admission");
    let rule = &run["tool"]["driver"]["rules"][se11["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "SE11");
    assert_eq!(rule["name"], "DuplicatePortName");
    assert!(
        rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains("How to fix")
    );
    assert!(rule["helpUri"].as_str().unwrap().contains("service-entry"));
    // Each code is one rule.
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len());
}

#[test]
fn github_output_is_workflow_commands() {
    let dir = repo();
    let out = run_in(
        dir.path(),
        &[
            "validate",
            "--output",
            "github",
            "--exclude",
            "vendor",
            "manifests",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        // ::error file=F,line=L,col=C,title=CODE::message
        let (command, rest) = line
            .strip_prefix("::")
            .and_then(|l| l.split_once(' '))
            .unwrap_or_else(|| panic!("{line}"));
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (props, message) = rest.split_once("::").unwrap_or_else(|| panic!("{line}"));
        assert!(!message.is_empty() && !message.contains('\n'));
        let keys: Vec<&str> = props
            .split(',')
            .map(|p| p.split_once('=').unwrap_or_else(|| panic!("{line}")).0)
            .collect();
        assert_eq!(keys, ["file", "line", "col", "title"], "{line}");
    }
    assert!(
        lines.contains(&"::error file=manifests/dup.yaml,line=10,col=20,title=SE11::ServiceEntry/default/dup spec.ports[1].name: service entry port name \"https\" already defined"),
        "{text}"
    );
}

#[test]
fn completions_name_every_subcommand_and_the_man_page_is_roff() {
    let subcommands = [
        "validate",
        "analyze",
        "probe",
        "diagram",
        "export",
        "explain",
        "completions",
        "manpage",
    ];
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        for s in subcommands {
            assert!(script.contains(s), "{shell} completion lacks {s}");
        }
    }
    let out = run(&["manpage"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.starts_with(".TH"), "{}", &page[..page.len().min(80)]);
    assert!(page.contains("validate"));
    // Each subcommand's options are documented under its own section.
    for section in [
        ".SH \"VALIDATE OPTIONS\"",
        ".SH \"ANALYZE OPTIONS\"",
        ".SH \"PROBE OPTIONS\"",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    assert!(page.contains("sarif") && page.contains("\\-\\-exclude"));
    assert_eq!(page.matches(".TH ").count(), 1);
}

#[test]
fn explain_prints_the_entry_and_refuses_unknown_codes() {
    let out = run(&["explain", "se11"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("SE11: Duplicate port name"), "{text}");
    assert!(text.contains("ValidateServiceEntry"));
    assert!(text.contains("Example:"));

    let out = run(&["explain", "SE999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("explain --list"));

    let out = run(&["explain", "--list"]);
    assert!(stdout(&out).lines().count() > 140);
}

#[test]
fn version_names_the_istio_releases() {
    let out = run(&["--version"]);
    let text = stdout(&out);
    assert!(text.starts_with("egress-studio "), "{text}");
    assert!(text.contains("Istio 1.20 to 1.31"), "{text}");
    assert!(text.contains("default --istio-version 1.30"), "{text}");
}

#[test]
fn verbose_logs_the_loader_to_stderr_only_when_asked() {
    let dir = repo();
    let quiet = run_in(dir.path(), &["validate", "manifests/b.yaml"]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("DEBUG"));
    let loud = run_in(
        dir.path(),
        &["validate", "--verbose", "--exclude", "vendor", "manifests"],
    );
    let err = String::from_utf8_lossy(&loud.stderr);
    assert!(err.contains("manifests/b.yaml"), "{err}");
    assert!(err.contains("skipping manifests/.git: hidden"), "{err}");
    assert_eq!(
        stdout(&loud),
        stdout(&run_in(
            dir.path(),
            &["validate", "--exclude", "vendor", "manifests"]
        ))
    );
    // The flag works before the subcommand too.
    let before = run_in(dir.path(), &["-v", "validate", "manifests/b.yaml"]);
    assert_eq!(before.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&before.stderr).contains("read manifests/b.yaml"));
}

#[test]
fn the_window_icon_and_desktop_file_are_shipped() {
    let icon = egress_studio::app::window_icon().expect("icon decodes");
    assert_eq!((icon.width, icon.height), (256, 256));
    assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let desktop = std::fs::read_to_string(root.join("assets/egress-studio.desktop")).unwrap();
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Exec=egress-studio %F",
        "Icon=egress-studio",
    ] {
        assert!(desktop.lines().any(|l| l == line), "{line}");
    }
    let svg = std::fs::read_to_string(root.join("assets/egress-studio.svg")).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok());
}

#[test]
fn the_pre_commit_hook_is_defined() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let hooks: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).unwrap();
    let hook = hooks
        .iter()
        .find(|h| h["id"].as_str() == Some("egress-studio-validate"))
        .unwrap();
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert_eq!(hook["entry"].as_str(), Some("egress-studio validate"));
    assert_eq!(hook["files"].as_str(), Some(r"\.(ya?ml)$"));
}

#[test]
fn probe_reads_a_folder_into_targets_without_probing() {
    use clap::Parser;
    use egress_studio::cli::{Cli, Command as Sub, probe};
    let dir = repo();
    let root = dir.path().join("manifests");
    let args = Cli::try_parse_from([
        "egress-studio",
        "probe",
        "--exclude",
        "vendor",
        "--exclude",
        "dup.yaml",
        root.to_str().unwrap(),
    ])
    .unwrap();
    let Some(Sub::Probe(args)) = args.command else {
        panic!("not parsed as probe");
    };
    let targets = probe::collect_targets(&args).unwrap();
    let mut hosts: Vec<&str> = targets.iter().map(|t| t.host.as_str()).collect();
    hosts.sort();
    assert_eq!(
        hosts,
        [
            "a.example.com",
            "b.example.com",
            "c1.example.com",
            "c2.example.com",
            "deep.example.com"
        ]
    );
}
