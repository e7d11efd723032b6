//! Splits a YAML stream into its documents without parsing them, so each document's
//! exact bytes can be written back untouched.
//!
//! A line starting with `---` (followed by a space, a tab or the end of the line)
//! starts a document and a line `...` ends one. YAML forbids both markers at column 0
//! inside content, so a line scan is exact.

use std::ops::Range;

/// One document's slice of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range in the file, separator line included.
    pub span: Range<usize>,
    /// 1-based line of the segment's first byte.
    pub line: usize,
}

/// True for a line that is the document marker `marker` (`---` or `...`), with
/// or without content or a comment after it.
pub(crate) fn is_marker(line: &str, marker: &str) -> bool {
    let line = line.trim_end_matches(['\n', '\r']);
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t']),
        None => false,
    }
}

/// Splits `text` into segments that together cover it exactly, in order.
pub fn split_documents(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    let mut line_no = 1usize;
    for line in text.split_inclusive('\n') {
        if is_marker(line, "---") && offset > start {
            segments.push(Segment {
                span: start..offset,
                line: start_line,
            });
            start = offset;
            start_line = line_no;
        }
        offset += line.len();
        line_no += 1;
        if is_marker(line, "...") {
            segments.push(Segment {
                span: start..offset,
                line: start_line,
            });
            start = offset;
            start_line = line_no;
        }
    }
    if offset > start || segments.is_empty() {
        segments.push(Segment {
            span: start..offset,
            line: start_line,
        });
    }
    segments
}

/// True when a segment holds no YAML content: only blank lines, comments,
/// directives and document markers.
pub fn is_blank_document(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty()
            || t.starts_with('#')
            || is_marker(l, "---") && t[3..].trim().is_empty()
            || is_marker(l, "...")
            || t.starts_with('%')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<&str> {
        split_documents(text)
            .into_iter()
            .map(|s| &text[s.span])
            .collect()
    }

    #[test]
    fn splits_on_markers_and_covers_everything() {
        let t = "# c\na: 1\n---\nb: 2\n--- # x\nc: 3\n...\nd: 4\n";
        assert_eq!(
            parts(t),
            vec![
                "# c\na: 1\n",
                "---\nb: 2\n",
                "--- # x\nc: 3\n...\n",
                "d: 4\n"
            ]
        );
        assert_eq!(parts(t).concat(), t);
        let lines: Vec<usize> = split_documents(t).iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![1, 3, 5, 8]);
    }

    #[test]
    fn dashes_inside_content_do_not_split() {
        let t = "a: |\n  ---\nb: '---'\n----\n";
        assert_eq!(parts(t), vec![t]);
    }

    #[test]
    fn crlf_and_leading_separator() {
        let t = "---\r\na: 1\r\n---\r\nb: 2\r\n";
        assert_eq!(parts(t), vec!["---\r\na: 1\r\n", "---\r\nb: 2\r\n"]);
    }

    #[test]
    fn blank_documents() {
        assert!(is_blank_document("---\n# only a comment\n\n"));
        assert!(is_blank_document(""));
        assert!(!is_blank_document("---\na: 1\n"));
    }
}
