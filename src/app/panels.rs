//! The window's layout: menu bar, resource list, editor (Form | YAML), route
//! panel and diagnostics panel.

use super::widgets::{Form, severity_color, severity_icon};
use super::{Command, Dialog, EditorTab, EgressStudio, forms, list_filter, yaml_view};
use crate::model::Resource;
use crate::validate::{Severity, Site};
use egui::{RichText, Ui};

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
        // Shortcuts, before widgets see the keys.
        for cmd in Command::WITH_SHORTCUTS {
            let pressed = [cmd.shortcut(), cmd.alternate_shortcut()]
                .into_iter()
                .flatten()
                .any(|sc| ctx.input_mut(|i| i.consume_shortcut(&sc)));
            if pressed {
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
            // While filtering, a file shows only if one of its resources matches.
            let shown = needle.is_empty()
                || file
                    .documents
                    .iter()
                    .flat_map(|d| d.items.iter())
                    .any(|item| list_filter::matches(item, &needle));
            if !shown {
                continue;
            }
            rows.push(ListRow::File { file: fi });
            if self.collapsed_files.contains(&fi) {
                continue;
            }
            for (di, doc) in file.documents.iter().enumerate() {
                if doc.error.is_some() {
                    if !needle.is_empty() {
                        continue;
                    }
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
                    if !needle.is_empty() && !list_filter::matches(item, &needle) {
                        continue;
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
                        "✖ document {} (line {}): {}",
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
                    None if item.is_istio() => "✔",
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
            self.new_resource_menu(ui);
            let l = ui.label("Filter");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("name, host, kind, namespace")
                        .desired_width(ui.available_width().min(170.0)),
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
        let has_form = site.item.and_then(|i| doc.items.get(i)).is_some_and(|it| {
            matches!(
                it.resource,
                Ok(Resource::ServiceEntry(_)) | Ok(Resource::DestinationRule(_))
            )
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

/// The editor (central panel) keeps at least this width: a form row with its
/// label and field stays readable.
const MIN_EDITOR_WIDTH: f32 = 340.0;
/// Below this the route panel folds away rather than show a sliver.
const MIN_ROUTE_WIDTH: f32 = 200.0;
/// The editor keeps at least this height beside the bottom panel.
const MIN_EDITOR_HEIGHT: f32 = 220.0;

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
pub(super) fn kind_short(kind: &str) -> &str {
    match kind {
        "ServiceEntry" => "SE",
        "DestinationRule" => "DR",
        other => other,
    }
}
