//! The YAML tab as a text editor, driven through egui_kittest: typing changes
//! the document (the form and the findings follow), errors are marked where
//! they are, undo restores, save writes what was typed, and a paste of several
//! documents adds resources.

use egress_studio::app::{EditorTab, EgressStudio};
use egress_studio::model::Resource;
use egress_studio::validate::Severity;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};

const FILE: &str = "\
# Partner API, owned by the payments team
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: partner-api
  namespace: payments
spec:
  hosts:
  - api.partner.example.com   # the only host
  ports:
  - number: 443
    name: tls
    protocol: TLS
  location: MESH_EXTERNAL
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: partner-api
  namespace: payments
spec:
  host: api.partner.example.com
";

const RUNBOOK: &str = "\
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ledger
  namespace: payments
spec:
  hosts:
  - ledger.example.com
  ports:
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ledger
  namespace: payments
spec:
  host: ledger.example.com
  trafficPolicy:
    tls:
      mode: SIMPLE
";

/// A harness with `FILE` open from a temporary folder, the ServiceEntry
/// selected and the YAML tab showing.
fn open(dir: &Path) -> (Harness<'static, EgressStudio>, PathBuf) {
    let path = dir.join("partner.yaml");
    std::fs::write(&path, FILE).unwrap();
    let mut app = EgressStudio::default();
    app.open_paths(std::slice::from_ref(&path));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app);
    h.run();
    h.get_by_label("YAML").click();
    h.run();
    assert_eq!(h.state().tab, EditorTab::Yaml);
    (h, path)
}

/// Puts the editor's cursor at the end of the first line containing `needle`.
fn cursor_after(h: &mut Harness<'_, EgressStudio>, needle: &str) {
    let text = h.state().yaml.text().unwrap().to_string();
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"));
    h.state_mut().yaml.go_to(i + 1, line.chars().count() + 1);
    h.run();
}

fn type_text(h: &mut Harness<'_, EgressStudio>, text: &str) {
    h.get_by_role_and_label(Role::MultilineTextInput, "Document text")
        .type_text(text);
    h.run();
}

/// The Form tab of a document that does not load: it says the error's file
/// line and its link opens the YAML tab there.
fn form_links_to_line(h: &mut Harness<'_, EgressStudio>, line: usize) {
    h.get_by_label("Form").click();
    h.run();
    assert!(
        h.query_by_label_contains("This document does not load")
            .is_some()
    );
    assert!(
        h.query_by_label_contains(&format!("Line {line}, column"))
            .is_some()
    );
    h.get_by_label(&format!("Go to line {line}")).click();
    h.run();
    assert_eq!(h.state().tab, EditorTab::Yaml);
}

fn port_name(app: &EgressStudio) -> Option<String> {
    match app.selected_resource() {
        Some(Resource::ServiceEntry(se)) => se.spec.ports[0].name.clone(),
        _ => None,
    }
}

#[test]
fn typing_in_the_yaml_tab_changes_the_form_and_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    assert!(
        h.state()
            .yaml
            .marks()
            .iter()
            .all(|m| !m.message.contains("SE15")),
        "{:?}",
        h.state().yaml.marks()
    );
    cursor_after(&mut h, "name: tls");
    type_text(&mut h, "_bad");
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad"));

    // The finding is marked at the port name's line and listed above the editor.
    let text = h.state().yaml.text().unwrap().to_string();
    let line = text.lines().position(|l| l.contains("tls_bad")).unwrap() + 1;
    let mark = h
        .state()
        .yaml
        .marks()
        .iter()
        .find(|m| m.message.contains("SE15"))
        .cloned()
        .expect("SE15 is marked");
    assert_eq!(mark.line, line);
    assert_eq!(mark.severity, Severity::Error);
    assert!(
        h.query_by_label_contains(&format!("line {line}, column 5: error SE15"))
            .is_some()
    );

    // The form shows the typed value and the finding beside the field.
    h.get_by_label("Form").click();
    h.run();
    assert!(
        h.query_by_label_contains("SE15: invalid port name: tls_bad")
            .is_some()
    );
    assert!(
        h.get_all_by_role(Role::TextInput)
            .any(|n| n.value().as_deref() == Some("tls_bad")),
        "the port name field shows the typed value"
    );
}

#[test]
fn a_syntax_error_is_marked_at_its_line_and_the_form_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    cursor_after(&mut h, "location: MESH_EXTERNAL");
    type_text(&mut h, "\n  exportTo: [.");
    let app = h.state();
    let doc = &app.session.workspace.files[0].documents[0];
    let error = doc.error.clone().expect("the document no longer parses");
    assert!(
        error.message.starts_with("invalid YAML"),
        "{}",
        error.message
    );
    assert!(app.selected_resource().is_none());
    // Marked in the gutter at the error's line (the document starts at line 1).
    let marked: Vec<usize> = app
        .yaml
        .marks()
        .iter()
        .filter(|m| m.severity == Severity::Error && m.message.contains("invalid YAML"))
        .map(|m| m.line)
        .collect();
    assert_eq!(marked, [error.pos.line]);
    let listed = format!(
        "line {}, column {}: error YAML: invalid YAML",
        error.pos.line, error.pos.column
    );
    assert!(h.query_by_label_contains(&listed).is_some(), "{listed}");

    // The Form tab shows the error and links to it; the draft is not lost.
    form_links_to_line(&mut h, error.pos.line);
    assert!(h.state().yaml.text().unwrap().contains("exportTo: [."));

    // Finishing the flow sequence makes it load again.
    cursor_after(&mut h, "exportTo: [.");
    type_text(&mut h, "]");
    let doc = &h.state().session.workspace.files[0].documents[0];
    assert!(doc.error.is_none(), "{:?}", doc.error);
    assert!(h.state().selected_resource().is_some());
}

#[test]
fn undo_restores_the_text_the_form_and_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    cursor_after(&mut h, "name: tls");
    type_text(&mut h, "_bad");
    type_text(&mut h, "_worse");
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad_worse"));
    assert!(h.state().any_dirty());
    // The typing was one step.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls"));
    assert_eq!(h.state().yaml.text(), FILE.split("---\n").next());
    assert!(!h.state().any_dirty());
    assert!(
        h.state()
            .yaml
            .marks()
            .iter()
            .all(|m| !m.message.contains("SE15"))
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad_worse"));
    assert!(
        h.state()
            .yaml
            .text()
            .unwrap()
            .contains("name: tls_bad_worse")
    );
}

#[test]
fn a_pause_in_typing_starts_a_new_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    cursor_after(&mut h, "name: tls");
    type_text(&mut h, "_bad");
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    type_text(&mut h, "_worse");
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad_worse"));
    // Two changes with a pause between them: undone one at a time.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls_bad"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(port_name(h.state()).as_deref(), Some("tls"));
}

#[test]
fn save_writes_exactly_the_typed_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, path) = open(dir.path());
    cursor_after(&mut h, "  - api.partner.example.com");
    // Odd spacing, a new comment and a quoted host: kept as typed.
    type_text(
        &mut h,
        "\n  -   'api2.partner.example.com'    # second host, quoted",
    );
    cursor_after(&mut h, "resolution: DNS");
    type_text(&mut h, "\n# typed by hand\n");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().any_dirty());
    let typed = FILE
        .replace(
            "# the only host\n",
            "# the only host\n  -   'api2.partner.example.com'    # second host, quoted\n",
        )
        .replace("resolution: DNS\n", "resolution: DNS\n# typed by hand\n\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), typed);
    match h.state().selected_resource() {
        Some(Resource::ServiceEntry(se)) => assert_eq!(
            se.spec.hosts.as_deref().unwrap_or_default(),
            ["api.partner.example.com", "api2.partner.example.com"]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pasting_two_documents_adds_two_resources() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    assert_eq!(h.state().session.workspace.resources().count(), 2);
    cursor_after(&mut h, "name: tls");
    h.event(egui::Event::Paste(RUNBOOK.to_string()));
    h.run();
    let app = h.state();
    let names: Vec<String> = app
        .session
        .workspace
        .resources()
        .map(|r| format!("{} {}", r.resource.kind(), r.resource.name()))
        .collect();
    assert_eq!(
        names,
        [
            "ServiceEntry partner-api",
            "ServiceEntry ledger",
            "DestinationRule ledger",
            "DestinationRule partner-api"
        ]
    );
    // The ServiceEntry's own text is untouched, the first new one is selected.
    assert_eq!(
        app.session.workspace.files[0].documents[0].raw,
        FILE.split("---\n").next().unwrap()
    );
    assert_eq!(app.selected_resource().map(|r| r.name()), Some("ledger"));
    assert!(
        h.query_by_label_contains(
            "Added 2 resources from the pasted text: ServiceEntry ledger, DestinationRule ledger"
        )
        .is_some()
    );
    // One undo removes both.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().session.workspace.resources().count(), 2);
}

#[test]
fn a_form_edit_shows_in_the_yaml_tab_as_it_will_be_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    h.get_by_label("Form").click();
    h.run();
    let field = h
        .get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap();
    field.focus();
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "name")
        .nth(1)
        .unwrap()
        .type_text("-partner");
    h.run();
    h.key_press(Key::Escape);
    h.run();
    h.get_by_label("YAML").click();
    h.run();
    let text = h.state().yaml.text().unwrap().to_string();
    assert!(text.contains("    name: tls-partner\n"), "{text}");
    assert!(
        text.contains("# the only host"),
        "patched, comments kept: {text}"
    );
    assert!(
        h.query_by_label_contains("Edited in the form: shown as it will be saved")
            .is_some()
    );
}

#[test]
fn a_click_focuses_the_editor_and_typing_goes_where_it_was_put() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    cursor_after(&mut h, "protocol: TLS");
    h.key_press(Key::Escape);
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "Document text")
        .click();
    h.run();
    assert!(
        h.get_by_role_and_label(Role::MultilineTextInput, "Document text")
            .is_focused()
    );
    cursor_after(&mut h, "protocol: TLS");
    for _ in 0..2 {
        h.key_press(Key::Backspace);
        h.run();
    }
    type_text(&mut h, "CP");
    match h.state().selected_resource() {
        Some(Resource::ServiceEntry(se)) => {
            assert_eq!(se.spec.ports[0].protocol.as_deref(), Some("TCP"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn typing_a_separator_starts_a_new_document_and_the_cursor_follows() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    cursor_after(&mut h, "resolution: DNS");
    type_text(
        &mut h,
        "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    );
    type_text(&mut h, "data: {}");
    let app = h.state();
    let docs = &app.session.workspace.files[0].documents;
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1].items[0].name, "extra");
    assert!(
        docs[1].raw.ends_with("  name: extra\ndata: {}\n"),
        "{:?}",
        docs[1].raw
    );
    assert_eq!(app.session.selected.map(|s| s.document), Some(1));
    assert!(app.yaml.text().unwrap().starts_with("---\napiVersion: v1"));
    // The file still reads back as the same three documents.
    let saved = app.session.workspace.files[0].render().unwrap();
    let again = egress_studio::yaml::SourceFile::from_text("again.yaml".into(), &saved);
    assert_eq!(again.documents.len(), 3);
}

#[test]
fn a_later_document_is_numbered_as_the_file_is() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = open(dir.path());
    h.state_mut().session.selected = Some(egress_studio::validate::Site {
        file: 0,
        document: 1,
        item: Some(0),
    });
    h.run();
    cursor_after(&mut h, "host: api.partner.example.com");
    type_text(&mut h, "\n  exportTo: [.");
    let doc = &h.state().session.workspace.files[0].documents[1];
    let error = doc.error.clone().expect("the rule no longer parses");
    // The rule starts at the file's line 16: its error is past it, numbered as
    // the Diagnostics tab and the CLI number it.
    assert!(error.pos.line > 16, "{error:?}");
    let listed = format!("line {}, column {}:", error.pos.line, error.pos.column);
    assert!(h.query_by_label_contains(&listed).is_some(), "{listed}");
    form_links_to_line(&mut h, error.pos.line);
}
