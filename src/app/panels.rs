//! The window's layout: menu bar, resource list, editor (Form | YAML), route
//! panel and diagnostics panel.

use super::widgets::{Form, severity_color, severity_icon};
use super::{Command, Dialog, EditorTab, EgressStudio, ThemeChoice, forms, yaml_view};
use crate::model::Resource;
use crate::validate::{IstioVersion, Severity, Site};
use egui::{RichText, Ui};

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
                self.selected = Some(Site {
                    file: i,
                    document: 0,
                    item: None,
                });
                self.dialog = Some(Dialog::Recipe {
                    recipe: crate::recipes::Recipe::HttpsPassthrough,
                    host: "api.example.com".into(),
                    port: "443".into(),
                    namespace: "default".into(),
                });
            }
            Command::Open => {
                self.dialog = Some(Dialog::Open {
                    path: String::new(),
                    note: None,
                })
            }
            Command::Save => {
                if let Some(i) = self.current_file() {
                    self.save_file(i);
                }
            }
            Command::SaveAs => {
                if let Some(i) = self.current_file() {
                    let path = self.workspace.files[i].display_path();
                    self.dialog = Some(Dialog::SaveAs {
                        file: i,
                        path,
                        note: None,
                    });
                }
            }
            Command::SaveAll => {
                for i in 0..self.workspace.files.len() {
                    if self.file_states[i].is_dirty() {
                        self.save_file(i);
                    }
                }
            }
            Command::Review => {
                if let Some(i) = self.current_file() {
                    self.dialog = Some(Dialog::Review { file: i });
                }
            }
            Command::Export => {
                self.dialog = Some(Dialog::Export {
                    path: "export.yaml".into(),
                    split: false,
                    api_version: crate::model::ApiVersion::V1,
                })
            }
            Command::CloseFile => {
                if let Some(i) = self.selected.map(|s| s.file) {
                    if self.file_states[i].is_dirty() {
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
            Command::NewFromRecipe => {
                self.dialog = Some(Dialog::Recipe {
                    recipe: crate::recipes::Recipe::HttpsPassthrough,
                    host: "api.example.com".into(),
                    port: "443".into(),
                    namespace: "default".into(),
                })
            }
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
        // Shortcuts, before widgets see the keys.
        for cmd in Command::WITH_SHORTCUTS {
            if let Some(sc) = cmd.shortcut()
                && ctx.input_mut(|i| i.consume_shortcut(&sc))
            {
                self.run_command(*cmd);
            }
        }
        // The window's close button.
        if ctx.input(|i| i.viewport().close_requested()) && self.any_dirty() && !self.quit_confirmed
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

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        // Tall enough to read a whole probe report; the height the user sets is kept.
        let default_height = self
            .settings
            .bottom_panel_height
            .unwrap_or_else(|| (ui.available_height() * 0.4).max(260.0));
        let bottom = egui::Panel::bottom("diagnostics")
            .resizable(true)
            .default_size(default_height)
            .show(ui, |ui| self.bottom_panel(ui));
        let height = bottom.response.rect.height().round();
        let resized = ui.input(|i| i.pointer.any_released())
            && (height - default_height.round()).abs() >= 1.0;
        if resized {
            self.settings.bottom_panel_height = Some(height);
            self.persist_settings();
        }
        egui::Panel::left("resources")
            .resizable(true)
            .default_size(270.0)
            .show(ui, |ui| self.resource_list(ui));
        egui::Panel::right("route")
            .resizable(true)
            .default_size(520.0)
            .show(ui, |ui| self.route_panel(ui));
        egui::CentralPanel::default().show(ui, |ui| self.editor(ui));
        self.dialogs(&ctx);
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
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
                            !self.workspace.files.is_empty()
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
                        _ => true,
                    };
                    entry(ui, *cmd, enabled, &mut chosen);
                }
            });
            ui.menu_button("View", |ui| {
                for cmd in Command::VIEW_MENU {
                    entry(ui, *cmd, true, &mut chosen);
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
                    if ui.radio(self.options.istio_version == v, label).clicked() {
                        self.set_istio_version(v);
                    }
                }
            });
            ui.menu_button("Help", |ui| entry(ui, Command::About, true, &mut chosen));
            if let Some(cmd) = chosen {
                self.run_command(cmd);
            }
        });
    }

    /// The rows of the resource list, rebuilt only when the workspace, the filter
    /// or the collapsed groups change.
    fn list_rows(&mut self) -> Vec<ListRow> {
        if let Some((g, f, c, rows)) = &self.list_cache
            && *g == self.generation
            && *f == self.filter
            && *c == self.collapsed_files
        {
            return rows.clone();
        }
        let worst = self.worst_by_site();
        let needle = self.filter.to_lowercase();
        let mut rows = Vec::new();
        for (fi, file) in self.workspace.files.iter().enumerate() {
            let dirty = if self.file_states[fi].is_dirty() {
                " •"
            } else {
                ""
            };
            let name = file
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display_path());
            let collapsed = self.collapsed_files.contains(&fi);
            rows.push(ListRow::File {
                file: fi,
                text: format!("{} {name}{dirty}", if collapsed { "+" } else { "-" }),
            });
            if collapsed {
                continue;
            }
            for (di, doc) in file.documents.iter().enumerate() {
                if let Some(err) = &doc.error {
                    let site = Site {
                        file: fi,
                        document: di,
                        item: None,
                    };
                    let text = format!(
                        "E document {} (line {}): {}",
                        doc.ordinal + 1,
                        err.pos.line,
                        err.message
                    );
                    rows.push(ListRow::Item {
                        site,
                        text,
                        severity: Some(Severity::Error),
                        other: false,
                        hover: err.message.clone(),
                    });
                    continue;
                }
                for (ii, item) in doc.items.iter().enumerate() {
                    let site = Site {
                        file: fi,
                        document: di,
                        item: Some(ii),
                    };
                    let kind_short = match item.kind.as_str() {
                        "ServiceEntry" => "SE",
                        "DestinationRule" => "DR",
                        other => other,
                    };
                    let ns = item.namespace.as_deref().unwrap_or("default");
                    let hay =
                        format!("{} {} {} {}", item.kind, kind_short, item.name, ns).to_lowercase();
                    if !needle.is_empty() && !hay.contains(&needle) {
                        continue;
                    }
                    let severity = worst.get(&site).copied().filter(|s| *s > Severity::Info);
                    let badge = match severity {
                        Some(s) => severity_icon(s),
                        None if item.is_istio() => "ok",
                        None => "·",
                    };
                    rows.push(ListRow::Item {
                        site,
                        text: format!("{badge} {kind_short} {} ({ns})", item.name),
                        severity,
                        other: !item.is_istio(),
                        hover: format!("{} {}/{} — line {}", item.kind, ns, item.name, doc.line),
                    });
                }
            }
        }
        self.list_cache = Some((
            self.generation,
            self.filter.clone(),
            self.collapsed_files.clone(),
            rows.clone(),
        ));
        rows
    }

    fn resource_list(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("Filter");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("name, kind, namespace")
                        .desired_width(170.0),
                )
                .labelled_by(l.id);
            if self.focus_filter {
                r.request_focus();
                self.focus_filter = false;
            }
        });
        ui.separator();
        if self.workspace.files.is_empty() {
            ui.label("No files open. File › Open, drop files here, or Edit › New from recipe.");
            return;
        }
        let rows = self.list_rows();
        let mut clicked = None;
        let mut toggle = None;
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical()
            .id_salt("resource-list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                // One line per row: show_rows relies on equal heights; hover shows all.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                for row in &rows[range] {
                    match row {
                        ListRow::File { file, text } => {
                            if ui
                                .selectable_label(false, RichText::new(text).strong())
                                .on_hover_text("Collapse or expand")
                                .clicked()
                            {
                                toggle = Some(*file);
                            }
                        }
                        ListRow::Item {
                            site,
                            text,
                            severity,
                            other,
                            hover,
                        } => {
                            let mut rich = RichText::new(format!("   {text}"));
                            if let Some(s) = severity {
                                rich = rich.color(severity_color(ui, *s));
                            } else if *other {
                                rich = rich.weak();
                            }
                            if ui
                                .selectable_label(self.selected == Some(*site), rich)
                                .on_hover_text(hover)
                                .clicked()
                            {
                                clicked = Some(*site);
                            }
                        }
                    }
                }
            });
        if let Some(site) = clicked {
            self.selected = Some(site);
        }
        if let Some(f) = toggle
            && !self.collapsed_files.remove(&f)
        {
            self.collapsed_files.insert(f);
        }
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
        });
        match self.bottom_tab {
            super::BottomTab::Diagnostics => self.diagnostics_panel(ui),
            super::BottomTab::Probe => self.probe_panel(ui),
        }
    }

    fn diagnostics_panel(&mut self, ui: &mut Ui) {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.diagnostic.severity == Severity::Error)
            .count();
        let warnings = self
            .diagnostics
            .iter()
            .filter(|d| d.diagnostic.severity == Severity::Warning)
            .count();
        ui.horizontal(|ui| {
            ui.label(format!(
                "{errors} errors, {warnings} warnings — judged as Istio {}",
                self.options.istio_version
            ));
            for n in self.notices.iter() {
                let color = if n.error {
                    severity_color(ui, Severity::Error)
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(&n.text).color(color));
            }
            if !self.notices.is_empty() && ui.small_button("clear messages").clicked() {
                self.notices.clear();
            }
        });
        let mut jump = None;
        egui::ScrollArea::vertical()
            .id_salt("diag-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for d in &self.diagnostics {
                    let file = self
                        .workspace
                        .files
                        .get(d.at.file)
                        .map(|f| f.display_path())
                        .unwrap_or_default();
                    let text = format!(
                        "{} {}:{}  {}  {}  {}: {}",
                        severity_icon(d.diagnostic.severity),
                        file,
                        d.line,
                        d.diagnostic.resource,
                        d.diagnostic.code,
                        d.diagnostic.path,
                        d.diagnostic.message
                    );
                    let rich =
                        RichText::new(&text).color(severity_color(ui, d.diagnostic.severity));
                    let label = egui::Label::new(rich)
                        .truncate()
                        .sense(egui::Sense::click());
                    if ui.add(label).on_hover_text(&text).clicked() {
                        jump = Some((d.at, d.diagnostic.path.clone()));
                    }
                }
            });
        if let Some((site, path)) = jump {
            self.selected = Some(site);
            if site.item.is_some() {
                self.tab = EditorTab::Form;
                self.scroll_to = Some(path);
            } else {
                self.tab = EditorTab::Yaml;
            }
        }
    }

    fn editor(&mut self, ui: &mut Ui) {
        let Some(site) = self.selected.filter(|s| self.site_exists(*s)) else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    "Select a resource on the left, or create one with Edit › New from recipe.",
                )
            });
            return;
        };
        let doc = &self.workspace.files[site.file].documents[site.document];
        let has_form = site.item.and_then(|i| doc.items.get(i)).is_some_and(|it| {
            matches!(
                it.resource,
                Ok(Resource::ServiceEntry(_)) | Ok(Resource::DestinationRule(_))
            )
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, EditorTab::Form, "Form");
            ui.selectable_value(&mut self.tab, EditorTab::Yaml, "YAML");
            let mut probe = false;
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
                }
            }
            if probe {
                let targets = self.selected_targets();
                self.start_probe(targets);
            }
        });
        ui.separator();
        if self.tab == EditorTab::Yaml || !has_form {
            yaml_view::yaml_ui(self, ui, site);
            return;
        }
        let Some(mut draft) = self.selected_resource().cloned() else {
            return;
        };
        let diags = self.diagnostics_of(site);
        let version = self.options.istio_version;
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
                // Diagnostics about the whole resource.
                form.diagnostics(ui, "");
                match &mut draft {
                    Resource::ServiceEntry(se) => forms::service_entry(&mut form, ui, se),
                    Resource::DestinationRule(dr) => forms::destination_rule(&mut form, ui, dr),
                    Resource::Other(_) => {}
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

/// One row of the resource list.
#[derive(Debug, Clone, PartialEq)]
pub enum ListRow {
    File {
        file: usize,
        text: String,
    },
    Item {
        site: Site,
        text: String,
        severity: Option<Severity>,
        other: bool,
        hover: String,
    },
}
