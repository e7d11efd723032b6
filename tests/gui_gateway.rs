//! Egress-gateway chains in the desktop app (egui_kittest): a whole chain from
//! its recipe, the route panel's line that names each piece and selects it, and
//! the Gateway and VirtualService forms editing the files through the same undo.

use egress_studio::app::EgressStudio;
use egress_studio::model::{ChainKind, Resource};
use egress_studio::validate::Severity;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, EgressStudio> {
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, app: &mut EgressStudio| app.ui_root(ui),
            EgressStudio::default(),
        );
    h.run();
    h
}

fn menu(h: &mut Harness<'_, EgressStudio>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    match h.get_all_by_label(item).last() {
        Some(node) => node.click(),
        None => h.get_by_label_contains(item).click(),
    }
    h.run();
}

/// Codes of the findings above info, sorted.
fn codes(app: &EgressStudio) -> Vec<String> {
    let mut out: Vec<String> = app
        .session
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity > Severity::Info)
        .map(|d| d.diagnostic.code.clone())
        .collect();
    out.sort();
    out
}

fn selected_kind(app: &EgressStudio) -> String {
    match app.selected_resource() {
        Some(Resource::Other(o)) => o.kind.clone(),
        Some(r) => r.kind().to_string(),
        None => String::new(),
    }
}

/// A TLS-origination chain made with the dialog's defaults.
fn with_chain() -> Harness<'static, EgressStudio> {
    let mut h = harness();
    menu(&mut h, "Edit", "New egress-gateway chain…");
    assert!(h.query_by_label("New egress-gateway chain").is_some());
    h.get_by_label("TLS origination at the egress gateway")
        .click();
    h.run();
    h.get_by_label("Create").click();
    h.run();
    h.run();
    h
}

#[test]
fn a_chain_from_its_recipe_is_clean_and_the_route_panel_selects_each_piece() {
    let mut h = with_chain();
    let app = h.state();
    let kinds: Vec<String> = app
        .session
        .workspace
        .resources()
        .map(|r| match r.resource {
            Resource::Other(o) => o.kind.clone(),
            other => other.kind().to_string(),
        })
        .collect();
    for kind in [
        "ServiceEntry",
        "Gateway",
        "DestinationRule",
        "VirtualService",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} missing: {kinds:?}");
    }
    assert!(codes(app).is_empty(), "{:?}", codes(app));
    // The new ServiceEntry is selected: its traffic leaves through the gateway.
    assert_eq!(selected_kind(app), "ServiceEntry");
    assert!(
        h.query_by_label_contains("Leaves via egress gateway")
            .is_some()
    );
    for kind in ["Gateway", "VirtualService"] {
        h.get_by_label_contains(&format!("{kind} istio-system/"))
            .click();
        h.run();
        assert_eq!(selected_kind(h.state()), kind);
        // The line stays: the piece belongs to the same chain.
        assert!(
            h.query_by_label_contains("Leaves via egress gateway")
                .is_some()
        );
    }
    h.get_by_label_contains("(gateway hop)").click();
    h.run();
    assert_eq!(selected_kind(h.state()), "DestinationRule");
}

#[test]
fn the_gateway_form_edits_the_server_and_the_chain_check_follows_then_undo_mends_it() {
    let mut h = with_chain();
    h.get_by_label_contains("Gateway istio-system/").click();
    h.run();
    let site = h.state().session.selected.expect("the Gateway is selected");
    let file_before = h.state().session.workspace.files[site.file]
        .render()
        .unwrap();
    // The server's TLS mode is shown as Istio names it.
    assert!(h.query_by_label("Servers").is_some());
    let mode = h.get_by_role_and_label(Role::ComboBox, "mode");
    assert_eq!(mode.value().as_deref(), Some("ISTIO_MUTUAL"));
    // The server's port number, 80, becomes 808: no route reaches it any more.
    let number = h
        .get_all_by_role_and_label(Role::TextInput, "number")
        .next()
        .expect("the server's port number");
    number.focus();
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "number")
        .next()
        .unwrap()
        .type_text("8");
    h.run();
    h.run();
    let Some(Resource::Other(o)) = h.state().selected_resource() else {
        panic!("the Gateway stays selected");
    };
    assert_eq!(ChainKind::of(o), Some(ChainKind::Gateway));
    let text = h.state().session.workspace.files[site.file]
        .render()
        .unwrap();
    assert!(text.contains("number: 808"), "{text}");
    let broken = codes(h.state());
    assert!(
        broken.iter().any(|c| c.starts_with("EG")),
        "a chain check names the port no route reaches: {broken:?}"
    );
    // Everything but the edited number is as it was.
    assert_eq!(
        text.replacen("number: 808", "number: 80", 1),
        file_before,
        "the form edit touched only the port number"
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().session.workspace.files[site.file]
            .render()
            .unwrap(),
        file_before
    );
    assert!(codes(h.state()).is_empty(), "{:?}", codes(h.state()));
}

#[test]
fn the_virtual_service_form_shows_its_routes_and_a_mistyped_gateway_gets_its_finding() {
    let mut h = with_chain();
    h.get_by_label_contains("VirtualService istio-system/")
        .click();
    h.run();
    assert!(h.query_by_label("http routes").is_some());
    assert!(h.query_by_label_contains("Rule 1").is_some());
    assert!(h.query_all_by_label_contains("Destination 1").count() >= 2);
    let site = h
        .state()
        .session
        .selected
        .expect("the VirtualService is selected");
    let before = h.state().session.workspace.files[site.file]
        .render()
        .unwrap();
    // The Gateway's name in spec.gateways, mistyped one key at a time: the
    // finding appears beside the field after the first key.
    let gateways = h
        .get_all_by_role_and_label(Role::TextInput, "gateways 1")
        .next()
        .expect("spec.gateways rows");
    gateways.focus();
    h.run();
    for c in "-typo".chars() {
        h.get_all_by_role_and_label(Role::TextInput, "gateways 1")
            .next()
            .unwrap()
            .type_text(&c.to_string());
        h.run();
    }
    h.run();
    let typed = h.state().session.workspace.files[site.file]
        .render()
        .unwrap();
    assert!(typed.contains("-typo"), "every key reached the field");
    let found = codes(h.state());
    let eg = found
        .iter()
        .find(|c| c.starts_with("EG"))
        .unwrap_or_else(|| panic!("a chain finding: {found:?}"));
    // Shown beside the field in the form, not only in the Diagnostics tab.
    assert!(
        h.query_all_by_label_contains(&format!("{eg}:")).count() >= 1,
        "{eg} is marked in the form"
    );
    // The word typed is one undo step, though a finding appeared on the way.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().session.workspace.files[site.file]
            .render()
            .unwrap(),
        before
    );
}
