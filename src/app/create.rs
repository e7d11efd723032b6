//! Creating resources: bare ServiceEntries and DestinationRules, a
//! DestinationRule for the selected ServiceEntry's host, and the defaults the
//! recipe dialog starts from. New resources land in the selected file (or a new
//! one), are selected and open in the form.

use super::{Dialog, EditorTab, EgressStudio};
use crate::model::Resource;
use crate::recipes::{self, Recipe};
use egui::Ui;

impl EgressStudio {
    /// The namespace new resources start in: the selected resource's, else the
    /// current file's first resource's, else the one last used, else `default`.
    pub fn default_namespace(&self) -> String {
        let selected = self
            .selected_resource()
            .filter(|r| r.is_istio())
            .and_then(|r| r.namespace().map(str::to_string));
        let of_file = || {
            let file = self.current_file()?;
            self.session.workspace.files[file]
                .documents
                .iter()
                .flat_map(|d| d.items.iter())
                .find_map(|item| item.namespace.clone())
        };
        selected
            .or_else(of_file)
            .or_else(|| self.settings.namespace.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "default".to_string())
    }

    /// The recipe dialog, filled with the first recipe and the default namespace.
    pub fn recipe_dialog(&self) -> Dialog {
        let recipe = Recipe::HttpsPassthrough;
        Dialog::Recipe {
            recipe,
            host: recipe.example_host().into(),
            port: recipe
                .default_port()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            namespace: self.default_namespace(),
        }
    }

    /// Keeps the namespace of the last resources created for next time.
    pub(super) fn remember_namespace(&mut self, namespace: &str) {
        if self.settings.namespace.as_deref() != Some(namespace) {
            self.settings.namespace = Some(namespace.to_string());
            self.persist_settings();
        }
    }

    /// Adds resources to the selected file (or a new one), selects the first and
    /// shows its form.
    fn add_new(&mut self, resources: &[Resource]) {
        let result = self.session.add_resources(resources);
        self.files_changed();
        if result.is_ok() {
            self.tab = EditorTab::Form;
        }
        self.report(result);
    }

    /// A new ServiceEntry with one host and one port to change.
    pub fn new_service_entry(&mut self) {
        let ns = self.default_namespace();
        let se = recipes::bare_service_entry(&ns);
        self.add_new(&[Resource::ServiceEntry(Box::new(se))]);
    }

    /// A new DestinationRule, for the selected ServiceEntry's host when one is selected.
    pub fn new_destination_rule(&mut self) {
        let ns = self.default_namespace();
        let host = match self.selected_resource() {
            Some(Resource::ServiceEntry(se)) => se.spec.hosts().first().cloned(),
            _ => None,
        };
        let dr = recipes::bare_destination_rule(host.as_deref().unwrap_or(""), &ns);
        self.add_new(&[Resource::DestinationRule(Box::new(dr))]);
    }

    /// A DestinationRule for the selected ServiceEntry: its host and namespace,
    /// with TLS filled in per port (see [`recipes::destination_rule_for`]).
    pub fn add_destination_rule_for_selected(&mut self) {
        let Some(Resource::ServiceEntry(se)) = self.selected_resource() else {
            self.notice(
                true,
                "select a ServiceEntry first: the DestinationRule is made for its host",
            );
            return;
        };
        if se.spec.hosts().is_empty() {
            self.notice(
                true,
                "this ServiceEntry has no host yet: add one under Hosts, then add its DestinationRule",
            );
            return;
        }
        let dr = recipes::destination_rule_for(se);
        // Bring the TLS part (the first port's, with several) into view.
        let several = dr
            .spec
            .traffic_policy
            .as_ref()
            .is_some_and(|t| !t.port_level_settings.is_empty());
        self.add_new(&[Resource::DestinationRule(Box::new(dr))]);
        self.scroll_to = Some(if several {
            "spec.trafficPolicy.portLevelSettings[0].tls.mode".to_string()
        } else {
            "spec.trafficPolicy.tls.mode".to_string()
        });
    }

    /// The "+" menu of the resource list.
    pub(super) fn new_resource_menu(&mut self, ui: &mut Ui) {
        let mut chosen = None;
        ui.menu_button("+", |ui| {
            for cmd in [
                super::Command::NewServiceEntry,
                super::Command::NewDestinationRule,
                super::Command::NewFromRecipe,
                super::Command::NewGatewayChain,
            ] {
                if ui.button(cmd.label()).clicked() {
                    chosen = Some(cmd);
                }
            }
        })
        .response
        .on_hover_text("Add a resource to the selected file");
        if let Some(cmd) = chosen {
            self.run_command(cmd);
        }
    }
}
