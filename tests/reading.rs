//! Reading what kubectl reads, judging as the API server judges, refusing what no
//! parser should see in linear time — and `validate` vs `analyze` as processes.

mod common;

use std::process::{Command, Output};

fn run_on(args: &[&str], name: &str, bytes: &[u8]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    let p = path.to_str().unwrap().to_string();
    all.push(&p);
    let out = Command::new(common::bin()).args(&all).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const BAD_SE: &str = "apiVersion: networking.istio.io/v1\n    kind: ServiceEntry\n    metadata: {name: bad}\n    spec: {hosts: [api.example.com], ports: [{number: 0, name: tls, protocol: TLS}], resolution: DNS}";

#[test]
fn a_list_nested_in_a_list_is_read_recursively() {
    let doc = format!(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {BAD_SE}\n"
    );
    let out = run_on(&["validate"], "nested.yaml", doc.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("ServiceEntry/default/bad"), "{t}");
    assert!(t.contains("1 resource checked: 1 error, 0 warnings"), "{t}");
    // Its finding is located on the inner item's line.
    assert!(t.contains("nested.yaml:10:"), "{t}");
}

#[test]
fn a_kind_list_such_as_service_entry_list_is_read_as_kubectl_reads_it() {
    // What `kubectl get serviceentries -o yaml` prints; kubectl applies each item.
    let doc = format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntryList\nitems:\n  - {BAD_SE}\n"
    );
    let out = run_on(&["validate"], "se-list.yaml", doc.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("1 resource checked: 1 error, 0 warnings"), "{t}");
}

#[test]
fn merge_keys_are_resolved_as_kubectl_resolves_them() {
    let doc = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r, namespace: ns1}\nspec:\n  host: api.example.com\n  trafficPolicy:\n    tls: &tls\n      mode: SIMPLE\n      caCertificates: /ca.pem\n    portLevelSettings:\n    - port: {number: 443}\n      tls:\n        <<: *tls\n        sni: api.example.com\n";
    let out = run_on(&["validate"], "merge.yaml", doc.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("no findings"), "{}", text(&out));
}

#[test]
fn bare_cr_line_breaks_are_refused_with_a_reason() {
    let doc = "apiVersion: networking.istio.io/v1\rkind: ServiceEntry\rmetadata: {name: a}\r";
    let out = run_on(&["validate"], "mac.yaml", doc.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("carriage return"), "{}", text(&out));
}

#[test]
fn utf16_is_refused_as_utf16_not_binary() {
    let doc = "apiVersion: networking.istio.io/v1\r\nkind: ServiceEntry\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(doc.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let out = run_on(&["validate"], "ps.yaml", &bytes);
    assert_eq!(out.status.code(), Some(2));
    let t = text(&out);
    assert!(
        t.contains("UTF-16") && t.contains("save the file as UTF-8"),
        "{t}"
    );
    assert!(!t.contains("binary"), "{t}");
}

#[test]
fn input_with_nothing_to_check_exits_2() {
    for (name, doc) in [
        ("comments.yaml", "# only a comment\n---\n# and another\n"),
        ("empty-list.yaml", "apiVersion: v1\nkind: List\nitems: []\n"),
    ] {
        let out = run_on(&["validate"], name, doc.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
        assert!(
            text(&out).contains("no Kubernetes object"),
            "{}",
            text(&out)
        );
    }
}

#[test]
fn an_upper_case_name_is_an_error() {
    let doc = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: Partner-API, namespace: Egress}\nspec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}\n";
    let out = run_on(&["validate"], "upper.yaml", doc.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("error[META4]") && t.contains("metadata.name"),
        "{t}"
    );
    assert!(t.contains("metadata.namespace"), "{t}");
}

#[test]
fn deep_flow_nesting_is_refused_in_linear_time() {
    // 1 MB of nested brackets: refused at the nesting limit, whatever the size.
    let mut doc = String::from("apiVersion: v1\nkind: ConfigMap\nx: ");
    doc.push_str(&"[".repeat(1 << 20));
    let started = std::time::Instant::now();
    let file =
        egress_studio::yaml::SourceFile::from_bytes("deep.yaml".into(), doc.into_bytes()).unwrap();
    let elapsed = started.elapsed();
    let err = file.documents[0].error.as_ref().expect("refused");
    assert!(err.message.contains("nesting too deep"), "{}", err.message);
    assert_eq!(err.pos.line, 3);
    assert!(
        elapsed < std::time::Duration::from_millis(200),
        "took {elapsed:?}"
    );
    let mut braces = String::from("a: ");
    braces.push_str(&"{a: ".repeat(200_000));
    let file = egress_studio::yaml::SourceFile::from_bytes("deep.yaml".into(), braces.into_bytes())
        .unwrap();
    assert!(file.documents[0].error.is_some());
}

#[test]
fn validate_has_no_cross_resource_codes_on_the_corpus_and_analyze_marks_sources() {
    let cross = [
        "IST0128",
        "IST0129",
        "IST0134",
        "IST0171",
        "IST0173",
        "IST0174",
        "IST0177",
        "DOUBLE-TLS",
        "LISTENER-COLLISION",
        "DUPLICATE-HOST-PORT",
        "DUPLICATE-DR",
        "EXPORT-HIDDEN",
        "PLAINTEXT-TLS-PORT",
    ];
    let files: Vec<String> = common::corpus_files()
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["validate", "--output", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = Command::new(common::bin()).args(&args).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for d in json["diagnostics"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        assert!(!cross.contains(&code), "validate reported {code}: {d}");
        assert!(d.get("source").is_none());
    }
    args[0] = "analyze";
    let out = Command::new(common::bin()).args(&args).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let source_of = |code: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code)
            .map(|d| d["source"].as_str().unwrap().to_string())
    };
    assert_eq!(source_of("IST0129").as_deref(), Some("istio-analyzer"));
    assert_eq!(source_of("DOUBLE-TLS").as_deref(), Some("egress-studio"));
    assert_eq!(source_of("CRD-TYPE").as_deref(), Some("admission"));
}

#[test]
fn analyze_takes_a_mesh_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let se = dir.path().join("db.yaml");
    std::fs::write(&se, "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: db, namespace: ns1}\nspec: {hosts: [db.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}\n").unwrap();
    let mesh = dir.path().join("mesh.yaml");
    std::fs::write(&mesh, "defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: \"true\"\n    ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\n").unwrap();
    let se = se.to_str().unwrap();
    let without = Command::new(common::bin())
        .args(["analyze", se])
        .output()
        .unwrap();
    assert!(
        text(&without).contains("warning[IST0134]"),
        "{}",
        text(&without)
    );
    assert_eq!(without.status.code(), Some(0));
    let with = Command::new(common::bin())
        .args(["analyze", "--mesh-config", mesh.to_str().unwrap(), se])
        .output()
        .unwrap();
    assert!(!text(&with).contains("IST0134"), "{}", text(&with));
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "outboundTrafficPolicy: {mode: SOMETIMES}\n").unwrap();
    let out = Command::new(common::bin())
        .args(["analyze", "--mesh-config", bad.to_str().unwrap(), se])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("SOMETIMES"), "{}", text(&out));
}

#[test]
fn export_never_writes_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("empty-list.yaml");
    std::fs::write(&input, "apiVersion: v1\nkind: List\nitems: []\n").unwrap();
    let target = dir.path().join("out.yaml");
    let out = Command::new(common::bin())
        .args([
            "export",
            "-o",
            target.to_str().unwrap(),
            input.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!target.exists());
}

#[test]
fn a_type_error_does_not_hide_the_other_errors_of_the_resource() {
    let doc = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: bad_entry}\nspec:\n  hosts: [api.example.com]\n  ports:\n  - {number: 443, name: https, protocol: HTTPS}\n  - {number: 443, name: https, protocol: HTTPS}\n  resolution: dns\n";
    let ws = egress_studio::yaml::Workspace {
        files: vec![egress_studio::yaml::SourceFile::from_text(
            "bad.yaml".into(),
            doc,
        )],
    };
    let found = egress_studio::validate::check(&ws, &Default::default());
    let codes: Vec<&str> = found.iter().map(|d| d.diagnostic.code.as_str()).collect();
    assert!(codes.contains(&"CRD-ENUM"), "{codes:?}");
    assert!(codes.contains(&"META4"), "{codes:?}");
    assert!(codes.iter().any(|c| c.starts_with("SE")), "{codes:?}");
    let enum_error = found
        .iter()
        .find(|d| d.diagnostic.code == "CRD-ENUM")
        .unwrap();
    assert!(
        enum_error
            .diagnostic
            .message
            .starts_with("unknown value `dns`"),
        "{}",
        enum_error.diagnostic.message
    );
    // Nothing is reported twice for the field that failed to type.
    assert_eq!(
        found
            .iter()
            .filter(|d| d.diagnostic.path == "spec.resolution")
            .count(),
        1
    );
}

#[test]
fn a_tab_in_the_indentation_is_named_with_its_line() {
    let yaml = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n\thosts: [api.example.com]\n";
    let out = run_on(&["validate"], "tab.yaml", yaml.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(said.contains("tab.yaml:6:"), "{said}");
    assert!(said.contains("a tab character indents this line"), "{said}");
}

#[test]
fn a_latin1_byte_is_located_at_its_line_and_column() {
    let mut doc =
        b"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: caf".to_vec();
    doc.push(0xE9);
    doc.extend_from_slice(b"\n");
    let out = run_on(&["validate"], "latin1.yaml", &doc);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("latin1.yaml:4:12: error: byte 0xE9 is not UTF-8"),
        "{t}"
    );
    assert!(t.contains("save it as UTF-8"), "{t}");
}

#[test]
fn a_plain_boolean_or_number_where_a_string_belongs_is_a_type_error() {
    // kubectl sends `True` as a boolean and `1` as a number; the CRD wants
    // strings there. Plain block YAML takes the fast path, which must not
    // read them as the strings "True" and "1".
    for (field, yaml) in [
        ("spec.hosts[0]", "  hosts: [True]\n"),
        ("spec.hosts[0]", "  hosts:\n  - 443\n"),
    ] {
        let doc = format!(
            "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: typed\nspec:\n{yaml}  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n"
        );
        let out = run_on(&["validate"], "typed.yaml", doc.as_bytes());
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let t = text(&out);
        assert!(
            t.contains(&format!(
                "error[CRD-TYPE] ServiceEntry/default/typed {field}: wrong type"
            )),
            "{t}"
        );
    }
    let label = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: typed\n  labels:\n    version: 1\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n";
    let out = run_on(&["validate"], "label.yaml", label.as_bytes());
    assert!(
        text(&out).contains("metadata.labels.version: wrong type: integer"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_objects_own_labels_are_judged_as_the_api_server_judges_them() {
    let with_labels = |labels: &str| {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: labelled\n  labels: {labels}\nspec:\n  hosts: [api.example.com]\n  ports:\n  - {{number: 443, name: tls, protocol: TLS}}\n  resolution: DNS\n"
        )
    };
    let good = with_labels("{app.kubernetes.io/part-of: egress, version: v1, empty: \"\"}");
    let out = run_on(&["validate"], "good.yaml", good.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let bad = with_labels("{team: \"bad value!\", \"bad key!\": v1, version: \"1\\n\"}");
    let out = run_on(&["validate"], "bad.yaml", bad.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert_eq!(t.matches("error[META5]").count(), 3, "{t}");
    assert!(
        t.contains("metadata.labels.team: the API server will reject the value"),
        "{t}"
    );
    assert!(t.contains("label key \"bad key!\""), "{t}");
}
