//! The route panel's chain line: when the selection's traffic leaves through
//! an egress gateway (the selected ServiceEntry's host is carried by a chain,
//! or the selection is a piece of one), it says so and names every piece of the
//! chain as a button that selects it.

use super::EgressStudio;
use crate::validate::Site;
use crate::validate::chain::ChainSummary;
use egui::Ui;
use std::sync::Arc;

impl EgressStudio {
    /// The workspace's chains, computed once per workspace change.
    fn chains(&mut self) -> Arc<Vec<ChainSummary>> {
        let version = self.session.version();
        match &self.chain_cache {
            Some((v, chains)) if *v == version => chains.clone(),
            _ => {
                let chains = Arc::new(crate::validate::chain::summaries(&self.session.workspace));
                self.chain_cache = Some((version, chains.clone()));
                chains
            }
        }
    }

    /// "Leaves via egress gateway …" with a button for each piece of the chain.
    pub(super) fn chain_line(&mut self, ui: &mut Ui) {
        let Some(selected) = self.session.selected else {
            return;
        };
        let chains = self.chains();
        let Some(chain) = self.chain_of(&chains, selected) else {
            return;
        };
        let mut pieces: Vec<(String, Site)> = Vec::new();
        let mut add = |app: &EgressStudio, site: Site, role: &str| {
            if let Some(name) = app.describe(site) {
                pieces.push((format!("{name}{role}"), site));
            }
        };
        if let Some(g) = chain.gateway_site {
            add(self, g, "");
        }
        add(self, chain.virtual_service, "");
        for r in &chain.gateway_rules {
            add(self, *r, " (gateway hop)");
        }
        for r in &chain.host_rules {
            add(self, *r, " (to the host)");
        }
        let mut clicked = None;
        ui.horizontal_wrapped(|ui| {
            ui.label("Leaves via egress gateway");
            ui.strong(&chain.gateway);
            if chain.gateway_site.is_none() {
                ui.weak("(not among the open files)");
            }
            ui.label("—");
            // Buttons, not links: each moves to the next line whole when the
            // panel is narrow, rather than wrapping in the middle of a name.
            for (label, site) in &pieces {
                let button = egui::Button::new(egui::RichText::new(label).small()).truncate();
                if ui
                    .add(button)
                    .on_hover_text(format!("Select {label}"))
                    .clicked()
                {
                    clicked = Some(*site);
                }
            }
        });
        if let Some(site) = clicked {
            self.session.selected = Some(site);
            self.tab = super::EditorTab::Form;
        }
    }

    /// The chain the selection belongs to: the one carrying a selected
    /// ServiceEntry's host, or the one the selected piece is part of.
    fn chain_of<'c>(&self, chains: &'c [ChainSummary], selected: Site) -> Option<&'c ChainSummary> {
        if let Some(crate::model::Resource::ServiceEntry(se)) = self.selected_resource() {
            return ChainSummary::for_hosts(chains, se.spec.hosts());
        }
        chains.iter().find(|c| {
            c.virtual_service == selected
                || c.gateway_site == Some(selected)
                || c.gateway_rules.contains(&selected)
                || c.host_rules.contains(&selected)
        })
    }

    /// `Kind ns/name` of the object at `site`.
    fn describe(&self, site: Site) -> Option<String> {
        let item = self
            .session
            .workspace
            .files
            .get(site.file)?
            .documents
            .get(site.document)?
            .items
            .get(site.item?)?;
        Some(format!(
            "{} {}/{}",
            item.kind,
            item.namespace.as_deref().unwrap_or("default"),
            item.name
        ))
    }
}
