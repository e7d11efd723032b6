//! How the YAML editor draws a document: token colours, the document's findings
//! underlined from their column to the end of their line (errors also tint the
//! line), and the gutter of line numbers with a mark on each line that has a
//! finding. Pure layout: what the findings are comes from the session.

use super::widgets::severity_color;
use crate::validate::Severity;
use egui::text::LayoutJob;
use egui::{Color32, FontId, Stroke, TextFormat, Ui};

/// One finding placed in the editor's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// 1-based line of the editor's text.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    pub severity: Severity,
    /// What a person reads on hover: severity, code and message.
    pub message: String,
}

struct Palette {
    key: Color32,
    string: Color32,
    number: Color32,
    comment: Color32,
    punct: Color32,
    text: Color32,
    error_bg: Color32,
}

fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            key: Color32::from_rgb(130, 190, 255),
            string: Color32::from_rgb(206, 170, 120),
            number: Color32::from_rgb(170, 215, 150),
            comment: Color32::from_rgb(120, 130, 120),
            punct: Color32::from_rgb(160, 160, 160),
            text: Color32::from_rgb(220, 220, 220),
            error_bg: Color32::from_rgb(70, 28, 28),
        }
    } else {
        Palette {
            key: Color32::from_rgb(20, 80, 170),
            string: Color32::from_rgb(150, 70, 20),
            number: Color32::from_rgb(30, 120, 40),
            comment: Color32::from_rgb(110, 120, 110),
            punct: Color32::from_rgb(90, 90, 90),
            text: Color32::from_rgb(30, 30, 30),
            error_bg: Color32::from_rgb(255, 225, 225),
        }
    }
}

/// The font of the editor and its gutter.
pub fn editor_font() -> FontId {
    FontId::monospace(13.0)
}

/// Appends one line's pieces, underlining from a byte offset on.
struct LineWriter<'a> {
    job: &'a mut LayoutJob,
    font: FontId,
    background: Color32,
    /// Byte offset in the line where the underline starts, and its stroke.
    underline: Option<(usize, Stroke)>,
    at: usize,
}

impl LineWriter<'_> {
    fn push(&mut self, piece: &str, color: Color32) {
        if piece.is_empty() {
            return;
        }
        let format = |underline: Stroke| TextFormat {
            font_id: self.font.clone(),
            color,
            background: self.background,
            underline,
            ..Default::default()
        };
        let end = self.at + piece.len();
        match self.underline {
            Some((from, stroke)) if from < end => {
                let split = from.saturating_sub(self.at);
                // Line breaks and trailing blanks are not underlined.
                let body_end = piece.trim_end().len().max(split);
                let (before, rest) = piece.split_at(split);
                let (body, tail) = rest.split_at(body_end - split);
                self.job.append(before, 0.0, format(Stroke::NONE));
                self.job.append(body, 0.0, format(stroke));
                self.job.append(tail, 0.0, format(Stroke::NONE));
            }
            _ => self.job.append(piece, 0.0, format(Stroke::NONE)),
        }
        self.at = end;
    }
}

/// Byte offset of 1-based character column `column` in `line`.
fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.trim_end().len(), |(i, _)| i)
}

/// Lays out YAML with token colours and `marks` (sorted by line) drawn in.
pub fn highlight(ui: &Ui, text: &str, marks: &[Mark]) -> LayoutJob {
    let p = palette(ui.visuals().dark_mode);
    let font = editor_font();
    let mut job = LayoutJob::default();
    let mut marks = marks.iter().peekable();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        // The worst finding of the line, at its leftmost column.
        let mut here: Option<(usize, Severity)> = None;
        while let Some(m) = marks.next_if(|m| m.line <= i + 1) {
            if m.line == i + 1 {
                let col = here.map_or(m.column, |(c, _)| c.min(m.column));
                let sev = here.map_or(m.severity, |(_, s)| s.max(m.severity));
                here = Some((col, sev));
            }
        }
        let underline = here.map(|(col, sev)| {
            let mut from = byte_of_column(line, col);
            if line[from..].trim().is_empty() {
                // Past the text (an error at the end of a line): underline the line.
                from = line.len() - line.trim_start().len();
            }
            (from, Stroke::new(1.5, severity_color(ui, sev)))
        });
        let background = match here {
            Some((_, Severity::Error)) => p.error_bg,
            _ => Color32::TRANSPARENT,
        };
        let mut w = LineWriter {
            job: &mut job,
            font: font.clone(),
            background,
            underline,
            at: 0,
        };
        write_line(&mut w, &p, line);
    }
    job.wrap.max_width = f32::INFINITY;
    job
}

/// One line's tokens: indent, list dash, key, colon, value, comment.
fn write_line(w: &mut LineWriter<'_>, p: &Palette, line: &str) {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    w.push(indent, p.text);
    if trimmed.starts_with('#') {
        w.push(trimmed, p.comment);
        return;
    }
    let (body, comment) = match trimmed.find(" #") {
        Some(i) => trimmed.split_at(i),
        None => (trimmed, ""),
    };
    let mut rest = body;
    while let Some(r) = rest.strip_prefix("- ") {
        w.push("- ", p.punct);
        rest = r;
    }
    let colon = rest.find(": ").or_else(|| {
        let t = rest.trim_end();
        t.ends_with(':').then(|| t.len() - 1)
    });
    if let Some(colon) = colon
        && !rest.starts_with(['"', '\'', '{', '['])
    {
        let (k, v) = rest.split_at(colon);
        w.push(k, p.key);
        w.push(":", p.punct);
        rest = &v[1..];
    }
    let value = rest.trim();
    let color = if value.starts_with(['"', '\'']) {
        p.string
    } else if value.parse::<f64>().is_ok() || matches!(value, "true" | "false" | "null" | "~") {
        p.number
    } else if value.starts_with(['{', '[', '|', '>', '&', '*', '!']) {
        p.punct
    } else {
        p.text
    };
    w.push(rest, color);
    w.push(comment, p.comment);
}

/// The gutter's width for a text of `lines` lines.
pub fn gutter_width(ui: &Ui, lines: usize) -> f32 {
    let digits = lines.max(1).to_string().len().max(2) as f32;
    let char_width = ui.fonts_mut(|f| f.glyph_width(&editor_font(), '0'));
    (digits + 2.5) * char_width
}

/// Paints line numbers beside `galley`'s rows (laid out without wrapping, so a
/// row is a line), numbered from `first_line` as in the file, and a dot in the
/// severity's colour on lines with marks. Returns the 1-based line of the
/// editor's text under the pointer, if any.
pub fn paint_gutter(
    ui: &Ui,
    gutter: egui::Rect,
    galley: &egui::Galley,
    galley_top: f32,
    marks: &[Mark],
    first_line: usize,
    hover: Option<egui::Pos2>,
) -> Option<usize> {
    let painter = ui.painter_at(gutter);
    let font = editor_font();
    let weak = ui.visuals().weak_text_color();
    let visible = ui.clip_rect();
    let mut hovered = None;
    for (i, row) in galley.rows.iter().enumerate() {
        let top = galley_top + row.pos.y;
        let rect = egui::Rect::from_min_max(
            egui::pos2(gutter.left(), top),
            egui::pos2(gutter.right(), top + row.height()),
        );
        if rect.bottom() < visible.top() || rect.top() > visible.bottom() {
            continue;
        }
        let line = i + 1;
        if hover.is_some_and(|p| rect.contains(p)) {
            hovered = Some(line);
        }
        let worst = marks
            .iter()
            .filter(|m| m.line == line)
            .map(|m| m.severity)
            .max();
        let color = worst.map_or(weak, |s| severity_color(ui, s));
        painter.text(
            egui::pos2(rect.right() - 6.0, rect.center().y),
            egui::Align2::RIGHT_CENTER,
            (line + first_line.max(1) - 1).to_string(),
            font.clone(),
            color,
        );
        if let Some(s) = worst {
            let r = (row.height() * 0.2).max(2.5);
            painter.circle_filled(
                egui::pos2(rect.left() + r + 2.0, rect.center().y),
                r,
                severity_color(ui, s),
            );
        }
    }
    hovered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_characters() {
        assert_eq!(byte_of_column("  héllo: x", 5), 5);
        assert_eq!(byte_of_column("ab\n", 9), 2);
    }
}
