//! The window's layout: menu bar, resource list, editor (Form | YAML), route
//! panel and diagnostics panel.

use super::chain_forms;
use super::widgets::Form;
use super::{Command, Dialog, EditorTab, EgressStudio, forms, yaml_view};
use crate::model::Resource;

use egui::Ui;

impl EgressStudio {
    pub fn ui_root(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.ctx = Some(ctx.clone());
        self.drain_background();
        self.drain_probe_events();
        // Dropped files open.
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.open_paths(&dropped);
        }
        // Shortcuts, before widgets see the keys; none while a dialog is open
        // (its fields take the keys, and a Save As behind it would surprise).
        let shortcuts = if self.dialog.is_none() {
            Command::WITH_SHORTCUTS
        } else {
            &[]
        };
        for cmd in shortcuts {
            let pressed = [cmd.shortcut(), cmd.alternate_shortcut()]
                .into_iter()
                .flatten()
                .any(|sc| ctx.input_mut(|i| i.consume_shortcut(&sc)));
            if pressed {
                self.run_command(*cmd);
            }
        }
        // The window's close button. A save still being written would be lost.
        if ctx.input(|i| i.viewport().close_requested()) && !self.saving.is_empty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.notice(
                false,
                "a file is still being saved: close the window when it is written",
            );
        } else if ctx.input(|i| i.viewport().close_requested())
            && self.any_dirty()
            && !self.quit_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved {
                then: super::AfterUnsaved::Quit,
            });
        }
        // Focus changes close the open undo step.
        let focus = ctx.memory(|m| m.focused());
        if focus != self.last_focus {
            self.last_focus = focus;
            self.focus_epoch += 1;
        }
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }

        let menu = egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        // Tall enough to read a whole probe report; the height the user sets is
        // kept, but never so tall that the editor keeps fewer than a few rows.
        let max_bottom = (ui.available_height() - MIN_EDITOR_HEIGHT).max(120.0);
        let default_height = self
            .settings
            .bottom_panel_height
            .unwrap_or_else(|| {
                // On a short window the editor needs the height more.
                let h = ui.available_height();
                (h * if h < 700.0 { 0.3 } else { 0.4 }).max(140.0)
            })
            .min(max_bottom);
        let bottom = egui::Panel::bottom("diagnostics")
            .resizable(true)
            .default_size(default_height)
            .max_size(max_bottom)
            .show(ui, |ui| self.bottom_panel(ui));
        let height = bottom.response.rect.height().round();
        let resized = ui.input(|i| i.pointer.any_released())
            && (height - default_height.round()).abs() >= 1.0
            && height < max_bottom.round();
        if resized {
            self.settings.bottom_panel_height = Some(height);
            self.persist_settings();
        }
        // Side panels take a share of the window and never leave the editor
        // under MIN_EDITOR_WIDTH: at 900 px, 198 + 360 leave it 342. When the
        // route panel cannot fit beside a usable editor it folds away; the
        // toggles in the menu bar hide either side panel by hand.
        let width = ui.available_width();
        let mut show_resources = self.show_resources;
        let left = egui::Panel::left("resources")
            .resizable(true)
            .default_size((width * 0.22).clamp(170.0, 270.0))
            .size_range(140.0..=(width * 0.3).max(170.0))
            .show_collapsible(ui, &mut show_resources, |ui| self.resource_list(ui));
        self.show_resources = show_resources;
        let left_width = left.as_ref().map_or(0.0, |r| r.response.rect.width());
        let room = width - left_width - MIN_EDITOR_WIDTH;
        let fits = room >= MIN_ROUTE_WIDTH;
        let mut show_route = self.show_route && fits;
        let right = egui::Panel::right("route")
            .resizable(true)
            .default_size((width * 0.4).clamp(260.0, 520.0).min(room))
            .size_range(MIN_ROUTE_WIDTH..=room.max(MIN_ROUTE_WIDTH))
            .show_collapsible(ui, &mut show_route, |ui| self.route_panel(ui));
        if fits {
            // The user may have dragged it shut.
            self.show_route = show_route;
        }
        let editor_rect = ui.available_rect_before_wrap();
        let editor = egui::CentralPanel::default().show(ui, |ui| self.editor(ui));
        self.panels = super::PanelRects {
            menu: menu.response.rect,
            resources: left.map(|r| r.response.rect),
            route: right.map(|r| r.response.rect),
            bottom: bottom.response.rect,
            editor: editor_rect,
            editor_content: editor.response.rect,
        };
        self.dialogs(&ctx);
        self.toasts(&ctx);
    }

    fn bottom_panel(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.bottom_tab,
                super::BottomTab::Diagnostics,
                "Diagnostics",
            );
            let probe_label = if self.probe.is_running() {
                "Probe (running)"
            } else {
                "Probe"
            };
            ui.selectable_value(&mut self.bottom_tab, super::BottomTab::Probe, probe_label);
            let messages = self.messages_tab_label();
            ui.selectable_value(&mut self.bottom_tab, super::BottomTab::Messages, messages);
        });
        match self.bottom_tab {
            super::BottomTab::Diagnostics => self.diagnostics_panel(ui),
            super::BottomTab::Probe => self.probe_panel(ui),
            super::BottomTab::Messages => self.messages_panel(ui),
        }
    }

    fn editor(&mut self, ui: &mut Ui) {
        let Some(site) = self
            .session
            .selected
            .filter(|s| self.session.site_exists(*s))
        else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    "Select a resource on the left, or create one with Edit › New from recipe.",
                )
            });
            return;
        };
        let doc = &self.session.workspace.files[site.file].documents[site.document];
        let has_form =
            site.item
                .and_then(|i| doc.items.get(i))
                .is_some_and(|it| match &it.resource {
                    Ok(Resource::ServiceEntry(_)) | Ok(Resource::DestinationRule(_)) => true,
                    Ok(Resource::Other(o)) => crate::model::ChainKind::of(o).is_some(),
                    Err(_) => false,
                });
        // Wraps rather than push its buttons out of a narrow editor.
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.tab, EditorTab::Form, "Form");
            ui.selectable_value(&mut self.tab, EditorTab::Yaml, "YAML");
            let mut probe = false;
            let mut add_rule = false;
            if let Some(r) = self.selected_resource() {
                ui.separator();
                ui.strong(format!(
                    "{} {}/{}",
                    r.kind(),
                    r.namespace().unwrap_or("default"),
                    r.name()
                ));
                if matches!(r, Resource::ServiceEntry(_)) {
                    probe = ui
                        .button("Probe")
                        .on_hover_text("Resolve and handshake with each host and port from this machine, with the DestinationRule's TLS settings")
                        .clicked();
                    add_rule = ui
                        .button(Command::AddDestinationRule.label())
                        .on_hover_text("A DestinationRule for this entry's host, in its namespace, with TLS set for each port")
                        .clicked();
                }
            }
            if add_rule {
                self.add_destination_rule_for_selected();
            }
            if probe {
                let targets = self.selected_targets();
                self.start_probe(targets);
            }
        });
        ui.separator();
        if self.session.selected != Some(site) {
            // A button above made and selected a new resource: draw it next frame.
            ui.ctx().request_repaint();
            return;
        }
        if self.tab == EditorTab::Yaml || !has_form {
            yaml_view::yaml_ui(self, ui, site);
            return;
        }
        let Some(mut draft) = self.selected_resource().cloned() else {
            return;
        };
        let diags = self.diagnostics_of(site);
        let version = self.session.options.istio_version;
        let mut scroll_to = self.scroll_to.take();
        egui::ScrollArea::vertical()
            .id_salt(("form", site.file, site.document, site.item))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut form = Form {
                    diags: &diags,
                    scroll_to: &mut scroll_to,
                    version,
                };
                // Findings about the whole resource, on a line that is always there.
                form.resource_line(ui);
                match &mut draft {
                    Resource::ServiceEntry(se) => forms::service_entry(&mut form, ui, se),
                    Resource::DestinationRule(dr) => forms::destination_rule(&mut form, ui, dr),
                    Resource::Other(o) => {
                        if let Some(edited) = chain_forms::chain_resource(&mut form, ui, o) {
                            *o = edited;
                        }
                    }
                }
            });
        // A target not reached this frame (e.g. its section just opened) is kept for the next.
        self.scroll_to = scroll_to;
        if self.selected_resource() != Some(&draft) {
            let focused = ui.ctx().memory(|m| m.focused());
            self.apply_edit(site, draft, focused);
            ui.ctx().request_repaint();
        }
    }
}

/// The editor (central panel) keeps at least this width: a form row with its
/// label and field stays readable.
const MIN_EDITOR_WIDTH: f32 = 340.0;
/// Below this the route panel folds away rather than show a sliver.
const MIN_ROUTE_WIDTH: f32 = 200.0;
/// The editor keeps at least this height beside the bottom panel.
const MIN_EDITOR_HEIGHT: f32 = 220.0;
