//! The desktop app through egui_kittest: creating what belongs together (a
//! DestinationRule for a ServiceEntry, bare resources), the layout at small and
//! usual window sizes, and the small things (redo, filter, protocol).

use egress_studio::app::EgressStudio;
use egress_studio::model::{Resource, TlsMode};
use egress_studio::recipes::Recipe;
use egress_studio::validate::Severity;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::{Path, PathBuf};

fn harness_with(app: EgressStudio, size: [f32; 2]) -> Harness<'static, EgressStudio> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    h
}

fn open(paths: &[PathBuf], size: [f32; 2]) -> Harness<'static, EgressStudio> {
    let mut app = EgressStudio::default();
    app.open_paths(paths);
    harness_with(app, size)
}

fn menu(h: &mut Harness<'_, EgressStudio>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    // The menu is drawn last: its entry is the last node of that name (a
    // button elsewhere may carry the same label).
    match h.get_all_by_label(item).last() {
        Some(node) => node.click(),
        None => h.get_by_label_contains(item).click(),
    }
    h.run();
}

/// Every finding above info, as "code message", sorted.
fn findings(app: &EgressStudio) -> Vec<String> {
    let mut out: Vec<String> = app
        .session
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity > Severity::Info)
        .map(|d| format!("{} {}", d.diagnostic.code, d.diagnostic.message))
        .collect();
    out.sort();
    out
}

fn write(dir: &Path, name: &str, resources: &[Resource]) -> PathBuf {
    let text: Vec<String> = resources
        .iter()
        .map(|r| serde_yaml::to_string(&r.to_value().unwrap()).unwrap())
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, text.join("---\n")).unwrap();
    path
}

#[test]
fn add_destination_rule_for_each_recipes_service_entry_adds_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    for recipe in Recipe::ALL {
        let built = recipe.build(
            recipe.example_host(),
            recipe.default_port().unwrap_or(443),
            "payments",
        );
        let se = built[..1].to_vec();
        let Resource::ServiceEntry(entry) = &se[0] else {
            panic!("{} starts with a ServiceEntry", recipe.label())
        };
        let path = write(dir.path(), "se.yaml", &se);
        let mut h = open(&[path], [1280.0, 800.0]);
        let alone = findings(h.state());

        h.get_by_label("Add DestinationRule for this host").click();
        h.run();
        let Some(Resource::DestinationRule(dr)) = h.state().selected_resource().cloned() else {
            panic!("{}: the new rule is selected", recipe.label())
        };
        assert_eq!(dr.spec.host.as_ref(), entry.spec.hosts().first());
        assert_eq!(dr.metadata.namespace.as_deref(), Some("payments"));
        let tls = dr.spec.traffic_policy.as_ref().and_then(|t| t.tls.clone());
        assert!(tls.is_some(), "{}: {dr:?}", recipe.label());
        // The TLS section is open on the form: its mode field shows.
        assert!(
            h.query_by_label("mode").is_some(),
            "{}: TLS section open",
            recipe.label()
        );
        let pair = findings(h.state());
        let added: Vec<&String> = pair.iter().filter(|f| !alone.contains(f)).collect();
        assert!(added.is_empty(), "{}: {added:?}", recipe.label());
        // One undo step takes it away again.
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
        assert_eq!(h.state().session.workspace.resources().count(), 1);
    }
}

#[test]
fn add_destination_rule_for_an_entry_with_several_ports_sets_each_port() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.yaml");
    std::fs::write(
        &path,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: two, namespace: shop}\nspec:\n  hosts: [api.example.com]\n  resolution: DNS\n  ports:\n  - {number: 443, name: tls, protocol: TLS}\n  - {number: 80, name: http, protocol: HTTP, targetPort: 443}\n",
    )
    .unwrap();
    let mut h = open(&[path], [1280.0, 800.0]);
    menu(&mut h, "Edit", "Add DestinationRule for this host");
    let Some(Resource::DestinationRule(dr)) = h.state().selected_resource().cloned() else {
        panic!("a rule is selected")
    };
    let tp = dr.spec.traffic_policy.unwrap();
    let modes: Vec<(Option<u32>, Option<TlsMode>)> = tp
        .port_level_settings
        .iter()
        .map(|p| {
            (
                p.port.as_ref().and_then(|s| s.number),
                p.tls.as_ref().and_then(|t| t.mode),
            )
        })
        .collect();
    assert_eq!(
        modes,
        [
            (Some(443), Some(TlsMode::Disable)),
            (Some(80), Some(TlsMode::Simple))
        ]
    );
    assert!(h.query_by_label("Port setting 2").is_some());
    // Sections the rule leaves unset start collapsed: their headers show, their fields do not.
    assert!(h.query_all_by_label("Load balancer").count() >= 1);
    assert_eq!(h.query_all_by_label("loadBalancer").count(), 0);
    assert!(h.query_all_by_label("mode").count() >= 1, "TLS is open");
    assert!(findings(h.state()).is_empty(), "{:?}", findings(h.state()));
}

#[test]
fn new_bare_resources_from_the_plus_menu_take_the_selected_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let se = Recipe::HttpsPassthrough.build("api.example.com", 443, "team-a");
    let path = write(dir.path(), "a.yaml", &se);
    let mut h = open(&[path], [1280.0, 800.0]);
    h.get_by_label("+").click();
    h.run();
    h.get_by_label("New DestinationRule").click();
    h.run();
    let Some(Resource::DestinationRule(dr)) = h.state().selected_resource().cloned() else {
        panic!("a rule is selected")
    };
    assert_eq!(dr.spec.host.as_deref(), Some("api.example.com"));
    assert_eq!(dr.metadata.namespace.as_deref(), Some("team-a"));
    menu(&mut h, "Edit", "New ServiceEntry");
    let Some(Resource::ServiceEntry(se)) = h.state().selected_resource().cloned() else {
        panic!("an entry is selected")
    };
    assert_eq!(se.metadata.namespace.as_deref(), Some("team-a"));
    assert_eq!(h.state().session.workspace.files.len(), 1);
    // The recipe dialog offers the same namespace and says what each recipe is for.
    menu(&mut h, "Edit", "New from recipe…");
    let ns = h.get_by_role_and_label(Role::TextInput, "Namespace");
    assert_eq!(ns.value().as_deref(), Some("team-a"));
    assert!(
        h.query_by_label_contains("The app speaks TLS itself")
            .is_some()
    );
    h.get_by_label("Create").click();
    h.run();
    assert_eq!(
        h.state().settings.namespace.as_deref(),
        Some("team-a"),
        "the namespace is remembered"
    );
}

#[test]
fn a_finding_that_appears_while_typing_does_not_move_the_fields_below() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.yaml",
        &Recipe::HttpsPassthrough.build("api.example.com", 443, "shop"),
    );
    let mut h = open(&[path], [900.0, 600.0]);
    let below =
        |h: &Harness<'_, EgressStudio>| h.get_by_role_and_label(Role::ComboBox, "protocol").rect();
    let before = below(&h);
    // The second "name" field is the port's.
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .focus();
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .type_text("_bad");
    h.run();
    assert!(
        h.query_by_label_contains("SE15: invalid port name: tls_bad")
            .is_some(),
        "the finding is marked beside the field"
    );
    assert_eq!(below(&h), before, "the field below stayed where it was");
}

#[test]
fn a_long_list_keeps_its_remove_buttons_in_view_at_900_by_600() {
    let dir = tempfile::tempdir().unwrap();
    let hosts: Vec<String> = (0..40)
        .map(|i| format!("a-rather-long-service-name-{i}.payments.eu-west-1.example.com"))
        .collect();
    let path = dir.path().join("many.yaml");
    std::fs::write(
        &path,
        format!(
            "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {{name: many, namespace: shop}}\nspec:\n  hosts: [{}]\n  resolution: DNS\n  ports: [{{number: 443, name: tls, protocol: TLS}}]\n",
            hosts.join(", ")
        ),
    )
    .unwrap();
    let mut h = open(&[path], [900.0, 600.0]);
    check_layout(&h, [900.0, 600.0], "40 long hosts");
    let editor = h.state().panels.editor;
    let removes: Vec<egui::Rect> = h
        .get_all_by_label("✖")
        .map(|n| n.rect())
        .filter(|r| editor.contains(r.center()))
        .collect();
    assert!(removes.len() >= 3, "{removes:?}");
    // Removing the first host works from there.
    h.get_all_by_label("✖")
        .find(|n| editor.contains(n.rect().center()))
        .unwrap()
        .click();
    h.run();
    let Some(Resource::ServiceEntry(se)) = h.state().selected_resource() else {
        panic!()
    };
    assert_eq!(se.spec.hosts().len(), 39);
}

#[test]
fn the_view_menu_marks_the_current_theme_and_istio_release() {
    let mut h = harness_with(EgressStudio::default(), [1280.0, 800.0]);
    menu(&mut h, "View", "Dark");
    h.get_by_label("View").click();
    h.run();
    let checked = |h: &Harness<'_, EgressStudio>, label: &str| {
        h.get_by_label(label).accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
    };
    assert!(checked(&h, "Dark"));
    assert!(!checked(&h, "Light"));
    assert!(checked(&h, "1.30"));
}

#[test]
fn ctrl_y_redoes() {
    let mut h = harness_with(EgressStudio::default(), [1280.0, 800.0]);
    menu(&mut h, "Edit", "New ServiceEntry");
    assert_eq!(h.state().session.workspace.resources().count(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().session.workspace.resources().count(), 0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(h.state().session.workspace.resources().count(), 1);
}

#[test]
fn the_filter_matches_hosts_and_hides_files_without_a_match() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.yaml",
        &Recipe::HttpsPassthrough.build("payments.example.com", 443, "shop"),
    );
    let mut other = Recipe::HttpsPassthrough.build("other.example.org", 443, "shop");
    if let Resource::ServiceEntry(se) = &mut other[0] {
        se.metadata.name = Some("unrelated".into());
    }
    let b = write(dir.path(), "b.yaml", &other);
    let mut h = open(&[a, b], [1280.0, 800.0]);
    assert!(h.query_by_label_contains("b.yaml").is_some());
    let filter = h.get_by_role_and_label(Role::TextInput, "Filter");
    filter.focus();
    h.run();
    // Neither name nor namespace says "payments.example": only the host does.
    h.get_by_role_and_label(Role::TextInput, "Filter")
        .type_text("payments.example");
    h.run();
    assert!(
        h.query_by_label_contains("SE payments-example-com")
            .is_some()
    );
    assert!(h.query_by_label_contains("SE unrelated").is_none());
    assert!(
        h.query_by_label_contains("b.yaml").is_none(),
        "a file with no match is hidden"
    );
}

#[test]
fn the_protocol_combo_shows_an_unknown_value_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quic.yaml");
    std::fs::write(
        &path,
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: quic}\nspec:\n  hosts: [quic.example.com]\n  resolution: DNS\n  ports:\n  - {number: 443, name: q, protocol: QUIC}\n",
    )
    .unwrap();
    let mut h = open(&[path], [1280.0, 800.0]);
    let combo = h.get_by_role_and_label(Role::ComboBox, "protocol");
    assert_eq!(combo.value().as_deref(), Some("QUIC"));
    // Its finding is marked beside it too (the icon reads as its message).
    assert!(
        h.get_all_by_label_contains("SE16: unsupported protocol: QUIC")
            .count()
            >= 1
    );
    h.get_by_role_and_label(Role::ComboBox, "protocol").click();
    h.run();
    // The webhook's names are offered, the documented ones first.
    assert!(h.query_by_label("HTTPS").is_some());
    assert!(h.query_by_label("MySQL").is_some());
    h.get_by_label("TLS").click();
    h.run();
    let Some(Resource::ServiceEntry(se)) = h.state().selected_resource() else {
        panic!()
    };
    assert_eq!(se.spec.ports[0].protocol.as_deref(), Some("TLS"));
}

/// Asserts the editor keeps 320 px, nothing in it is cut off at its right
/// edge, and each panel's first widget lies inside the window and its panel.
fn check_layout(h: &Harness<'_, EgressStudio>, size: [f32; 2], what: &str) {
    let p = h.state().panels;
    println!(
        "{}x{} {what}: editor {:.0} px wide (content {:.0}), resources {:?}, route {:?}, bottom {:.0} px high",
        size[0],
        size[1],
        p.editor.width(),
        p.editor_content.width(),
        p.resources.map(|r| r.width().round()),
        p.route.map(|r| r.width().round()),
        p.bottom.height()
    );
    assert!(
        p.editor.width() >= 320.0,
        "{size:?} {what}: the editor is {} px wide",
        p.editor.width()
    );
    let right = p.editor.max.x;
    let cut: Vec<String> = h
        .query_all_by(|n| {
            // A text field's own text runs scroll inside it: not cut off.
            n.role() != Role::TextRun
                && n.bounding_box().is_some_and(|b| {
                    b.x0 as f32 >= p.editor.min.x
                        && (b.x0 as f32) < right - 4.0
                        && b.x1 as f32 > right + 1.0
                })
        })
        .map(|n| format!("{:?} at {:?}", n.accesskit_node().label(), n.rect()))
        .collect();
    assert!(cut.is_empty(), "{size:?} {what}: cut off: {cut:#?}");
    assert!(
        p.editor_content.max.x <= p.editor.max.x + 1.0,
        "{size:?} {what}: content {:?} wider than the editor {:?}",
        p.editor_content,
        p.editor
    );

    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, size.into());
    let mut firsts = vec![
        ("File", p.menu),
        ("Form", p.editor),
        ("Diagnostics", p.bottom),
    ];
    if size[0] >= 900.0 {
        firsts.push(("+", p.resources.expect("the resource list shows")));
        firsts.push(("Traffic route", p.route.expect("the route panel shows")));
    } else {
        // Too narrow for the route beside a usable editor: it folds away.
        assert!(p.route.is_none(), "{size:?}");
    }
    for (label, panel) in firsts {
        let r = h.get_by_label(label).rect();
        assert!(
            screen.contains_rect(r) && panel.expand(0.5).contains_rect(r),
            "{size:?} {what}: {label:?} at {r:?} is outside its panel {panel:?}"
        );
    }
}

#[test]
fn at_900_by_600_and_1280_by_800_the_editor_keeps_320_px_and_every_panel_shows_its_first_widget() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    for size in [[900.0, 600.0], [1280.0, 800.0], [700.0, 500.0]] {
        let mut h = open(std::slice::from_ref(&example), size);
        check_layout(&h, size, "ServiceEntry form");
        menu(&mut h, "Edit", "Add DestinationRule for this host");
        check_layout(&h, size, "DestinationRule form");
        h.get_by_label("YAML").click();
        h.run();
        check_layout(&h, size, "YAML tab");
    }
}

#[test]
fn hiding_the_side_panels_gives_the_editor_their_room() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples/egress.yaml");
    let mut h = open(&[example], [900.0, 600.0]);
    let before = h.state().panels.editor.width();
    println!("{:?}", h.state().panels);
    h.get_by_label("Route").click();
    h.run();
    h.get_by_label("Resources").click();
    h.run();
    let p = h.state().panels;
    assert!(p.route.is_none() && p.resources.is_none());
    assert!(p.editor.width() > before + 400.0, "{before} -> {p:?}");
}

#[test]
fn messages_are_kept_newest_first_and_toast_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.yaml",
        &Recipe::HttpsPassthrough.build("api.example.com", 443, "shop"),
    );
    let mut h = open(std::slice::from_ref(&path), [1280.0, 800.0]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let saved = format!("saved {}", path.display());
    assert!(
        h.query_by_label_contains(&saved).is_some(),
        "a toast says where"
    );
    h.state_mut().notice(true, "a later failure: change this");
    h.run();
    h.get_by_label("Messages (2)").click();
    h.run();
    let rows: Vec<egui::Rect> = ["a later failure", "saved "]
        .iter()
        .map(|t| {
            h.get_all_by_label_contains(t)
                .map(|n| n.rect())
                // The Messages tab's row, not the toast in the corner.
                .find(|r| r.min.y > h.state().panels.bottom.min.y && r.max.x < 1280.0 - 400.0)
                .unwrap()
        })
        .collect();
    assert!(rows[0].min.y < rows[1].min.y, "newest first: {rows:?}");
    h.get_by_label("Clear").click();
    h.run();
    assert!(h.state().notices.is_empty());
    assert!(h.query_by_label("Messages").is_some());
}
