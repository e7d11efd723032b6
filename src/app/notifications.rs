//! The notification area. Every message the app gives (saved, exported, written
//! to …, and every failure) is kept in the bottom panel's Messages tab, newest
//! first, wrapped, until the user clears them; each also shows for a few
//! seconds as a toast in the window's lower right corner, so the path a file
//! went to is seen without looking for it. Failures stay longer and can be
//! dismissed.

use super::EgressStudio;
use super::widgets::{severity_color, severity_icon};
use crate::validate::Severity;
use egui::{RichText, Ui};
use std::time::{Duration, Instant};

/// Messages kept in the Messages tab; older ones drop off.
const KEPT: usize = 50;
/// How long a toast shows: a success briefly, a failure longer.
const TOAST_INFO: Duration = Duration::from_secs(6);
const TOAST_ERROR: Duration = Duration::from_secs(15);
/// Toasts shown at once (the newest).
const TOASTS: usize = 3;

/// A message shown in the window (file errors are never only logged).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
    /// When it was given, for the toast's lifetime.
    pub at: Instant,
    /// The user closed its toast.
    pub dismissed: bool,
}

impl Notice {
    fn toast_for(&self) -> Duration {
        if self.error { TOAST_ERROR } else { TOAST_INFO }
    }
}

impl EgressStudio {
    /// Gives the user a message: kept in the Messages tab and shown as a toast.
    pub fn notice(&mut self, error: bool, text: impl Into<String>) {
        self.notices.push(Notice {
            error,
            text: text.into(),
            at: Instant::now(),
            dismissed: false,
        });
        if self.notices.len() > KEPT {
            self.notices.remove(0);
        }
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
    }

    /// The Messages tab's label, with how many there are.
    pub(super) fn messages_tab_label(&self) -> String {
        match self.notices.len() {
            0 => "Messages".to_string(),
            n => format!("Messages ({n})"),
        }
    }

    /// The Messages tab: every message, newest first, wrapped to the panel.
    pub(super) fn messages_panel(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label(crate::probe::problem::plural(
                self.notices.len(),
                "message",
                "messages",
            ));
            if ui
                .add_enabled(!self.notices.is_empty(), egui::Button::new("Clear"))
                .on_hover_text("Remove every message")
                .clicked()
            {
                self.notices.clear();
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("messages")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.notices.is_empty() {
                    ui.weak("No messages. What is saved, exported or written shows here.");
                }
                for n in self.notices.iter().rev() {
                    ui.add(egui::Label::new(message_text(ui, n)).wrap());
                }
            });
    }

    /// Toasts for the newest messages, in the window's lower right corner.
    pub(super) fn toasts(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        let live: Vec<usize> = (0..self.notices.len())
            .rev()
            .filter(|&i| {
                let n = &self.notices[i];
                !n.dismissed && now.duration_since(n.at) < n.toast_for()
            })
            .take(TOASTS)
            .collect();
        if live.is_empty() {
            return;
        }
        // Come back when the next toast is due to go.
        if let Some(next) = live
            .iter()
            .map(|&i| self.notices[i].toast_for() - now.duration_since(self.notices[i].at))
            .min()
        {
            ctx.request_repaint_after(next);
        }
        let mut dismiss = None;
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -12.0))
            .order(egui::Order::Foreground)
            .interactable(true)
            .show(ctx, |ui| {
                ui.set_max_width(380.0);
                for &i in &live {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(360.0);
                        ui.horizontal(|ui| {
                            if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                                dismiss = Some(i);
                            }
                            ui.add(egui::Label::new(message_text(ui, &self.notices[i])).wrap());
                        });
                    });
                }
            });
        if let Some(i) = dismiss
            && let Some(n) = self.notices.get_mut(i)
        {
            n.dismissed = true;
        }
    }
}

/// A message with its icon, coloured as a failure or not.
fn message_text(ui: &Ui, n: &Notice) -> RichText {
    if n.error {
        RichText::new(format!("{} {}", severity_icon(Severity::Error), n.text))
            .color(severity_color(ui, Severity::Error))
    } else {
        RichText::new(format!("✔ {}", n.text))
    }
}
