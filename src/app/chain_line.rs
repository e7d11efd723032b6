//! The route panel's chain line: when the selection's traffic leaves through
//! an egress gateway (the selected ServiceEntry's host is carried by a chain,
//! or the selection is a piece of one), it says so and names every piece of the
//! chain as a line that selects it when clicked.

use super::EgressStudio;
use crate::validate::Site;
use crate::validate::chain::ChainSummary;
use egui::Ui;
use std::sync::Arc;

impl EgressStudio {
    /// The workspace's chains, computed once per workspace change (in a large
    /// workspace, once the user pauses typing: finding them reads every object).
    fn chains(&mut self) -> Arc<Vec<ChainSummary>> {
        let version = self.session.version();
        let typing = self.typing_in_large_workspace();
        match &self.chain_cache {
            Some((v, chains)) if *v == version || typing => chains.clone(),
            _ => {
                let chains = Arc::new(crate::validate::chain::summaries(&self.session.workspace));
                self.chain_cache = Some((version, chains.clone()));
                chains
            }
        }
    }

    /// "Leaves via egress gateway …" with a line for each piece of the chain.
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
        // Every line truncates to the panel: a long name never makes the panel
        // wider than the window gives it.
        let missing = if chain.gateway_site.is_none() {
            " (not among the open files)"
        } else {
            ""
        };
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "Leaves via egress gateway {}{missing}",
                    chain.gateway
                ))
                .strong(),
            )
            .truncate(),
        );
        for (label, site) in &pieces {
            let text = egui::RichText::new(format!("    {label}"))
                .small()
                .color(ui.visuals().hyperlink_color);
            let link = egui::Label::new(text)
                .truncate()
                .sense(egui::Sense::click());
            let response = ui.add(link).on_hover_text(format!("Select {label}"));
            if response.hovered() {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            }
            if response.clicked() {
                clicked = Some(*site);
            }
        }
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
