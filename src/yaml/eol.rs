//! Line endings and the byte order mark, so that what the writer adds looks like
//! what the user's file already has: a CRLF file stays CRLF in its separators,
//! inserted lines and re-emitted documents, and a UTF-8 BOM stays in front.

/// The byte order mark some Windows editors put in front of UTF-8 text.
pub const BOM: char = '\u{feff}';

/// A text's line ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eol {
    Lf,
    CrLf,
}

impl Eol {
    /// The ending of `text`'s first line break; `None` when it has none.
    pub fn of(text: &str) -> Option<Eol> {
        let i = text.find('\n')?;
        Some(if text[..i].ends_with('\r') {
            Eol::CrLf
        } else {
            Eol::Lf
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Eol::Lf => "\n",
            Eol::CrLf => "\r\n",
        }
    }

    /// `text` with every line break written as this ending. Text produced by the
    /// writer uses `\n`; text copied from the file may already use `\r\n`.
    pub fn apply(self, text: &str) -> String {
        match self {
            Eol::Lf => text.to_string(),
            Eol::CrLf => {
                let mut out = String::with_capacity(text.len() + text.len() / 16);
                let mut prev = '\0';
                for c in text.chars() {
                    if c == '\n' && prev != '\r' {
                        out.push('\r');
                    }
                    out.push(c);
                    prev = c;
                }
                out
            }
        }
    }
}

/// Splits a leading byte order mark off `text`: (`"\u{feff}"` or `""`, the rest).
pub fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix(BOM) {
        Some(rest) => (&text[..BOM.len_utf8()], rest),
        None => ("", text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_and_applies_endings() {
        assert_eq!(Eol::of("a\r\nb\n"), Some(Eol::CrLf));
        assert_eq!(Eol::of("a\nb\r\n"), Some(Eol::Lf));
        assert_eq!(Eol::of("a"), None);
        assert_eq!(Eol::CrLf.apply("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(Eol::Lf.apply("a\nb\n"), "a\nb\n");
    }

    #[test]
    fn splits_a_bom() {
        assert_eq!(split_bom("\u{feff}a: 1"), ("\u{feff}", "a: 1"));
        assert_eq!(split_bom("a: 1"), ("", "a: 1"));
    }
}
