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
                self.session.selected = Some(Site {
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
                        self.save_file(i);
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
                    path: "export.yaml".into(),
                    split: false,
                    api_version: crate::model::ApiVersion::V1,
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
            .unwrap_or_else(|| (ui.available_height() * 0.4).max(160.0));
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
        // Side panels take a share of the window, so the form keeps room on a
        // small screen (900 px wide: 200 + 360, leaving the form 340).
        let width = ui.available_width();
        egui::Panel::left("resources")
            .resizable(true)
            .default_size((width * 0.22).clamp(170.0, 270.0))
            .show(ui, |ui| self.resource_list(ui));
        egui::Panel::right("route")
            .resizable(true)
            .default_size((width * 0.4).clamp(260.0, 520.0))
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
            if let Some(cmd) = chosen {
                self.run_command(cmd);
            }
        });
    }

    /// The rows of the resource list, rebuilt only when the session's version, the
    /// filter or the collapsed groups change. Rows hold no text: the few visible
    /// ones are labelled when drawn, so a rebuild costs little at 10,000 resources.
    fn list_rows(&mut self) -> std::rc::Rc<Vec<ListRow>> {
        if let Some((g, f, c, rows)) = &self.list_cache
            && *g == self.session.version()
            && *f == self.filter
            && *c == self.collapsed_files
        {
            return rows.clone();
        }
        let worst = self.worst_by_site();
        let needle = self.filter.to_lowercase();
        let mut rows = Vec::new();
        for (fi, file) in self.session.workspace.files.iter().enumerate() {
            rows.push(ListRow::File { file: fi });
            if self.collapsed_files.contains(&fi) {
                continue;
            }
            for (di, doc) in file.documents.iter().enumerate() {
                if doc.error.is_some() {
                    rows.push(ListRow::Item {
                        site: Site {
                            file: fi,
                            document: di,
                            item: None,
                        },
                        severity: Some(Severity::Error),
                        other: false,
                    });
                    continue;
                }
                for (ii, item) in doc.items.iter().enumerate() {
                    let site = Site {
                        file: fi,
                        document: di,
                        item: Some(ii),
                    };
                    if !needle.is_empty() {
                        let ns = item.namespace.as_deref().unwrap_or("default");
                        let hay = format!(
                            "{} {} {} {}",
                            item.kind,
                            kind_short(&item.kind),
                            item.name,
                            ns
                        )
                        .to_lowercase();
                        if !hay.contains(&needle) {
                            continue;
                        }
                    }
                    rows.push(ListRow::Item {
                        site,
                        severity: worst.get(&site).copied().filter(|s| *s > Severity::Info),
                        other: !item.is_istio(),
                    });
                }
            }
        }
        let rows = std::rc::Rc::new(rows);
        self.list_cache = Some((
            self.session.version(),
            self.filter.clone(),
            self.collapsed_files.clone(),
            rows.clone(),
        ));
        rows
    }

    /// A row's label and hover text, made when the row is visible.
    fn row_text(&self, row: &ListRow) -> (String, String) {
        let ws = &self.session.workspace;
        match row {
            ListRow::File { file } => {
                let Some(f) = ws.files.get(*file) else {
                    return (String::new(), String::new());
                };
                let dirty = if self.session.file_states[*file].is_dirty() {
                    " •"
                } else {
                    ""
                };
                let name = f
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| f.display_path());
                let sign = if self.collapsed_files.contains(file) {
                    "+"
                } else {
                    "-"
                };
                (format!("{sign} {name}{dirty}"), "Collapse or expand".into())
            }
            ListRow::Item { site, severity, .. } => {
                let Some(doc) = ws
                    .files
                    .get(site.file)
                    .and_then(|f| f.documents.get(site.document))
                else {
                    return (String::new(), String::new());
                };
                if let Some(err) = &doc.error {
                    let text = format!(
                        "E document {} (line {}): {}",
                        doc.ordinal + 1,
                        err.pos.line,
                        err.message
                    );
                    return (text, err.message.clone());
                }
                let Some(item) = site.item.and_then(|i| doc.items.get(i)) else {
                    return (String::new(), String::new());
                };
                let ns = item.namespace.as_deref().unwrap_or("default");
                let badge = match severity {
                    Some(s) => severity_icon(*s),
                    None if item.is_istio() => "ok",
                    None => "·",
                };
                (
                    format!("{badge} {} {} ({ns})", kind_short(&item.kind), item.name),
                    format!("{} {}/{} — line {}", item.kind, ns, item.name, doc.line),
                )
            }
        }
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
        for path in &self.opening {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("opening {}…", path.display()));
            });
        }
        if self.session.workspace.files.is_empty() && self.opening.is_empty() {
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
                    let (text, hover) = self.row_text(row);
                    match row {
                        ListRow::File { file } => {
                            if ui
                                .selectable_label(false, RichText::new(text).strong())
                                .on_hover_text(hover)
                                .clicked()
                            {
                                toggle = Some(*file);
                            }
                        }
                        ListRow::Item {
                            site,
                            severity,
                            other,
                        } => {
                            let mut rich = RichText::new(format!("   {text}"));
                            if let Some(s) = severity {
                                rich = rich.color(severity_color(ui, *s));
                            } else if *other {
                                rich = rich.weak();
                            }
                            if ui
                                .selectable_label(self.session.selected == Some(*site), rich)
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
            self.session.selected = Some(site);
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
    },
    Item {
        site: Site,
        severity: Option<Severity>,
        other: bool,
    },
}

/// `SE`, `DR`, or the kind as written.
fn kind_short(kind: &str) -> &str {
    match kind {
        "ServiceEntry" => "SE",
        "DestinationRule" => "DR",
        other => other,
    }
}
