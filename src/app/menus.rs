//! The menu bar and the commands it (and the keyboard) runs.

use super::{Command, Dialog, EgressStudio, ThemeChoice};
use crate::model::Resource;
use crate::validate::{IstioVersion, Site};
use egui::Ui;

impl EgressStudio {
    pub fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(match self.settings.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
    }

    /// Runs a command (from a menu, a shortcut or a test).
    pub fn run_command(&mut self, cmd: Command) {
        match cmd {
            Command::New => {
                let i = self.new_file();
                self.session.selected = Some(Site {
                    file: i,
                    document: 0,
                    item: None,
                });
                self.dialog = Some(self.recipe_dialog());
            }
            Command::Open => {
                self.dialog = Some(Dialog::Open {
                    path: String::new(),
                    note: None,
                })
            }
            Command::OpenFolder => {
                self.dialog = Some(Dialog::OpenFolder {
                    path: String::new(),
                    note: None,
                })
            }
            Command::Save => {
                if let Some(i) = self.current_file() {
                    self.save_file_soon(i);
                }
            }
            Command::SaveAs => {
                if let Some(i) = self.current_file() {
                    let path = self.session.workspace.files[i].display_path();
                    self.dialog = Some(Dialog::SaveAs {
                        file: i,
                        path,
                        note: None,
                    });
                }
            }
            Command::SaveAll => {
                for i in 0..self.session.workspace.files.len() {
                    if self.session.file_states[i].is_dirty() {
                        self.save_file_soon(i);
                    }
                }
            }
            Command::Review => {
                if let Some(i) = self.current_file() {
                    let diff = self.session.changes_against_disk(i);
                    self.dialog = Some(Dialog::Review { file: i, diff });
                }
            }
            Command::Export => {
                self.dialog = Some(Dialog::Export {
                    path: self.default_export_path(),
                    split: false,
                    api_version: crate::model::ApiVersion::V1,
                    note: None,
                })
            }
            Command::CloseFile => {
                if let Some(i) = self.session.selected.map(|s| s.file) {
                    if self.session.file_states[i].is_dirty() {
                        self.dialog = Some(Dialog::Unsaved {
                            then: super::AfterUnsaved::CloseFile(i),
                        });
                    } else {
                        self.close_file(i);
                    }
                }
            }
            Command::Quit => self.request_quit(),
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            Command::Filter => self.focus_filter = true,
            Command::NewFromRecipe => self.dialog = Some(self.recipe_dialog()),
            Command::NewGatewayChain => self.dialog = Some(self.gateway_chain_dialog()),
            Command::NewServiceEntry => self.new_service_entry(),
            Command::NewDestinationRule => self.new_destination_rule(),
            Command::AddDestinationRule => self.add_destination_rule_for_selected(),
            Command::Duplicate => self.duplicate_selected(),
            Command::Delete => self.delete_selected(),
            Command::ThemeSystem | Command::ThemeLight | Command::ThemeDark => {
                self.settings.theme = match cmd {
                    Command::ThemeLight => ThemeChoice::Light,
                    Command::ThemeDark => ThemeChoice::Dark,
                    _ => ThemeChoice::System,
                };
                if let Some(ctx) = &self.ctx {
                    self.apply_theme(ctx);
                }
                self.persist_settings();
            }
            Command::About => self.dialog = Some(Dialog::About),
        }
    }

    /// Asks before quitting with unsaved changes.
    pub fn request_quit(&mut self) {
        if !self.saving.is_empty() {
            self.quit_when_saved = true;
            self.notice(false, "quitting once the file being saved is written");
            return;
        }
        if self.any_dirty() && !self.quit_confirmed {
            self.dialog = Some(Dialog::Unsaved {
                then: super::AfterUnsaved::Quit,
            });
        } else {
            self.quit_confirmed = true;
            self.close_requested = true;
        }
    }

    /// The whole window, one frame.
    pub(super) fn menu_bar(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            let mut chosen = None;
            let entry = |ui: &mut Ui, cmd: Command, enabled: bool, chosen: &mut Option<Command>| {
                let mut b = egui::Button::new(cmd.label());
                if let Some(sc) = cmd.shortcut() {
                    b = b.shortcut_text(ui.ctx().format_shortcut(&sc));
                }
                if ui.add_enabled(enabled, b).clicked() {
                    *chosen = Some(cmd);
                }
            };
            ui.menu_button("File", |ui| {
                for cmd in Command::FILE_MENU {
                    if *cmd == Command::Export {
                        ui.menu_button("Open Recent", |ui| {
                            if self.settings.recent.is_empty() {
                                ui.label("(none yet)");
                            }
                            for p in self.settings.recent.clone() {
                                if ui.button(p.display().to_string()).clicked() {
                                    self.open_paths(&[p]);
                                }
                            }
                        });
                    }
                    let enabled = match cmd {
                        Command::Save | Command::SaveAs | Command::Export | Command::CloseFile => {
                            !self.session.workspace.files.is_empty()
                        }
                        Command::SaveAll => self.any_dirty(),
                        _ => true,
                    };
                    entry(ui, *cmd, enabled, &mut chosen);
                }
            });
            ui.menu_button("Edit", |ui| {
                for cmd in Command::EDIT_MENU {
                    let enabled = match cmd {
                        Command::Undo => self.can_undo(),
                        Command::Redo => self.can_redo(),
                        Command::Duplicate | Command::Delete => {
                            self.selected_resource().is_some_and(Resource::is_istio)
                        }
                        Command::AddDestinationRule => {
                            matches!(self.selected_resource(), Some(Resource::ServiceEntry(_)))
                        }
                        _ => true,
                    };
                    entry(ui, *cmd, enabled, &mut chosen);
                }
            });
            ui.menu_button("View", |ui| {
                ui.label("Theme:");
                for cmd in Command::VIEW_MENU {
                    let current = match cmd {
                        Command::ThemeLight => ThemeChoice::Light,
                        Command::ThemeDark => ThemeChoice::Dark,
                        _ => ThemeChoice::System,
                    } == self.settings.theme;
                    if ui.radio(current, cmd.label()).clicked() {
                        chosen = Some(*cmd);
                    }
                }
                ui.separator();
                ui.label("Judge as Istio release:");
                for minor in (IstioVersion::OLDEST.minor..=IstioVersion::MASTER.minor).rev() {
                    let v = IstioVersion::new(1, minor);
                    let label = if v == IstioVersion::MASTER {
                        format!("{v} (master)")
                    } else {
                        v.to_string()
                    };
                    if ui.radio(self.session.options.istio_version == v, label).clicked() {
                        self.set_istio_version(v);
                    }
                }
                ui.separator();
                let label = ui.label("Mesh config file")
                    .on_hover_text("MeshConfig YAML used by the analyzers (IST0134) and for the egress mode; remembered for this set of files. Empty: an istio ConfigMap among the files, else Istio's defaults.");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.mesh_path_input)
                            .hint_text("path/to/mesh.yaml")
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                    if ui.button("Use").clicked() {
                        let path = self.mesh_path_input.clone();
                        self.set_mesh_config(&path);
                    }
                });
                ui.label(match &self.session.mesh.origin {
                    Some(o) => format!("now: {o}"),
                    None => "now: Istio's defaults".to_string(),
                });
            });
            ui.menu_button("Help", |ui| entry(ui, Command::About, true, &mut chosen));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.toggle_value(&mut self.show_route, "Route")
                    .on_hover_text("Show or hide the traffic route panel (it folds away by itself when the window is too narrow for it beside the editor)");
                ui.toggle_value(&mut self.show_resources, "Resources")
                    .on_hover_text("Show or hide the resource list");
            });
            if let Some(cmd) = chosen {
                self.run_command(cmd);
            }
        });
    }
}
