//! The diagram: golden SVG of the example workspace, well-formed SVG for every
//! corpus file, and click-to-select in the app.

mod common;

use egress_studio::app::EgressStudio;
use egress_studio::diagram;
use egress_studio::yaml::{SourceFile, Workspace};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;

fn svg_of(paths: &[PathBuf]) -> String {
    let ws = Workspace {
        files: paths.iter().map(|p| SourceFile::read(p).unwrap()).collect(),
    };
    let diags = egress_studio::validate::check(&ws, &Default::default());
    let layout = diagram::lay_out(
        &diagram::build(&ws, &diags, &Default::default(), &Default::default()),
        &Default::default(),
    );
    diagram::svg::render(&layout, &diagram::svg::LIGHT)
}

#[test]
fn example_svg_matches_the_golden_file() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let svg = svg_of(&[root.join("assets/examples/egress.yaml")]);
    let golden = root.join("tests/golden/egress.svg");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &svg).unwrap();
    }
    let expected = std::fs::read_to_string(&golden)
        .expect("tests/golden/egress.svg (UPDATE_GOLDEN=1 writes it)");
    assert_eq!(svg, expected);
    for needle in [
        "api.stripe.com",
        "TLS passthrough :443",
        "TLS SIMPLE sni=rates.example-fx.com -&gt; :443",
        "mTLS MUTUAL",
    ] {
        assert!(svg.contains(needle), "{needle}");
    }
}

#[test]
fn every_corpus_file_gives_well_formed_svg() {
    let mut drawn = 0;
    for path in common::corpus_files() {
        let svg = svg_of(std::slice::from_ref(&path));
        let doc =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        drawn += doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    }
    assert!(drawn > 100);
}

#[test]
fn cli_writes_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("route.svg");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    let status = std::process::Command::new(common::bin())
        .args([
            "diagram",
            "--svg",
            out.to_str().unwrap(),
            example.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let svg = std::fs::read_to_string(&out).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
}

#[test]
fn clicking_a_node_selects_its_resource() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    let mut app = EgressStudio::default();
    app.open_paths(&[example]);
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    let before = h.state().session.selected;
    h.get_by_label("sidecar  payments/partner-bank")
        .click_accesskit();
    h.run();
    let after = h.state().session.selected;
    assert_ne!(before, after);
    let r = h.state().session.selected_resource().unwrap();
    assert_eq!((r.kind(), r.name()), ("ServiceEntry", "partner-bank"));
}

#[test]
fn a_port_left_in_plaintext_by_a_merge_rule_has_no_lock_and_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("egress.yaml");
    std::fs::write(
        &path,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: partner, namespace: pay}\nspec:\n  hosts: [api.partner.example]\n  ports:\n  - {number: 80, name: http, protocol: HTTP}\n  - {number: 8080, name: http-alt, protocol: HTTP}\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: partner, namespace: pay}\nspec:\n  host: api.partner.example\n  trafficPolicy:\n    tls: {mode: SIMPLE}\n    portLevelSettings:\n    - port: {number: 8080}\n      connectionPool: {tcp: {maxConnections: 5}}\n",
    )
    .unwrap();
    let ws = Workspace {
        files: vec![SourceFile::read(&path).unwrap()],
    };
    let diags = egress_studio::validate::check(&ws, &Default::default());
    let graph = diagram::build(&ws, &diags, &Default::default(), &Default::default());
    let route = &graph.groups["pay"][0];
    let by_port = |p: u32| route.listeners.iter().find(|l| l.port == p).unwrap();
    assert_eq!(by_port(80).locks, 1, "{}", by_port(80).wire);
    let alt = by_port(8080);
    assert_eq!(alt.locks, 0);
    assert!(
        alt.wire.contains("portLevelSettings 8080 replaces the TLS"),
        "{}",
        alt.wire
    );
    assert!(alt.wire.contains("pay/partner"), "{}", alt.wire);
}
