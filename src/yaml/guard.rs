//! Cheap checks that run before any YAML parser sees a file, so that input no
//! parser should be given is refused in linear time with a reason a person can act
//! on: UTF-16 text, bare-CR line breaks and flow collections nested past the limit.
//!
//! The YAML parsers underneath slow down with the square of the flow nesting depth
//! before their own recursion limit trips; a single pass over the bytes is enough
//! to refuse such input in milliseconds whatever the file size.

use super::locate::Pos;

/// Deepest nesting of YAML collections accepted (the parsers' own limit).
pub const MAX_DEPTH: usize = 128;

/// Recognises UTF-16 text: a UTF-16 byte-order mark, or the NUL byte in every
/// other position that ASCII text encoded as UTF-16 has.
pub fn utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(512) & !1];
    if sample.len() < 4 {
        return false;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    even_nul.max(odd_nul) * 10 >= pairs * 9 && even_nul.min(odd_nul) * 10 <= pairs
}

/// The line of the first carriage return not followed by a line feed. YAML reads
/// it as a line break but line-based tools (and our document splitter) do not, so
/// such a file is refused rather than misread.
pub fn cr_only_line(text: &str) -> Option<usize> {
    // Most files have no CR at all: one memchr pass says so.
    if !text.contains('\r') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut line = 1;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => line += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => return Some(line),
            _ => {}
        }
    }
    None
}

/// The position where flow collections (`[` / `{`) first nest deeper than
/// [`MAX_DEPTH`], if they do. Quoted scalars and comments are skipped; a bracket
/// inside a plain scalar counts, which can only over-count for text that is itself
/// pathological.
pub fn flow_too_deep(text: &str) -> Option<Pos> {
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    let mut i = 0;
    let mut token_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                token_start = true;
            }
            b'#' if token_start => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' if token_start => {
                i = skip_quoted(bytes, i, &mut line, &mut line_start);
                token_start = false;
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(Pos {
                        line,
                        column: i - line_start + 1,
                    });
                }
                token_start = true;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                token_start = false;
            }
            b' ' | b'\t' | b',' | b'\r' => token_start = true,
            _ => token_start = false,
        }
        i += 1;
    }
    None
}

/// Index just past the quoted scalar that starts at `start`.
fn skip_quoted(bytes: &[u8], start: usize, line: &mut usize, line_start: &mut usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                *line += 1;
                *line_start = i + 1;
            }
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            c if c == quote => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_is_recognised_with_and_without_bom() {
        let text = "apiVersion: v1\nkind: List\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert!(utf16(&le));
        assert!(utf16(&be));
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert!(utf16(&bom));
        assert!(!utf16(text.as_bytes()));
    }

    #[test]
    fn bare_cr_is_found_but_crlf_is_not() {
        assert_eq!(cr_only_line("a: 1\rb: 2\r"), Some(1));
        assert_eq!(cr_only_line("a: 1\r\nb: 2\r\n"), None);
        assert_eq!(cr_only_line("a: 1\nb: 2\rc: 3"), Some(2));
    }

    #[test]
    fn flow_depth_counts_brackets_outside_quotes_and_comments() {
        let deep = format!("x: {}", "[".repeat(MAX_DEPTH + 1));
        assert_eq!(
            flow_too_deep(&deep),
            Some(Pos {
                line: 1,
                column: 4 + MAX_DEPTH
            })
        );
        let ok = format!("x: {}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(flow_too_deep(&ok), None);
        let quoted = format!(
            "x: \"{}\"\n# {}\ny: it's [",
            "[".repeat(300),
            "{".repeat(300)
        );
        assert_eq!(flow_too_deep(&quoted), None);
    }
}
