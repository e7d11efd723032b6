//! The dialog for a file that changed on disk while its buffer has edits (found
//! by the disk check, or when saving): reload, keep mine (or overwrite), or look
//! at the difference first. Also the line diff both it and Review show.

use super::{Dialog, EgressStudio};
use crate::yaml::DiffOp;
use egui::Ui;

/// Lines of context kept around each change.
const CONTEXT: usize = 3;

/// A line diff, changed lines with a few lines of context and `…` between.
pub(super) fn diff_ui(ui: &mut Ui, diff: &[(DiffOp, String)]) {
    let changed: Vec<usize> = diff
        .iter()
        .enumerate()
        .filter(|(_, (op, _))| *op != DiffOp::Same)
        .map(|(n, _)| n)
        .collect();
    match changed.len() {
        0 => ui.label("No differences."),
        1 => ui.label("1 changed line"),
        n => ui.label(format!("{n} changed lines")),
    };
    let near = |n: usize| changed.iter().any(|c| c.abs_diff(n) <= CONTEXT);
    egui::ScrollArea::vertical()
        .max_height(420.0)
        .show(ui, |ui| {
            let mut skipped = false;
            for (n, (op, line)) in diff.iter().enumerate() {
                if !near(n) {
                    if !skipped {
                        ui.label(egui::RichText::new("…").monospace().weak());
                    }
                    skipped = true;
                    continue;
                }
                skipped = false;
                let (sign, color) = match op {
                    DiffOp::Same => (" ", ui.visuals().weak_text_color()),
                    DiffOp::Removed => (
                        "-",
                        super::widgets::severity_color(ui, crate::validate::Severity::Error),
                    ),
                    DiffOp::Added => ("+", egui::Color32::from_rgb(60, 170, 80)),
                };
                ui.label(
                    egui::RichText::new(format!("{sign} {line}"))
                        .monospace()
                        .color(color),
                );
            }
        });
}

impl EgressStudio {
    /// The changed-on-disk dialog; returns whether it stays open. Escape keeps
    /// the buffer (and, when saving, does not save).
    pub(super) fn changed_on_disk_ui(
        &mut self,
        ui: &mut Ui,
        dialog: &mut Dialog,
        escape: bool,
    ) -> bool {
        let Dialog::ChangedOnDisk { file, saving, diff } = dialog else {
            return false;
        };
        let (i, saving) = (*file, *saving);
        let Some(f) = self.session.workspace.files.get(i) else {
            return false;
        };
        let name = f.display_path();
        ui.heading(format!("{name} changed on disk"));
        ui.label(if saving {
            "Another program changed this file since you opened it. Saving now would replace its changes with yours."
        } else {
            "Another program changed this file, and you have unsaved edits in it."
        });
        if let Some(diff) = diff {
            ui.label("Lines removed (-) are on disk; lines added (+) are yours:");
            match diff {
                Ok(d) => diff_ui(ui, d),
                Err(e) => {
                    ui.label(format!("cannot show the difference: {e}"));
                }
            }
        }
        let mut keep = true;
        ui.horizontal(|ui| {
            if saving {
                if ui
                    .button("Overwrite")
                    .on_hover_text("Save your version over the file on disk")
                    .clicked()
                {
                    self.session.keep_mine(i);
                    keep = false;
                    self.save_file(i);
                }
            } else if ui
                .button("Keep mine")
                .on_hover_text("Keep your edits; the next Save writes them over the file on disk")
                .clicked()
            {
                self.session.keep_mine(i);
                keep = false;
            }
            if ui
                .button("Reload from disk")
                .on_hover_text(
                    "Drop your edits and show the file as it is on disk (Undo brings them back)",
                )
                .clicked()
            {
                match self.session.reload_from_disk(i) {
                    Ok(()) => self.notice(false, format!("reloaded {name} from disk")),
                    Err(e) => self.notice(true, format!("not reloaded: {e}")),
                }
                keep = false;
            }
            if diff.is_none() && ui.button("Show diff").clicked() {
                *diff = Some(self.session.changes_against_disk(i));
                // The dialog grows: let it settle in the middle of the window.
                ui.ctx().request_repaint();
            }
            if saving && ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        if escape {
            if !saving {
                self.session.keep_mine(i);
            }
            keep = false;
        }
        keep
    }
}
