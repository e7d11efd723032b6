//! Text measured without a font engine, so the layout (which must not depend on
//! egui) can elide labels to a width. Widths are estimated per character class
//! from the proportions of egui's default font (Ubuntu Light), rounded up so an
//! estimated fit is a real fit; the painters draw the elided text and keep the
//! full text for hover and the SVG `<title>`.

/// Estimated width of `text` at `size` px.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| em(c) * size).sum()
}

fn em(c: char) -> f32 {
    match c {
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | 'I' | '(' | ')'
        | '[' | ']' | 't' | 'f' | 'r' => 0.33,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.85,
        'A'..='Z' | '→' | '…' | '·' => 0.66,
        c if c.is_ascii() => 0.55,
        _ => 1.0,
    }
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
