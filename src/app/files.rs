//! File commands and their dialogs. Native dialogs (rfd) run on their own
//! thread; a typed path always works, also where no desktop portal runs.

use super::{AfterUnsaved, Background, Dialog, EgressStudio, PickPurpose};
use crate::model::ApiVersion;
use crate::recipes::Recipe;
use crate::yaml;
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

    /// Saves one file to `path`, which becomes its path. `-` is refused: it
    /// names standard input, not a file.
    pub fn save_file_as(&mut self, i: usize, path: PathBuf) -> bool {
        if path == std::path::Path::new("-") {
            self.notice(
                true,
                "not saved: `-` means standard input, not a file: choose a file name",
            );
            return false;
        }
        match self.session.workspace.files[i].save_as(&path) {
            Ok(reemitted) => {
                if !reemitted.is_empty() {
                    let docs: Vec<String> = reemitted.iter().map(|d| (d + 1).to_string()).collect();
                    self.notice(false, format!("document {} of {} could not be patched in place and was rewritten whole (its comments and layout were not kept)", docs.join(", "), path.display()));
                }
                self.session.mark_saved(i);
                self.files_changed();
                self.settings.add_recent(&path);
                self.persist_settings();
                self.notice(false, format!("saved {}", path.display()));
                // Undo steps keep their snapshots; the saved version marks what is on disk.
                true
            }
            Err(e) => {
                self.notice(true, format!("not saved: {e}"));
                false
            }
        }
    }

    pub fn close_file(&mut self, i: usize) {
        self.session.close_file(i);
        self.files_changed();
    }

    /// Exports every file of the workspace.
    pub fn export(&mut self, path: &str, split: bool, api_version: ApiVersion) {
        let mut objects = Vec::new();
        for f in &self.session.workspace.files {
            match yaml::export_objects(f, Some(api_version)) {
                Ok(o) => objects.extend(o),
                Err(e) => {
                    self.notice(true, format!("export failed: {e}"));
                    return;
                }
            }
        }
        let result = if split {
            yaml::export_split(&objects, std::path::Path::new(path))
                .map(|p| format!("exported {} files to {path}", p.len()))
        } else {
            yaml::atomic_write(
                std::path::Path::new(path),
                yaml::join_stream(&objects).as_bytes(),
            )
            .map(|_| format!("exported {} resources to {path}", objects.len()))
        };
        match result {
            Ok(m) => self.notice(false, m),
            Err(e) => self.notice(true, format!("export failed: {e}")),
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
        while let Ok(msg) = self.background.1.try_recv() {
            match msg {
                Background::Loaded { path, file } => self.opened(&path, file),
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
                            | Some(Dialog::SaveAs { note: n, .. }) => *n = note,
                            _ => {}
                        }
                        continue;
                    }
                    match purpose {
                        PickPurpose::Open => {
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
    }

    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let mut keep = true;
        let modal = egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
            ui.set_min_width(420.0);
            match &mut dialog {
                Dialog::Open { path, note } => {
                    ui.heading("Open files");
                    ui.horizontal(|ui| {
                        let l = ui.label("Path");
                        ui.add(egui::TextEdit::singleline(path).desired_width(300.0))
                            .labelled_by(l.id);
                        if ui.button("Browse…").clicked() {
                            self.pick_in_background(PickPurpose::Open);
                        }
                    });
                    if let Some(n) = note {
                        ui.label(n.as_str());
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Open").clicked() && !path.trim().is_empty() {
                            let paths: Vec<PathBuf> = path
                                .split(',')
                                .map(|p| PathBuf::from(p.trim()))
                                .filter(|p| !p.as_os_str().is_empty())
                                .collect();
                            self.open_paths(&paths);
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::SaveAs { file, path, note } => {
                    ui.heading("Save As");
                    ui.horizontal(|ui| {
                        let l = ui.label("Save to");
                        ui.add(egui::TextEdit::singleline(path).desired_width(300.0))
                            .labelled_by(l.id);
                        if ui.button("Browse…").clicked() {
                            self.pick_in_background(PickPurpose::SaveAs(*file));
                        }
                    });
                    if let Some(n) = note {
                        ui.label(n.as_str());
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked()
                            && !path.trim().is_empty()
                            && self.save_file_as(*file, PathBuf::from(path.trim()))
                        {
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Export {
                    path,
                    split,
                    api_version,
                } => {
                    ui.heading("Export");
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
                        ui.add(egui::TextEdit::singleline(path).desired_width(300.0))
                            .labelled_by(l.id);
                        if !*split && ui.button("Browse…").clicked() {
                            self.pick_in_background(PickPurpose::Export);
                        }
                    });
                    ui.horizontal(|ui| {
                        if ui.button("Export").clicked() && !path.trim().is_empty() {
                            let (p, s, v) = (path.trim().to_string(), *split, *api_version);
                            self.export(&p, s, v);
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
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
                        ui.add(egui::TextEdit::singleline(host).desired_width(260.0))
                            .labelled_by(l.id);
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
                        if ui
                            .add_enabled(
                                port_ok.is_some() && !host.trim().is_empty(),
                                egui::Button::new("Create"),
                            )
                            .clicked()
                            && let Some(p) = port_ok
                        {
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
                    match diff {
                        Err(e) => {
                            ui.label(format!("cannot show the changes: {e}"));
                        }
                        Ok(diff) => {
                            let changed: Vec<usize> = diff
                                .iter()
                                .enumerate()
                                .filter(|(_, (op, _))| *op != yaml::DiffOp::Same)
                                .map(|(n, _)| n)
                                .collect();
                            if changed.is_empty() {
                                ui.label("No changes against the file on disk.");
                            } else {
                                ui.label(format!("{} changed lines", changed.len()));
                            }
                            let near = |n: usize| changed.iter().any(|c| c.abs_diff(n) <= 3);
                            egui::ScrollArea::vertical()
                                .max_height(420.0)
                                .show(ui, |ui| {
                                    let mut skipped = false;
                                    for (n, (op, line)) in diff.iter().enumerate() {
                                        if !near(n) {
                                            if !skipped {
                                                ui.label(
                                                    egui::RichText::new("…").monospace().weak(),
                                                );
                                            }
                                            skipped = true;
                                            continue;
                                        }
                                        skipped = false;
                                        let (sign, color) = match op {
                                            yaml::DiffOp::Same => {
                                                (" ", ui.visuals().weak_text_color())
                                            }
                                            yaml::DiffOp::Removed => (
                                                "-",
                                                super::widgets::severity_color(
                                                    ui,
                                                    crate::validate::Severity::Error,
                                                ),
                                            ),
                                            yaml::DiffOp::Added => {
                                                ("+", egui::Color32::from_rgb(60, 170, 80))
                                            }
                                        };
                                        ui.label(
                                            egui::RichText::new(format!("{sign} {line}"))
                                                .monospace()
                                                .color(color),
                                        );
                                    }
                                });
                        }
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
                    if ui.button("Close").clicked() {
                        keep = false;
                    }
                }
            }
        });
        if modal.should_close() {
            keep = false;
        }
        // A dialog opened by an action inside this one (e.g. Save As) wins.
        if keep && self.dialog.is_none() {
            self.dialog = Some(dialog);
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
