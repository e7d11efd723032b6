//! Folders as workspaces, files changed on disk, and dialogs that behave, driven
//! through egui_kittest on the real app state (no GPU, no window).

use egress_studio::app::{Command, Dialog, EgressStudio};
use egress_studio::model::Resource;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The app without its file watcher: the tests call `check_disk` (what a
/// watcher event or the window's focus triggers) at the moment they choose.
fn harness() -> Harness<'static, EgressStudio> {
    let mut app = EgressStudio::default();
    app.watch_files = false;
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut EgressStudio| app.ui_root(ui), app)
}

fn se(name: &str, host: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  hosts:\n  - {host}\n  ports:\n  - number: 443\n    name: tls\n    protocol: TLS\n  resolution: DNS\n"
    )
}

fn dr(name: &str, host: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  host: {host}\n"
    )
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// Rewrites a file as another program would, with a modification time that
/// surely differs from the one the editor read (file systems with coarse
/// clocks would otherwise hide a quick second write from the length+time check;
/// the hash still catches it, but this keeps the test about the change itself).
fn change_on_disk(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(10))
        .unwrap();
}

fn menu(h: &mut Harness<'_, EgressStudio>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    match h.query_by_label(item) {
        Some(node) => node.click(),
        None => h.get_by_label_contains(item).click(),
    }
    h.run();
}

fn open_file(h: &mut Harness<'_, EgressStudio>, path: &Path) {
    h.state_mut().open_paths(&[path.to_path_buf()]);
    h.run();
}

fn first_name(app: &EgressStudio) -> String {
    app.session
        .workspace
        .resources()
        .next()
        .map(|r| r.resource.name().to_string())
        .unwrap_or_default()
}

/// Renames the first resource in the buffer (an edit the user made).
fn rename_in_buffer(h: &mut Harness<'_, EgressStudio>, name: &str) {
    let app = h.state_mut();
    let site = app.session.selected.unwrap();
    let mut r = app.selected_resource().unwrap().clone();
    if let Resource::ServiceEntry(se) = &mut r {
        se.metadata.name = Some(name.to_string());
    }
    app.apply_edit(site, r, None);
    h.run();
    assert!(h.state().session.file_states[0].is_dirty());
}

fn open_paths(app: &EgressStudio) -> Vec<PathBuf> {
    app.session
        .workspace
        .files
        .iter()
        .map(|f| f.path.clone())
        .collect()
}

#[test]
fn open_folder_lists_exactly_the_manifests_and_shows_them_as_a_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root.join("a.yaml"), &se("api", "api.example.com"));
    write(&root.join("b.yml"), &dr("api", "api.example.com"));
    write(
        &root.join("egress/prod/c.yaml"),
        &se("db", "db.example.com"),
    );
    write(&root.join("egress/d.yaml"), &se("pay", "pay.example.com"));
    write(
        &root.join(".git/config.yaml"),
        &se("git", "git.example.com"),
    );
    write(&root.join(".github/workflows/ci.yml"), "on: push\n");
    write(
        &root.join("vendor/lib/v.yaml"),
        &se("vendored", "v.example.com"),
    );
    write(
        &root.join("node_modules/m/x.yaml"),
        &se("module", "m.example.com"),
    );
    write(&root.join("README.md"), "# not a manifest\n");

    let mut h = harness();
    menu(&mut h, "File", "Open Folder…");
    // The first field has the focus: typing goes straight in.
    h.get_by_role_and_label(Role::TextInput, "Folder")
        .type_text(&root.display().to_string());
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dialog.is_none(), "Enter opened the folder");

    let mut opened = open_paths(h.state());
    opened.sort();
    let mut expected = vec![
        root.join("a.yaml"),
        root.join("b.yml"),
        root.join("egress/d.yaml"),
        root.join("egress/prod/c.yaml"),
    ];
    expected.sort();
    assert_eq!(opened, expected);

    // Folders first at each level, then files, then their resources.
    let tree = h.state_mut().resource_tree();
    let shown = format!("- {}/", root.display());
    let lines: Vec<&str> = tree.iter().map(|l| l.trim_end()).collect();
    assert_eq!(lines[0], shown, "{tree:#?}");
    let names: Vec<String> = tree.iter().map(|l| l.trim().to_string()).collect();
    let pos = |s: &str| {
        names
            .iter()
            .position(|n| n.contains(s))
            .unwrap_or_else(|| panic!("{s} missing from {tree:#?}"))
    };
    assert!(pos("- egress/") < pos("- prod/"));
    assert!(pos("- prod/") < pos("c.yaml"));
    assert!(pos("c.yaml") < pos("d.yaml"));
    assert!(pos("d.yaml") < pos("a.yaml"));
    assert!(pos("a.yaml") < pos("b.yml"));
    assert!(
        tree[pos("c.yaml")].starts_with("      - c.yaml"),
        "{tree:#?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("config.yaml") || n.contains("v.yaml"))
    );
    assert!(h.query_by_label_contains("c.yaml").is_some());
    assert!(h.query_by_label_contains("SE db (default)").is_some());

    // The checks span the folder: the DR in b.yml finds the SE in a.yaml.
    let orphan = h
        .state()
        .session
        .diagnostics
        .iter()
        .any(|d| d.diagnostic.message.contains("no ServiceEntry"));
    assert!(!orphan);

    // Collapsing a folder hides what is below it.
    h.state_mut()
        .toggle_tree(egress_studio::app::TreeKey::Folder(root.join("egress")));
    let tree = h.state_mut().resource_tree();
    assert!(
        !tree
            .iter()
            .any(|l| l.contains("c.yaml") || l.contains("d.yaml"))
    );
    assert!(tree.iter().any(|l| l.contains("+ egress/")));

    // Opening the folder again, or a folder inside it, opens nothing twice
    // and keeps one tree.
    h.state_mut().open_paths(std::slice::from_ref(&root));
    h.state_mut().open_paths(&[root.join("egress")]);
    h.run();
    assert_eq!(h.state().session.workspace.files.len(), 4);
    assert_eq!(h.state().session.folders, vec![root.clone()]);

    // A folder with no manifest says so, naming what is skipped.
    let empty = dir.path().join("empty");
    write(&empty.join(".git/x.yaml"), &se("git", "git.example.com"));
    h.state_mut().open_paths(std::slice::from_ref(&empty));
    h.run();
    assert!(
        h.query_by_label_contains(
            "no *.yaml or *.yml file in this folder (hidden folders and vendor"
        )
        .is_some()
    );
}

#[test]
fn an_unmodified_buffer_reloads_when_its_file_changes_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    let mut h = harness();
    open_file(&mut h, &path);
    assert_eq!(first_name(h.state()), "api");

    change_on_disk(&path, &se("renamed", "api.example.com"));
    h.state_mut().check_disk();
    h.run();
    assert_eq!(first_name(h.state()), "renamed");
    assert!(!h.state().session.file_states[0].is_dirty());
    assert!(h.state().dialog.is_none(), "no question for a clean buffer");
    assert!(h.query_by_label_contains("SE renamed (default)").is_some());
}

#[test]
fn a_modified_buffer_asks_before_taking_the_disk_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    let mut h = harness();
    open_file(&mut h, &path);
    rename_in_buffer(&mut h, "mine");

    change_on_disk(&path, &se("theirs", "api.example.com"));
    h.state_mut().check_disk();
    h.run();
    assert!(matches!(
        h.state().dialog,
        Some(Dialog::ChangedOnDisk { saving: false, .. })
    ));
    assert_eq!(
        first_name(h.state()),
        "mine",
        "nothing reloaded without asking"
    );
    h.get_by_label("Show diff").click();
    h.run();
    assert!(h.query_by_label_contains("-   name: theirs").is_some());
    assert!(h.query_by_label_contains("+   name: mine").is_some());

    // The grown dialog re-centres over a few frames before it is clicked.
    h.run_steps(3);
    h.get_by_label("Reload from disk").click();
    h.run();
    assert!(h.state().dialog.is_none());
    assert_eq!(first_name(h.state()), "theirs");
    assert!(!h.state().session.file_states[0].is_dirty());

    // "Keep mine" keeps the buffer and is asked once per change on disk.
    rename_in_buffer(&mut h, "mine-again");
    change_on_disk(&path, &se("theirs-again", "api.example.com"));
    h.state_mut().check_disk();
    h.run();
    h.get_by_label("Keep mine").click();
    h.run();
    h.state_mut().check_disk();
    h.run();
    assert!(h.state().dialog.is_none());
    assert_eq!(first_name(h.state()), "mine-again");
}

#[test]
fn saving_after_an_external_change_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    let mut h = harness();
    open_file(&mut h, &path);
    rename_in_buffer(&mut h, "mine");
    let theirs = se("theirs", "api.example.com");
    change_on_disk(&path, &theirs);

    // No disk check ran: the save itself notices.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(matches!(
        h.state().dialog,
        Some(Dialog::ChangedOnDisk { saving: true, .. })
    ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs);

    // Escape cancels: still not written.
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().dialog.is_none());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs);

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label("Overwrite").click();
    h.run();
    assert!(h.state().dialog.is_none());
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert!(on_disk.contains("name: mine"), "{on_disk}");
    assert!(!h.state().session.file_states[0].is_dirty());

    // A save with no change on disk in between writes without asking.
    rename_in_buffer(&mut h, "mine-2");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(h.state().dialog.is_none());
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("name: mine-2")
    );
}

#[test]
fn the_same_file_under_two_spellings_is_one_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    write(&dir.path().join("sub/b.yaml"), &se("b", "b.example.com"));
    let mut h = harness();
    open_file(&mut h, &path);
    open_file(&mut h, &dir.path().join(".").join("a.yaml"));
    open_file(&mut h, &dir.path().join("sub").join("..").join("a.yaml"));
    #[cfg(unix)]
    {
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        open_file(&mut h, &link);
    }
    assert_eq!(open_paths(h.state()), vec![path.clone()]);

    // A folder holding the open file adds only the others.
    open_file(&mut h, &dir.path().join("sub"));
    open_file(&mut h, dir.path());
    assert_eq!(h.state().session.workspace.files.len(), 2);

    // Opening it again focuses it.
    open_file(&mut h, &dir.path().join("sub/./b.yaml"));
    assert_eq!(h.state().session.selected.map(|s| s.file), Some(1));
}

#[test]
fn dialogs_submit_on_enter_cancel_on_escape_and_keep_errors_and_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    let mut h = harness();

    // Escape cancels.
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Path")
        .type_text("whatever.yaml");
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().dialog.is_none());
    assert!(h.state().session.workspace.files.is_empty());

    // A path that does not exist: the error shows in the dialog, which stays.
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    let missing = dir.path().join("missing.yaml").display().to_string();
    h.get_by_role_and_label(Role::TextInput, "Path")
        .type_text(&missing);
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(matches!(h.state().dialog, Some(Dialog::Open { .. })));
    assert!(
        h.query_by_label_contains("no such file or folder")
            .is_some()
    );
    // The field keeps the focus after Enter: what is typed next goes into it.
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Path")
            .is_focused()
    );
    h.key_press(Key::Backspace);
    h.run();
    match &h.state().dialog {
        Some(Dialog::Open { path, .. }) => assert_eq!(*path, missing[..missing.len() - 1]),
        _ => panic!("the Open dialog closed"),
    }
    h.get_by_role_and_label(Role::TextInput, "Path")
        .type_text("l");
    h.run();

    // A click outside the dialog keeps it and what was typed.
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(5.0, 790.0),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(5.0, 790.0),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    match &h.state().dialog {
        Some(Dialog::Open { path, .. }) => assert_eq!(path, &missing),
        other => panic!("the dialog closed: {other:?}"),
    }

    // Enter submits a good path.
    if let Some(Dialog::Open { path: typed, .. }) = &mut h.state_mut().dialog {
        *typed = path.display().to_string();
    }
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dialog.is_none());
    assert_eq!(open_paths(h.state()), vec![path.clone()]);

    // Export says what it covers and asks where to write; Enter exports.
    write(&dir.path().join("b.yaml"), &se("b", "b.example.com"));
    open_file(&mut h, &dir.path().join("b.yaml"));
    // (The diagram has an Export… button too: run the File menu's command.)
    h.state_mut().run_command(Command::Export);
    h.run();
    assert!(h.query_by_label_contains("all 2 open files").is_some());
    // It offers a file beside the open ones, not in the app's working directory.
    match &h.state().dialog {
        Some(Dialog::Export { path, .. }) => {
            assert_eq!(*path, dir.path().join("export.yaml").display().to_string())
        }
        _ => panic!("the Export dialog is not open"),
    }
    let out = dir.path().join("out.yaml");
    if let Some(Dialog::Export { path, .. }) = &mut h.state_mut().dialog {
        *path = out.display().to_string();
    }
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dialog.is_none());
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(exported.contains("name: api") && exported.contains("name: b"));

    // The recipe dialog: the first field (Host) has the focus; Enter creates.
    menu(&mut h, "Edit", "New from recipe…");
    let host = h.get_by_role_and_label(Role::TextInput, "Host");
    assert!(host.is_focused());
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dialog.is_none());
    assert!(
        h.state().session.workspace.resources().count() > 2,
        "the recipe's resources were added"
    );
}

#[test]
fn export_of_the_diagram_asks_where_to_write_and_keeps_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    let mut h = harness();
    open_file(&mut h, &path);
    h.get_by_label("Export…").click();
    h.run();
    assert!(matches!(
        h.state().dialog,
        Some(Dialog::ExportDiagram { .. })
    ));
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Write to")
            .is_focused()
    );

    // A folder that does not exist: the error shows in the dialog.
    let bad = dir.path().join("no-such-folder/route.svg");
    if let Some(Dialog::ExportDiagram { path, .. }) = &mut h.state_mut().dialog {
        *path = bad.display().to_string();
    }
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(matches!(
        h.state().dialog,
        Some(Dialog::ExportDiagram { .. })
    ));
    assert!(h.query_by_label_contains("diagram not written").is_some());

    let svg = dir.path().join("route.svg");
    if let Some(Dialog::ExportDiagram { path, .. }) = &mut h.state_mut().dialog {
        *path = svg.display().to_string();
    }
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().dialog.is_none());
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

/// The watcher end to end: a change on disk reaches the app without any call
/// from the test. Events take milliseconds; the deadline only bounds a failure.
#[test]
fn the_file_watcher_reloads_a_file_changed_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    write(&path, &se("api", "api.example.com"));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, app: &mut EgressStudio| app.ui_root(ui),
            EgressStudio::default(),
        );
    open_file(&mut h, &path);
    if !h.state().is_watching() {
        eprintln!("no file watcher on this system: the focus check covers it");
        return;
    }
    change_on_disk(&path, &se("watched", "api.example.com"));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while first_name(h.state()) != "watched" && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    assert_eq!(first_name(h.state()), "watched");
    assert!(!h.state().session.file_states[0].is_dirty());
}

#[test]
fn files_that_appear_in_an_opened_folder_join_and_closed_ones_stay_closed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root.join("a.yaml"), &se("a", "a.example.com"));
    write(&root.join("b.yaml"), &se("b", "b.example.com"));
    let mut h = harness();
    open_file(&mut h, &root);
    assert_eq!(h.state().session.workspace.files.len(), 2);
    let b = h.state().session.file_index(&root.join("b.yaml")).unwrap();
    h.state_mut().close_file(b);
    write(&root.join("new/c.yaml"), &se("c", "c.example.com"));

    // What a watcher event or the window's focus does; the folder is looked
    // through on a background thread, so wait for that to finish.
    h.state_mut().check_disk();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while h.state().is_rescanning() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        h.run();
    }
    h.run();
    assert_eq!(
        open_paths(h.state()),
        vec![root.join("a.yaml"), root.join("new/c.yaml")]
    );
    let tree = h.state_mut().resource_tree();
    assert!(tree.iter().any(|l| l.trim() == "- new/"), "{tree:#?}");
}

#[test]
fn opening_another_file_keeps_the_path_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    write(
        &a,
        &format!(
            "{}---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: a\n  namespace: default\nspec:\n  host: a.example.com\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      caCertificates: /etc/certs/ca.pem\n",
            se("a", "a.example.com")
        ),
    );
    write(&b, &se("b", "b.example.com"));
    let mut h = harness();
    open_file(&mut h, &a);
    // The Probe tab of the bottom panel (the form has a Probe button too).
    h.state_mut().bottom_tab = egress_studio::app::BottomTab::Probe;
    h.run();
    for (field, text) in [
        ("map sidecar path", "/etc/certs"),
        ("to local folder", "./certs"),
    ] {
        h.get_by_role_and_label(Role::TextInput, field).focus();
        h.run();
        h.get_by_role_and_label(Role::TextInput, field)
            .type_text(text);
        h.run();
    }
    h.get_by_label("Add mapping").click();
    h.run();
    assert!(h.query_by_label_contains("/etc/certs = ./certs").is_some());
    open_file(&mut h, &b);
    assert_eq!(open_paths(h.state()).len(), 2);
    assert!(
        h.query_by_label_contains("/etc/certs = ./certs").is_some(),
        "the mapping made for a.yaml still applies with b.yaml open beside it"
    );
    // Opening files never writes settings by itself: one entry, the user's.
    assert_eq!(h.state().settings.path_maps.len(), 1);
}
