//! Text measured without egui, so the layout (which must not depend on egui)
//! can elide labels to a width. Widths come from the advance widths of egui's
//! own default font (Ubuntu Light, the bytes egui bundles), with a small margin
//! for egui's pixel snapping; the painters draw the elided text and keep the
//! full text for hover and the SVG `<title>`.

use std::sync::OnceLock;

/// Slack for egui's rounding of glyph positions.
const SLACK: f32 = 1.04;

/// Advance widths in em: printable ASCII from a table, the rest looked up.
struct Metrics {
    face: Option<ttf_parser::Face<'static>>,
    ascii: [f32; 128],
}

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| {
        let face = ttf_parser::Face::parse(epaint_default_fonts::UBUNTU_LIGHT, 0).ok();
        let mut ascii = [0.6; 128];
        if let Some(f) = &face {
            for (i, a) in ascii.iter_mut().enumerate() {
                *a = advance(f, char::from(i as u8)).unwrap_or(0.6);
            }
        }
        Metrics { face, ascii }
    })
}

fn advance(f: &ttf_parser::Face, c: char) -> Option<f32> {
    let g = f.glyph_index(c)?;
    Some(f32::from(f.glyph_hor_advance(g)?) / f32::from(f.units_per_em()))
}

fn em(c: char) -> f32 {
    let m = metrics();
    let e = match m.ascii.get(c as usize) {
        Some(a) => *a,
        None => m.face.as_ref().and_then(|f| advance(f, c)).unwrap_or(1.0),
    };
    e * SLACK
}

/// Width of `text` at `size` px.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| em(c) * size).sum()
}

/// `text` cut to fit `max_w` at `size`, with an ellipsis when cut.
pub fn elide(text: &str, size: f32, max_w: f32) -> String {
    if width(text, size) <= max_w {
        return text.to_string();
    }
    let budget = max_w - em('…') * size;
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += em(c) * size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// "1 subset", "2 subsets".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elided_text_fits_and_short_text_is_kept() {
        let long = "a-very-long-external-host-name.partner-bank.example.com";
        let cut = elide(long, 12.0, 150.0);
        assert!(cut.ends_with('…'));
        assert!(width(&cut, 12.0) <= 150.0 + 0.01);
        assert_eq!(elide("api.x.com", 12.0, 150.0), "api.x.com");
        assert_eq!(plural(1, "subset", "subsets"), "1 subset");
        assert_eq!(plural(3, "entry", "entries"), "3 entries");
    }
}
