//! The CLI as a process: validate and export over the corpus and hostile inputs.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(common::bin()).args(args).output().unwrap()
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(common::bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn validate_json_on_every_corpus_file_matches_the_contract() {
    for path in common::corpus_files() {
        let p = path.to_str().unwrap();
        let out = run(&["validate", "--output", "json", p]);
        let code = out.status.code().unwrap();
        assert!(code == 0 || code == 1, "{p}: exit {code}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let files = json["files"].as_array().unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0]["path"], p);
        assert!(files[0]["documents"].as_u64().unwrap() >= 1);
        let summary = &json["summary"];
        for key in ["resources", "errors", "warnings"] {
            assert!(summary[key].is_u64(), "{p}: summary.{key}");
        }
        let errors = summary["errors"].as_u64().unwrap();
        assert_eq!(code == 1, errors > 0, "{p}");
        for d in json["diagnostics"].as_array().unwrap() {
            for key in [
                "file",
                "kind",
                "namespace",
                "name",
                "severity",
                "code",
                "path",
                "message",
            ] {
                assert!(d[key].is_string(), "{p}: diagnostic.{key} in {d}");
            }
            for key in ["document", "line", "column"] {
                assert!(d[key].is_u64(), "{p}: diagnostic.{key} in {d}");
            }
            assert!(["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()));
        }
    }
}

#[test]
fn validate_text_reports_a_type_error_with_file_line_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("se.yaml");
    std::fs::write(
        &f,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ext\n  namespace: egress\nspec:\n  hosts: [api.example.com]\n  resolution: DNZ\n",
    )
    .unwrap();
    let out = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = format!(
        "{}:8:3: error[CRD-ENUM] ServiceEntry/egress/ext spec.resolution: ",
        f.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("DNZ"), "{text}");
}

#[test]
fn hostile_inputs_exit_2_with_a_reason_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        bomb.push_str(&format!(
            "  a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notyaml.yaml",
            b"key: [unclosed\n  other: {\n".to_vec(),
            "invalid YAML",
        ),
        (
            "binary.yaml",
            vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 0xff, 0xfe],
            "binary",
        ),
        ("empty.yaml", Vec::new(), "empty"),
        ("deep.yaml", deep.into_bytes(), "nesting too deep"),
        ("bomb.yaml", bomb.into_bytes(), "alias"),
        (
            "scalar.yaml",
            b"just some words\n".to_vec(),
            "not a Kubernetes object",
        ),
    ];
    for (name, bytes, reason) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, &bytes).unwrap();
        let out = run(&["validate", f.to_str().unwrap()]);
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(out.status.code(), Some(2), "{name}: {all}");
        assert!(all.contains(reason), "{name}: expected {reason:?} in {all}");
        assert!(!all.contains("panicked"), "{name}: {all}");
    }
    // 50 MB: refused from its size without being read.
    let big = dir.path().join("big.yaml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let out = run(&["validate", "--output", "json", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("over the"), "{}", stderr(&out));
}

#[test]
fn stdin_and_kind_list_are_read() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: ServiceEntry\n  metadata: {name: a, namespace: ns}\n  spec:\n    hosts: [a.example.com]\n    ports: [{number: 443, name: https, protocol: TLS}]\n    resolution: DNS\n- apiVersion: networking.istio.io/v1\n  kind: DestinationRule\n  metadata: {name: b}\n  spec:\n    host: a.example.com\n    trafficPolicy:\n      tls: {mode: BOGUS}\n";
    let out = run_stdin(&["validate", "--output", "json", "-"], list.as_bytes());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["resources"], 2);
    assert_eq!(json["files"][0]["path"], "-");
    let d = &json["diagnostics"][0];
    assert_eq!(d["name"], "b");
    assert_eq!(d["path"], "spec.trafficPolicy.tls.mode");
    assert_eq!(d["line"], 17);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn export_v1_rereads_to_the_same_resources() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for path in common::corpus_files() {
        if common::is_templated(&path) {
            continue;
        }
        let out_file = dir.path().join("out.yaml");
        let out = run(&[
            "export",
            "--api-version",
            "v1",
            "-o",
            out_file.to_str().unwrap(),
            path.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stderr(&out)
        );
        let before = egress_studio::yaml::SourceFile::read(&path).unwrap();
        let after = egress_studio::yaml::SourceFile::read(&out_file).unwrap();
        let a: Vec<_> = before
            .items()
            .map(|(_, i)| i.resource.clone().unwrap())
            .collect();
        let b: Vec<_> = after
            .items()
            .map(|(_, i)| i.resource.clone().unwrap())
            .collect();
        assert_eq!(a.len(), b.len(), "{}", path.display());
        for (mut x, y) in a.into_iter().zip(b) {
            if x.is_networking() {
                assert_eq!(y.api_version(), "networking.istio.io/v1");
                x.set_api_version(egress_studio::model::ApiVersion::V1);
            }
            assert_eq!(x, y, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 80);
}

#[test]
fn export_split_writes_one_file_per_resource() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::corpus_dir().join("samples/bookinfo--networking--destination-rule-all.yaml");
    let out = run(&[
        "export",
        "--split",
        dir.path().to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "destinationrule-details.yaml",
            "destinationrule-productpage.yaml",
            "destinationrule-ratings.yaml",
            "destinationrule-reviews.yaml"
        ]
    );
}

#[test]
fn fail_on_warning_and_istio_version() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("dr.yaml");
    std::fs::write(
        &f,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: a\nspec:\n  hosts: [a.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: a\nspec:\n  host: a.example.com\n  trafficPolicy:\n    outlierDetection:\n      consecutiveErrors: 5\n    loadBalancer:\n      warmup: {duration: 10s, aggression: 0.5}\n",
    )
    .unwrap();
    let p = f.to_str().unwrap();
    // 1.30 requires aggression >= 1: an error.
    let out = run(&["validate", p]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("dr.yaml:20:31: "), "{text}");
    assert!(text.contains("error[LB15] DestinationRule/default/a spec.trafficPolicy.loadBalancer.warmup.aggression"), "{text}");
    // Master accepts it; the deprecation warning remains.
    let out = run(&["validate", "--istio-version", "1.31", p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning[OD2]"));
    let out = run(&[
        "validate",
        "--istio-version",
        "1.31",
        "--fail-on",
        "warning",
        p,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["validate", "--istio-version", "9.99", p]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_unserved_api_version_is_an_error_and_still_counted() {
    let out = run_stdin(
        &["validate", "--output", "json", "-"],
        b"apiVersion: networking.istio.io/v2\nkind: ServiceEntry\nmetadata: {name: a}\nspec: {hosts: [a.example.com]}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["resources"], 1);
    assert_eq!(json["diagnostics"][0]["path"], "apiVersion");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not served")
    );
}

#[test]
fn export_to_a_device_writes_to_it_instead_of_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    let was_device = std::fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device());
    let out = run(&["export", "-o", "/dev/null", example.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if was_device {
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device(),
            "/dev/null was replaced"
        );
    }
}

/// Runs with standard output (and standard error too, when `both`) a pipe whose
/// reading end is closed at once, as `egress-studio … 2>&1 | head -0` does.
fn run_into_closed_pipe(args: &[String], both: bool) -> Output {
    let mut child = Command::new(common::bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    if both {
        drop(child.stderr.take());
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_every_command_quietly_with_its_verdict() {
    let corpus: Vec<String> = common::corpus_files()
        .iter()
        .filter(|p| !common::is_templated(p))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let with = |head: &[&str]| -> Vec<String> {
        head.iter()
            .map(|s| s.to_string())
            .chain(corpus.iter().cloned())
            .collect()
    };
    let commands = [
        with(&["validate"]),
        with(&["validate", "--output", "json"]),
        with(&["analyze"]),
        with(&["export"]),
        with(&["diagram", "--svg", "/dev/stdout"]),
        // Port 9 on loopback: refused at once, a one-line report.
        vec![
            "probe".into(),
            "--timeout-ms".into(),
            "500".into(),
            "127.0.0.1:9".into(),
        ],
        vec!["explain".into(), "--list".into()],
        vec!["completions".into(), "bash".into()],
        vec!["manpage".into()],
    ];
    for args in commands {
        let what = args.iter().take(2).cloned().collect::<Vec<_>>().join(" ");
        let closed = run_into_closed_pipe(&args, false);
        let err = stderr(&closed);
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(!err.contains("Broken pipe"), "{what}: {err}");
        // Same verdict as with a reader that reads everything, also when
        // standard error is closed too (a panic would exit 101).
        let full = Command::new(common::bin()).args(&args).output().unwrap();
        assert_eq!(closed.status.code(), full.status.code(), "{what}: {err}");
        let both = run_into_closed_pipe(&args, true);
        assert_eq!(
            both.status.code(),
            full.status.code(),
            "{what}, stderr closed"
        );
        assert!(
            matches!(full.status.code(), Some(0 | 1)),
            "{what}: {}",
            stderr(&full)
        );
    }
}
