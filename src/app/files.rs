//! File commands and their dialogs. Native dialogs (rfd) run on their own
//! thread; a typed path always works, also where no desktop portal runs.
//!
//! Every dialog behaves the same way: Enter does its main action, Escape
//! cancels, its first field has the focus when it opens, a click outside it
//! changes nothing (typed input is never lost), and a failure is shown inside
//! it rather than closing it.

use super::{AfterUnsaved, Background, Dialog, EgressStudio, PickPurpose};
use crate::model::ApiVersion;
use crate::recipes::Recipe;
use crate::yaml;
use egui::Key;
use std::path::PathBuf;

impl EgressStudio {
    /// Saves one file (Save As for an untitled one).
    pub fn save_file(&mut self, i: usize) -> bool {
        if self.session.file_states[i].untitled {
            let path = self.session.workspace.files[i].display_path();
            self.dialog = Some(Dialog::SaveAs {
                file: i,
                path,
                note: None,
            });
            return false;
        }
        let path = self.session.workspace.files[i].path.clone();
        self.save_file_as(i, path)
    }

    /// Saves one file to `path`, which becomes its path; failures are shown
    /// as notices. `-` is refused: it names standard input, not a file.
    pub fn save_file_as(&mut self, i: usize, path: PathBuf) -> bool {
        match self.try_save_as(i, path) {
            Ok(saved) => saved,
            Err(e) => {
                self.notice(true, e);
                false
            }
        }
    }

    /// Saves one file to `path`: `Ok(true)` when written, `Ok(false)` when the
    /// file changed on disk and a dialog now asks first, `Err` with what to change.
    pub fn try_save_as(&mut self, i: usize, path: PathBuf) -> Result<bool, String> {
        if path == std::path::Path::new("-") {
            return Err(
                "not saved: `-` means standard input, not a file: choose a file name".into(),
            );
        }
        // Never write silently over a file someone else changed since it was read.
        if self.session.workspace.files[i].path == path && self.session.changed_on_disk(i) {
            self.dialog = Some(Dialog::ChangedOnDisk {
                file: i,
                saving: true,
                diff: None,
            });
            return Ok(false);
        }
        let reemitted = self.session.workspace.files[i]
            .save_as(&path)
            .map_err(|e| format!("not saved: {e}"))?;
        self.session.mark_saved(i);
        self.files_changed();
        self.announce_saved(&path, &reemitted);
        // Undo steps keep their snapshots; the saved version marks what is on disk.
        Ok(true)
    }

    /// After a save to `path` (here or in the background): says so, names the
    /// documents that had to be rewritten whole, and files it under recent.
    pub(super) fn announce_saved(&mut self, path: &std::path::Path, reemitted: &[usize]) {
        if !reemitted.is_empty() {
            let docs: Vec<String> = reemitted.iter().map(|d| (d + 1).to_string()).collect();
            self.notice(false, format!("document {} of {} could not be patched in place and was rewritten whole (its comments and layout were not kept)", docs.join(", "), path.display()));
        }
        self.settings.add_recent(path);
        self.persist_settings();
        self.notice(false, format!("saved {}", path.display()));
    }

    pub fn close_file(&mut self, i: usize) {
        if let Some(real) = self
            .session
            .file_states
            .get(i)
            .and_then(|s| s.canonical.clone())
        {
            self.closed_files.insert(real);
        }
        self.session.close_file(i);
        self.files_changed();
    }

    /// What Export covers: every open file, by name.
    pub fn export_scope(&self) -> String {
        let names: Vec<String> = self
            .session
            .workspace
            .files
            .iter()
            .map(|f| f.display_path())
            .collect();
        match names.len() {
            0 => "No files are open: there is nothing to export.".to_string(),
            1 => format!("Exports the resources of {}.", names[0]),
            n => format!(
                "Exports the resources of all {n} open files: {}.",
                super::folders::name_list(&names, 4)
            ),
        }
    }

    /// Where Export writes unless told otherwise: `export.yaml` beside the first
    /// open file (the working directory only when no file has a folder).
    pub(super) fn default_export_path(&self) -> String {
        self.session
            .workspace
            .files
            .iter()
            .find_map(|f| f.path.parent().filter(|dir| !dir.as_os_str().is_empty()))
            .map(|dir| dir.join("export.yaml").display().to_string())
            .unwrap_or_else(|| "export.yaml".into())
    }

    /// Exports every file of the workspace; the error stays for the dialog to show.
    pub fn export(
        &mut self,
        path: &str,
        split: bool,
        api_version: ApiVersion,
    ) -> Result<(), String> {
        let mut objects = Vec::new();
        for f in &self.session.workspace.files {
            match yaml::export_objects(f, Some(api_version)) {
                Ok(o) => objects.extend(o),
                Err(e) => return Err(format!("export failed: {e}")),
            }
        }
        // Messages name the place in full: a relative path is relative to the
        // directory the app was started in, which the user may not know.
        let shown = std::path::absolute(path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.to_string());
        let result = if split {
            yaml::export_split(&objects, std::path::Path::new(path))
                .map(|p| format!("exported {} files to {shown}", p.len()))
        } else {
            yaml::atomic_write(
                std::path::Path::new(path),
                yaml::join_stream(&objects).as_bytes(),
            )
            .map(|_| format!("exported {} resources to {shown}", objects.len()))
        };
        match result {
            Ok(m) => {
                self.notice(false, m);
                Ok(())
            }
            Err(e) => Err(format!("export failed: {e}")),
        }
    }

    fn pick_in_background(&self, purpose: PickPurpose) {
        let tx = self.background.0.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            let dialog = rfd::FileDialog::new().add_filter("YAML", &["yaml", "yml"]);
            let paths: Vec<PathBuf> = match purpose {
                PickPurpose::Open => dialog.pick_files().unwrap_or_default(),
                PickPurpose::OpenFolder => {
                    rfd::FileDialog::new().pick_folder().into_iter().collect()
                }
                PickPurpose::SaveAs(_) | PickPurpose::Export => {
                    dialog.save_file().into_iter().collect()
                }
            };
            let _ = tx.send(Background::Picked {
                purpose,
                paths,
                elapsed_ms: start.elapsed().as_millis(),
            });
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        });
    }

    pub(super) fn drain_background(&mut self) {
        let mut look_at_disk = false;
        if let (Some(ctx), Some(w)) = (&self.ctx, &self.watcher) {
            w.set_context(ctx);
        }
        // Coming back to the window (from an editor or a terminal) looks at the disk.
        let focused = self
            .ctx
            .as_ref()
            .and_then(|c| c.input(|i| i.viewport().focused));
        if focused == Some(true) && self.window_focused == Some(false) {
            look_at_disk = true;
        }
        self.window_focused = focused;
        while let Ok(msg) = self.background.1.try_recv() {
            match msg {
                Background::Loaded {
                    shown,
                    folder,
                    files,
                } => self.opened(&shown, folder.as_deref(), files),
                Background::Rescanned { files } => self.rescanned(files),
                Background::Saved(done) => self.saved(done),
                Background::DiskChanged => {
                    if let Some(w) = &self.watcher {
                        w.rearm();
                    }
                    look_at_disk = true;
                }
                Background::Picked {
                    purpose,
                    paths,
                    elapsed_ms,
                } => {
                    if paths.is_empty() {
                        // rfd's portal answers at once when no portal service runs.
                        let note = if elapsed_ms < 200 {
                            Some(
                                "No system file dialog is available here: type the path."
                                    .to_string(),
                            )
                        } else {
                            None
                        };
                        match &mut self.dialog {
                            Some(Dialog::Open { note: n, .. })
                            | Some(Dialog::OpenFolder { note: n, .. })
                            | Some(Dialog::SaveAs { note: n, .. }) => *n = note,
                            _ => {}
                        }
                        continue;
                    }
                    match purpose {
                        PickPurpose::Open | PickPurpose::OpenFolder => {
                            self.dialog = None;
                            self.open_paths(&paths);
                        }
                        PickPurpose::SaveAs(i) => {
                            if let Some(Dialog::SaveAs { path, .. }) = &mut self.dialog {
                                *path = paths[0].display().to_string();
                            }
                            let _ = i;
                        }
                        PickPurpose::Export => {
                            if let Some(Dialog::Export { path, .. }) = &mut self.dialog {
                                *path = paths[0].display().to_string();
                            }
                        }
                    }
                }
            }
        }
        if look_at_disk {
            self.check_disk();
        }
        self.prompt_disk_conflict();
    }

    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.dialog.take() else {
            self.focused_dialog = None;
            return;
        };
        // Enter does the dialog's main action and Escape cancels; a click outside
        // does nothing, so typed input is never lost by a stray click.
        let (enter, escape) =
            ctx.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
        let kind = std::mem::discriminant(&dialog);
        // The first field takes the focus when the dialog opens, and again after
        // Enter (a single-line field gives it up on Enter): when the dialog stays
        // open with an error, typing goes on in the field.
        let focus_first = self.focused_dialog != Some(kind) || enter;
        let first = |r: egui::Response| {
            if focus_first {
                r.request_focus();
            }
        };
        let mut keep = true;
        egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
            ui.set_min_width(420.0);
            match &mut dialog {
                Dialog::GatewayChain(form) => keep = self.gateway_chain_ui(ui, form, enter, first),
                Dialog::Open { path, note } | Dialog::OpenFolder { path, note } => {
                    let folder = kind
                        == std::mem::discriminant(&Dialog::OpenFolder {
                            path: String::new(),
                            note: None,
                        });
                    ui.heading(if folder { "Open folder" } else { "Open files" });
                    ui.horizontal(|ui| {
                        let l = ui.label(if folder { "Folder" } else { "Path" });
                        first(
                            ui.add(egui::TextEdit::singleline(path).desired_width(300.0))
                                .labelled_by(l.id),
                        );
                        if ui.button("Browse…").clicked() {
                            self.pick_in_background(if folder {
                                PickPurpose::OpenFolder
                            } else {
                                PickPurpose::Open
                            });
                        }
                    });
                    ui.weak(if folder {
                        "Opens every *.yaml and *.yml file below it; hidden and vendored folders (.git, vendor, node_modules, third_party) are skipped."
                    } else {
                        "Several paths: separate them with commas. A folder opens every manifest below it."
                    });
                    if let Some(n) = note {
                        ui.colored_label(ui.visuals().warn_fg_color, n.as_str());
                    }
                    let mut open = enter;
                    ui.horizontal(|ui| {
                        open |= ui.button("Open").clicked();
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                    if open && keep {
                        match super::folders::open_targets(path, folder) {
                            Ok(paths) => {
                                self.open_paths(&paths);
                                keep = false;
                            }
                            Err(e) => *note = Some(e),
                        }
                    }
                }
                Dialog::SaveAs { file, path, note } => {
                    ui.heading("Save As");
                    ui.horizontal(|ui| {
                        let l = ui.label("Save to");
                        first(
                            ui.add(egui::TextEdit::singleline(path).desired_width(300.0))
                                .labelled_by(l.id),
                        );
                        if ui.button("Browse…").clicked() {
                            self.pick_in_background(PickPurpose::SaveAs(*file));
                        }
                    });
                    if let Some(n) = note {
                        ui.colored_label(ui.visuals().warn_fg_color, n.as_str());
                    }
                    let mut save = enter;
                    ui.horizontal(|ui| {
                        save |= ui.button("Save").clicked();
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                    if save && keep {
                        if path.trim().is_empty() {
                            *note = Some("Type the path of the file to write.".into());
                        } else {
                            match self.try_save_as(*file, PathBuf::from(path.trim())) {
                                Ok(true) => keep = false,
                                Ok(false) => {}
                                Err(e) => *note = Some(e),
                            }
                        }
                    }
                }
                Dialog::Export {
                    path,
                    split,
                    api_version,
                    note,
                } => {
                    ui.heading("Export");
                    ui.label(self.export_scope());
                    ui.horizontal(|ui| {
                        ui.radio_value(split, false, "one multi-document file");
                        ui.radio_value(split, true, "one file per resource (folder)");
                    });
                    ui.horizontal(|ui| {
                        ui.label("apiVersion");
                        for v in ApiVersion::ALL {
                            ui.radio_value(api_version, v, v.group_version());
                        }
                    });
                    ui.horizontal(|ui| {
                        let l = ui.label(if *split { "Folder" } else { "File" });
                        first(
                            ui.add(egui::TextEdit::singleline(path).desired_width(300.0))
                                .labelled_by(l.id),
                        );
                        if !*split && ui.button("Browse…").clicked() {
                            self.pick_in_background(PickPurpose::Export);
                        }
                    });
                    if let Some(n) = note {
                        ui.colored_label(ui.visuals().warn_fg_color, n.as_str());
                    }
                    let mut export = enter;
                    ui.horizontal(|ui| {
                        export |= ui.button("Export").clicked();
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                    if export && keep {
                        if path.trim().is_empty() {
                            *note = Some("Type where to write the export.".into());
                        } else {
                            let (p, s, v) = (path.trim().to_string(), *split, *api_version);
                            match self.export(&p, s, v) {
                                Ok(()) => keep = false,
                                Err(e) => *note = Some(e),
                            }
                        }
                    }
                }
                Dialog::Recipe {
                    recipe,
                    host,
                    port,
                    namespace,
                } => {
                    ui.heading("New from recipe");
                    for r in Recipe::ALL {
                        if ui.radio(*recipe == r, r.label()).clicked() {
                            *recipe = r;
                            *host = r.example_host().to_string();
                            *port = r.default_port().map(|p| p.to_string()).unwrap_or_default();
                        }
                        ui.indent(r.label(), |ui| ui.weak(r.description()));
                    }
                    ui.horizontal(|ui| {
                        let l = ui.label("Host");
                        first(
                            ui.add(egui::TextEdit::singleline(host).desired_width(260.0))
                                .labelled_by(l.id),
                        );
                    });
                    ui.horizontal(|ui| {
                        let l = ui.label("Port");
                        ui.add(egui::TextEdit::singleline(port).desired_width(80.0))
                            .labelled_by(l.id);
                        let l = ui.label("Namespace");
                        ui.add(egui::TextEdit::singleline(namespace).desired_width(120.0))
                            .labelled_by(l.id);
                    });
                    let port_ok = port
                        .trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|p| (1..=65535).contains(p));
                    if port_ok.is_none() {
                        ui.label("Port must be a number 1–65535.");
                    }
                    ui.horizontal(|ui| {
                        let create = ui
                            .add_enabled(
                                port_ok.is_some() && !host.trim().is_empty(),
                                egui::Button::new("Create"),
                            )
                            .clicked()
                            || (enter && !host.trim().is_empty());
                        if create && let Some(p) = port_ok {
                            let (r, h, n) = (
                                *recipe,
                                host.trim().to_string(),
                                namespace.trim().to_string(),
                            );
                            self.add_recipe(r, &h, p, if n.is_empty() { "default" } else { &n });
                            self.tab = super::EditorTab::Form;
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Unsaved { then } => {
                    ui.heading("Unsaved changes");
                    let dirty: Vec<String> = self
                        .session
                        .file_states
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.is_dirty())
                        .map(|(i, _)| self.session.workspace.files[i].display_path())
                        .collect();
                    ui.label(format!(
                        "These files have unsaved changes: {}",
                        dirty.join(", ")
                    ));
                    ui.horizontal(|ui| {
                        let then = *then;
                        if ui.button("Save").clicked() {
                            let targets: Vec<usize> = match then {
                                AfterUnsaved::Quit => (0..self.session.workspace.files.len())
                                    .filter(|i| self.session.file_states[*i].is_dirty())
                                    .collect(),
                                AfterUnsaved::CloseFile(i) => vec![i],
                            };
                            let all_saved = targets.into_iter().all(|i| self.save_file(i));
                            if all_saved {
                                self.finish_unsaved(then);
                            }
                            // Stay open when a save failed; give way to Save As for untitled files.
                            keep =
                                !all_saved && !matches!(self.dialog, Some(Dialog::SaveAs { .. }));
                        }
                        if ui.button("Discard").clicked() {
                            self.finish_unsaved_discard(then);
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Review { file, diff } => {
                    let i = *file;
                    let Some(f) = self.session.workspace.files.get(i) else {
                        keep = false;
                        return;
                    };
                    ui.heading(format!("Changes to {}", f.display_path()));
                    ui.weak("Lines removed (-) are on disk; lines added (+) are what Save writes.");
                    match diff {
                        Err(e) => {
                            ui.label(format!("cannot show the changes: {e}"));
                        }
                        Ok(diff) => super::disk_dialog::diff_ui(ui, diff),
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() && self.save_file(i) {
                            keep = false;
                        }
                        if ui.button("Close").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::About => {
                    ui.heading("egress-studio");
                    ui.label(format!(
                        "Version {} — design, validate and export Istio egress.",
                        env!("CARGO_PKG_VERSION")
                    ));
                    if ui.button("Close").clicked() || enter {
                        keep = false;
                    }
                }
                Dialog::ExportDiagram { path, note } => {
                    keep = self.export_diagram_ui(ui, (path, note), enter, focus_first);
                }
                d @ Dialog::ChangedOnDisk { .. } => {
                    keep = self.changed_on_disk_ui(ui, d, escape);
                }
            }
        });
        if escape {
            keep = false;
        }
        // A dialog opened by an action inside this one (e.g. Save As) wins.
        if keep && self.dialog.is_none() {
            self.dialog = Some(dialog);
            self.focused_dialog = Some(kind);
        } else if self.dialog.is_none() {
            self.focused_dialog = None;
        }
    }

    fn finish_unsaved(&mut self, then: AfterUnsaved) {
        match then {
            AfterUnsaved::Quit => {
                self.quit_confirmed = true;
                self.close_requested = true;
            }
            AfterUnsaved::CloseFile(i) => self.close_file(i),
        }
    }

    fn finish_unsaved_discard(&mut self, then: AfterUnsaved) {
        if let AfterUnsaved::CloseFile(i) = then {
            // Drop the edits of that file only.
            self.close_file(i);
            return;
        }
        self.finish_unsaved(then);
    }
}
