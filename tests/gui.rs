//! The desktop app driven through egui_kittest: real app state, no GPU.

mod common;

use egress_studio::app::EgressStudio;
use egress_studio::model::Resource;
use egress_studio::validate::Severity;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, EgressStudio> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, app: &mut EgressStudio| app.ui_root(ui),
            EgressStudio::default(),
        )
}

fn menu(h: &mut Harness<'_, EgressStudio>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    // Menu entries with a shortcut carry it in their accessible label.
    match h.query_by_label(item) {
        Some(node) => node.click(),
        None => h.get_by_label_contains(item).click(),
    }
    h.run();
}

fn loud(app: &EgressStudio) -> Vec<String> {
    app.session
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity > Severity::Info)
        .map(|d| {
            format!(
                "{} {}: {}",
                d.diagnostic.code, d.diagnostic.path, d.diagnostic.message
            )
        })
        .collect()
}

fn recipe(h: &mut Harness<'_, EgressStudio>, label: &str) {
    menu(h, "Edit", "New from recipe…");
    h.get_by_label(label).click();
    h.run();
    h.get_by_label("Create").click();
    h.run();
}

fn port_name(app: &EgressStudio) -> Option<String> {
    match app.selected_resource() {
        Some(Resource::ServiceEntry(se)) => se.spec.ports[0].name.clone(),
        _ => None,
    }
}

#[test]
fn bad_port_name_shows_beside_the_field_then_goes_and_undo_redo_follow() {
    let mut h = harness();
    recipe(&mut h, "HTTPS passthrough");
    assert!(loud(h.state()).is_empty(), "{:?}", loud(h.state()));
    assert_eq!(port_name(h.state()).as_deref(), Some("tls"));

    // The second "name" field is the port's (the first is metadata.name).
    let field = h
        .get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap();
    field.focus();
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .type_text("_bad");
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad"));
    assert!(
        h.query_by_label_contains("SE15: invalid port name: tls_bad")
            .is_some(),
        "diagnostic beside the field"
    );

    // Leave the field: the text edit was one undo step. Fix it in a second one.
    h.key_press(Key::Escape);
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .focus();
    h.run();
    for _ in 0..4 {
        h.key_press(Key::Backspace);
        h.run();
    }
    assert_eq!(port_name(h.state()).as_deref(), Some("tls"));
    assert!(
        h.query_by_label_contains("SE15: invalid port name")
            .is_none()
    );
    h.key_press(Key::Escape);
    h.run();

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad"));
    assert!(
        h.query_by_label_contains("SE15: invalid port name: tls_bad")
            .is_some()
    );

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls"));
    assert!(
        h.query_by_label_contains("SE15: invalid port name")
            .is_none()
    );

    // Undo twice more: back to the recipe's value, then before the recipe.
    menu(&mut h, "Edit", "Undo");
    menu(&mut h, "Edit", "Undo");
    assert_eq!(port_name(h.state()).as_deref(), Some("tls"));
    menu(&mut h, "Edit", "Undo");
    assert!(h.state().session.workspace.resources().next().is_none());
}

#[test]
fn http_to_tls_origination_pair_has_no_diagnostics() {
    let mut h = harness();
    recipe(&mut h, "HTTP -> TLS origination");
    let kinds: Vec<&str> = h
        .state()
        .session
        .workspace
        .resources()
        .map(|r| r.resource.kind())
        .collect();
    assert_eq!(kinds, ["ServiceEntry", "DestinationRule"]);
    assert!(loud(h.state()).is_empty(), "{:?}", loud(h.state()));
    assert!(h.query_by_label_contains("0 errors, 0 warnings").is_some());
}

#[test]
fn edit_a_corpus_destination_rule_and_save_to_a_new_path() {
    let path = common::corpus_dir().join("istio.io/egress-tls-origination--apply_origination.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("saved.yaml");

    let mut h = harness();
    menu(&mut h, "File", "Open…");
    h.get_by_role_and_label(Role::TextInput, "Path").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Path")
        .type_text(path.to_str().unwrap());
    h.run();
    h.get_by_label("Open").click();
    h.run();
    assert_eq!(h.state().session.workspace.files.len(), 1);

    h.get_by_label_contains("DR edition-cnn-com").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "sni").focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "sni")
        .type_text("edition.cnn.com");
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().any_dirty());

    menu(&mut h, "File", "Save As…");
    let field = h.get_by_role_and_label(Role::TextInput, "Save to");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Save to")
        .type_text(out.to_str().unwrap());
    h.run();
    h.get_by_label("Save").click();
    h.run();
    assert!(!h.state().any_dirty());

    let saved = std::fs::read_to_string(&out).unwrap();
    let before = egress_studio::yaml::SourceFile::from_text(path.clone(), &original);
    let after = egress_studio::yaml::SourceFile::from_text(out.clone(), &saved);
    assert_eq!(
        before.documents[0].raw, after.documents[0].raw,
        "the ServiceEntry document is byte-identical"
    );
    let Ok(Resource::DestinationRule(dr)) = &after.documents[1].items[0].resource else {
        panic!("{saved}")
    };
    let tls = dr.spec.traffic_policy.as_ref().unwrap().port_level_settings[0]
        .tls
        .as_ref()
        .unwrap();
    assert_eq!(tls.sni.as_deref(), Some("edition.cnn.com"));
    assert_eq!(tls.mode, Some(egress_studio::model::TlsMode::Simple));
    // Nothing else in the rule changed.
    let Ok(Resource::DestinationRule(old)) = &before.documents[1].items[0].resource else {
        panic!()
    };
    let mut expected = old.clone();
    expected
        .spec
        .traffic_policy
        .as_mut()
        .unwrap()
        .port_level_settings[0]
        .tls
        .as_mut()
        .unwrap()
        .sni = Some("edition.cnn.com".into());
    assert_eq!(dr, &expected);
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness();
    recipe(&mut h, "HTTPS passthrough");
    assert!(h.state().any_dirty());
    menu(&mut h, "File", "Quit");
    assert!(h.query_by_label("Unsaved changes").is_some());
    assert!(!h.state().close_requested && !h.state().quit_confirmed);
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("Unsaved changes").is_none());
    assert!(!h.state().quit_confirmed);
    // Ctrl+Q asks again; Discard quits.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run();
    h.get_by_label("Discard").click();
    h.run();
    assert!(h.state().quit_confirmed);
}

#[test]
fn probe_a_typed_host_port_in_the_background() {
    // A plain TCP server: the TLS handshake fails, which the panel must report.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().take(4) {
            drop(s);
        }
    });
    let mut h = harness();
    h.get_by_label("Probe").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "host:port")
        .focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "host:port")
        .type_text(&format!("127.0.0.1:{port}"));
    h.run();
    h.get_by_label("Probe host:port").click();
    // The spinner repaints every frame while the probe runs: step, do not run to rest.
    h.run_steps(3);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while (h.state().probe.results.is_empty() || h.state().probe.is_running())
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run();
    let (_, report) = h
        .state()
        .probe
        .results
        .values()
        .next()
        .expect("a result arrived");
    assert!(!report.ok);
    assert!(report.tls.as_ref().is_some_and(|t| t.error.is_some()));
    assert!(
        h.query_by_label_contains(&format!("FAIL 127.0.0.1:{port}"))
            .is_some()
    );
    assert!(h.query_by_label_contains("from this machine").is_some());
}

#[test]
fn review_changes_shows_the_diff_against_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("egress.yaml");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml"),
        &path,
    )
    .unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(std::slice::from_ref(&path));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    // stripe-api is selected: rename its port in the form.
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .focus();
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .type_text("-api");
    h.run();
    h.key_press(Key::Escape);
    h.run();
    menu(&mut h, "File", "Review changes…");
    assert!(h.query_by_label_contains("Changes to").is_some());
    assert!(h.query_by_label_contains("1 changed lines").is_none());
    assert!(h.query_by_label("-     name: tls").is_some());
    assert!(h.query_by_label("+     name: tls-api").is_some());
    h.get_by_label("Save").click();
    h.run();
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("    name: tls-api\n"));
    assert!(
        saved.contains("# HTTPS passthrough: the app speaks TLS itself"),
        "comments kept"
    );
}

#[test]
fn analyzer_findings_show_their_source_filter_and_follow_the_mesh_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.yaml");
    std::fs::write(
        &path,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: db, namespace: ns1}\nspec: {hosts: [db.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}\n",
    )
    .unwrap();
    let mesh = dir.path().join("mesh.yaml");
    std::fs::write(
        &mesh,
        "defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: \"true\"\n    ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}\n",
    )
    .unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(std::slice::from_ref(&path));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    assert!(
        h.query_by_label_contains("IST0134 (istio-analyzer)")
            .is_some()
    );
    assert!(h.query_by_label_contains("ALLOW_ANY").is_some());
    // Hiding Istio's analyzers hides the finding.
    h.get_by_label("Istio analyzers").click();
    h.run();
    assert!(
        h.query_by_label_contains("IST0134 (istio-analyzer)")
            .is_none()
    );
    h.get_by_label("Istio analyzers").click();
    h.run();
    // A mesh config that allocates addresses clears it, and says REGISTRY_ONLY.
    h.get_by_label("View").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Mesh config file")
        .focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Mesh config file")
        .type_text(mesh.to_str().unwrap());
    h.run();
    h.get_by_label("Use").click();
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert!(
        h.state().session.mesh_error.is_none(),
        "{:?}",
        h.state().session.mesh_error
    );
    assert!(
        h.state().session.mesh.origin.as_deref() == Some(mesh.to_str().unwrap()),
        "{:?} / {:?}",
        h.state().session.mesh.origin,
        h.state().mesh_path_input
    );
    assert!(h.query_by_label_contains("IST0134").is_none());
    assert!(h.query_by_label_contains("REGISTRY_ONLY").is_some());
}

#[test]
fn hovering_a_finding_shows_what_its_code_means() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.yaml");
    std::fs::write(
        &path,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: dup}\nspec: {hosts: [dup.example.com], resolution: DNS, ports: [{number: 443, name: https, protocol: TLS}, {number: 8443, name: https, protocol: TLS}]}\n",
    )
    .unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(std::slice::from_ref(&path));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    assert!(h.query_by_label_contains("How to fix").is_none());
    h.get_by_label_contains("SE11 (admission)").hover();
    h.run();
    h.run();
    assert!(
        h.query_by_label_contains("How to fix: Give each port a unique name")
            .is_some()
    );
}

#[test]
fn a_large_file_opens_in_the_background_with_a_spinner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let mut text = String::new();
    for i in 0..6_000 {
        text.push_str(&format!(
            "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api-{i}\n  namespace: team-{}\nspec:\n  hosts:\n  - api-{i}.example.com\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n",
            i % 10
        ));
    }
    assert!(text.len() > 1024 * 1024);
    std::fs::write(&path, text).unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(std::slice::from_ref(&path));
    // Not read on this thread: the window keeps drawing while it loads.
    assert!(app.session.workspace.files.is_empty());
    assert_eq!(app.opening, vec![path.clone()]);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.step();
    assert!(h.query_by_label_contains("opening ").is_some());
    let started = std::time::Instant::now();
    while !h.state().opening.is_empty() && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.step();
    assert!(h.state().opening.is_empty());
    assert_eq!(h.state().session.workspace.resources().count(), 6_000);
    assert!(h.state().session.selected.is_some());
}

#[test]
fn a_large_file_saves_in_the_background_and_the_window_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let mut text = String::new();
    for i in 0..6_000 {
        text.push_str(&format!(
            "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api-{i}\n  namespace: team-{}\nspec:\n  hosts:\n  - api-{i}.example.com\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n",
            i % 10
        ));
    }
    std::fs::write(&path, &text).unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(std::slice::from_ref(&path));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    let wait = |h: &mut Harness<'_, EgressStudio>, busy: fn(&EgressStudio) -> bool| {
        let started = std::time::Instant::now();
        while busy(h.state()) && started.elapsed() < std::time::Duration::from_secs(60) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            h.step();
        }
        h.step();
    };
    wait(&mut h, |a| !a.opening.is_empty());
    // Rename the last ServiceEntry, then Save.
    let site = egress_studio::validate::Site {
        file: 0,
        document: 5_999,
        item: Some(0),
    };
    h.state_mut().session.selected = Some(site);
    let mut edited = h.state().session.selected_resource().unwrap().clone();
    if let egress_studio::model::Resource::ServiceEntry(se) = &mut edited {
        se.metadata.name = Some("renamed".into());
    }
    h.state_mut()
        .session
        .apply_edit(site, edited, None)
        .unwrap();
    assert!(h.state().session.file_states[0].is_dirty());
    h.state_mut().run_command(egress_studio::app::Command::Save);
    // Written off this thread: the list says so, and closing waits for it.
    assert_eq!(h.state().saving, vec![path.clone()]);
    h.step();
    assert!(h.query_by_label_contains("saving ").is_some());
    h.state_mut().run_command(egress_studio::app::Command::Quit);
    h.step();
    assert!(h.state().quit_when_saved);
    assert!(!h.state().close_requested);
    wait(&mut h, |a| !a.saving.is_empty());
    assert!(h.state().close_requested, "quits once the file is written");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("  name: renamed\n"));
    assert!(!written.contains("  name: api-5999\n"));
    assert_eq!(
        written.len(),
        text.len() - "api-5999".len() + "renamed".len()
    );
    assert!(!h.state().session.file_states[0].is_dirty());
}
