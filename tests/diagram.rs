//! The diagram: golden SVG of the example workspace, well-formed SVG for every
//! corpus file, PNG from the CLI, refusal of unreadable input, and
//! click-to-select, export and a view that follows the selection in the app.

mod common;
#[path = "../benches/generate.rs"]
mod generate;

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
        &diagram::build(&ws, &diags, &[], &Default::default()),
        &Default::default(),
        diagram::layout::EXPORT_WIDTH,
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
        "app TLS :443",
        "proxy originates TLS to :443, SNI rates.example-fx.com; server checked against /etc/certs/fx-ca.pem",
        "mTLS :8443",
        "<title>",
        "TLS passthrough (the app&apos;s own TLS)",
    ] {
        assert!(svg.contains(needle), "{needle}");
    }
}

#[test]
fn every_security_class_is_drawn_and_explained() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let svg = svg_of(&[root.join("tests/fixtures/diagram-classes.yaml")]);
    roxmltree::Document::parse(&svg).unwrap();
    for (class, pill) in [
        ("plaintext leaving the mesh", "HTTP plaintext :80"),
        (
            "TLS, server not checked against a chosen CA",
            "TLS :443, CA not chosen",
        ),
        ("double TLS (app TLS inside proxy TLS)", "TLS in TLS :443"),
        ("plaintext inside the mesh", "HTTP plaintext :8080"),
        ("TCP, no TLS from the proxy", "TCP :5432"),
        ("TLS passthrough (the app&apos;s own TLS)", "app TLS :443"),
        ("TLS, server checked against a CA you chose", "TLS :443"),
    ] {
        assert!(svg.contains(class), "legend: {class}");
        assert!(svg.contains(&format!(">{pill}</text>")), "pill: {pill}");
    }
    // credentialName without workloadSelector: plaintext, and the tooltip says why.
    assert!(svg.contains("HTTP plaintext :443"));
    assert!(svg.contains("is ignored by sidecars without workloadSelector"));
    // The egress gateway hop is drawn.
    assert!(svg.contains(">egress gateway</text>"));
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
fn cli_writes_a_png_that_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("route.png");
    let svg = dir.path().join("route.svg");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    let status = std::process::Command::new(common::bin())
        .args(["diagram", "--png"])
        .arg(&out)
        .arg("--svg")
        .arg(&svg)
        .arg(&example)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&out).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    // 2× the SVG's size.
    let doc_text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&doc_text).unwrap();
    let w: f32 = doc
        .root_element()
        .attribute("width")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(info.width, (w * 2.0).ceil() as u32);
    // Not blank: text and edges drew pixels unlike the background.
    let pixels = &buf[..info.buffer_size()];
    let background = &pixels[..4];
    let differing = pixels.chunks(4).filter(|p| p != &background).count();
    assert!(differing > 5_000, "{differing} pixels drawn");
}

#[test]
fn cli_refuses_input_it_cannot_parse() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "kind: [unclosed\n  - : :\n").unwrap();
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "# nothing here\n").unwrap();
    for input in [&bad, &empty] {
        let out = dir.path().join("out.svg");
        let o = std::process::Command::new(common::bin())
            .args(["diagram", "--svg"])
            .arg(&out)
            .arg(input)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", input.display());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("error"), "{err}");
        assert!(!out.exists());
    }
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
    h.get_by_label("ServiceEntry payments/partner-bank")
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
    let graph = diagram::build(&ws, &diags, &[], &Default::default());
    let route = graph.routes().next().unwrap();
    let by_port = |p: u32| route.listeners.iter().find(|l| l.port == p).unwrap();
    assert_eq!(
        by_port(80).wire.class,
        diagram::graph::Security::UnverifiedTls,
        "{}",
        by_port(80).wire.full
    );
    let alt = &by_port(8080).wire;
    assert_eq!(
        alt.class,
        diagram::graph::Security::PlaintextLeavingMesh,
        "{}",
        alt.full
    );
    assert!(
        alt.full.contains("portLevelSettings for port 8080") && alt.full.contains("pay/partner"),
        "{}",
        alt.full
    );
}

#[test]
fn the_app_exports_png_and_svg() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    let dir = tempfile::tempdir().unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(&[example]);
    let (png_path, svg_path) = (dir.path().join("r.png"), dir.path().join("r.svg"));
    app.export_diagram(&png_path, true);
    app.export_diagram(&svg_path, false);
    let bytes = std::fs::read(&png_path).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    assert!(reader.info().width > 600);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok());
    assert!(svg.contains("gateway.partner-bank.example"));
}

#[test]
fn the_view_follows_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.yaml");
    std::fs::write(&path, generate::workspace_yaml(200)).unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(&[path]);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    let layout = h.state_mut().diagram_layout();
    let last = layout.bands.last().unwrap().site;
    let label = layout
        .shapes
        .iter()
        .find_map(|s| match s {
            diagram::Shape::Node {
                kind: diagram::layout::NodeKind::ServiceEntry,
                site: Some(site),
                detail,
                ..
            } if *site == last => detail.lines().next().map(str::to_string),
            _ => None,
        })
        .unwrap();
    // Diagram nodes are buttons (the editor's heading repeats the name as text).
    let node = |h: &Harness<EgressStudio>| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, &label)
            .is_some()
    };
    assert!(!node(&h), "{label} is off screen at first");
    h.state_mut().session.selected = Some(last);
    h.run();
    assert!(node(&h), "{label} in view once selected");
}
