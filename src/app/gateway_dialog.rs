//! The "New egress-gateway chain" dialog: one of the whole-chain recipes
//! (ServiceEntry, Gateway, the DestinationRules of both hops, VirtualService),
//! asking only for the external host, its port, the egress gateway's namespace
//! and its pod labels.

use super::{Dialog, EditorTab, EgressStudio};
use crate::gateway_recipes::{GatewayParams, GatewayRecipe};
use egui::Ui;

/// What the dialog holds while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainForm {
    pub recipe: GatewayRecipe,
    pub host: String,
    pub port: String,
    pub gateway_namespace: String,
    /// `key=value` labels, comma-separated.
    pub selector: String,
    pub note: Option<String>,
}

impl Default for ChainForm {
    fn default() -> Self {
        let recipe = GatewayRecipe::TlsOrigination;
        let p = GatewayParams::default();
        ChainForm {
            recipe,
            host: recipe.example_host().into(),
            port: recipe.default_port().to_string(),
            gateway_namespace: p.gateway_namespace,
            selector: p
                .selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            note: None,
        }
    }
}

impl ChainForm {
    /// The recipe's parameters, or what to correct.
    fn params(&self) -> Result<GatewayParams, String> {
        let port = self
            .port
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=65535).contains(p))
            .ok_or("Port must be a number 1–65535.")?;
        let mut selector = Vec::new();
        for pair in self.selector.split(',').filter(|s| !s.trim().is_empty()) {
            let (k, v) = pair.split_once('=').ok_or_else(|| {
                format!("Labels are key=value pairs; \"{}\" has no =.", pair.trim())
            })?;
            selector.push((k.trim().to_string(), v.trim().to_string()));
        }
        let namespace = self.gateway_namespace.trim();
        Ok(GatewayParams {
            host: self.host.trim().to_string(),
            port,
            gateway_namespace: if namespace.is_empty() {
                "istio-system".into()
            } else {
                namespace.to_string()
            },
            selector,
        })
    }
}

impl EgressStudio {
    pub fn gateway_chain_dialog(&self) -> Dialog {
        Dialog::GatewayChain(ChainForm::default())
    }

    /// Draws the dialog; false when it closes.
    pub(super) fn gateway_chain_ui(
        &mut self,
        ui: &mut Ui,
        form: &mut ChainForm,
        enter: bool,
        first: impl Fn(egui::Response),
    ) -> bool {
        ui.heading("New egress-gateway chain");
        ui.weak("A ServiceEntry, a Gateway, the DestinationRules of both hops and a VirtualService that agree with each other.");
        for r in GatewayRecipe::ALL {
            if ui.radio(form.recipe == r, r.label()).clicked() {
                form.recipe = r;
                form.host = r.example_host().to_string();
                form.port = r.default_port().to_string();
                form.note = None;
            }
        }
        ui.horizontal(|ui| {
            let l = ui.label("External host");
            first(
                ui.add(egui::TextEdit::singleline(&mut form.host).desired_width(240.0))
                    .labelled_by(l.id),
            );
            let l = ui.label("Port");
            ui.add(egui::TextEdit::singleline(&mut form.port).desired_width(60.0))
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label("Gateway namespace");
            ui.add(egui::TextEdit::singleline(&mut form.gateway_namespace).desired_width(160.0))
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label("Gateway pod labels");
            ui.add(egui::TextEdit::singleline(&mut form.selector).desired_width(240.0))
                .labelled_by(l.id)
                .on_hover_text("key=value pairs, comma-separated, e.g. istio=egressgateway");
        });
        if let Some(note) = &form.note {
            ui.colored_label(ui.visuals().error_fg_color, note);
        }
        let mut keep = true;
        ui.horizontal(|ui| {
            if ui.button("Create").clicked() || enter {
                match form.params().and_then(|p| form.recipe.build(&p)) {
                    Ok(resources) => {
                        let result = self.session.add_resources(&resources);
                        self.files_changed();
                        if result.is_ok() {
                            self.tab = EditorTab::Form;
                            keep = false;
                        }
                        self.report(result);
                    }
                    Err(e) => form.note = Some(capitalised(&e)),
                }
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        keep
    }
}

/// A message as a sentence.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => {
            let mut out: String = f.to_uppercase().collect();
            out.push_str(c.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}
