//! A reader for the plain block YAML that nearly every ServiceEntry and
//! DestinationRule is written in: block mappings and sequences, single-line
//! plain and quoted scalars without escapes, comments, `[]` and `{}`.
//!
//! It exists for speed: it turns a document into the same event stream libyaml
//! would give, several times faster, for the parsers' common case. Anything
//! outside that subset (anchors, aliases, tags, block or multi-line scalars,
//! escapes, flow collections with content, tabs, unusual characters, anything
//! that might be an error) makes it answer `None`, and the caller reads the
//! document with libyaml as before. So it never has to explain a failure, only
//! to be exact when it accepts.

/// One parse event, as libyaml would report it for the accepted subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Event<'a> {
    MapStart,
    MapEnd,
    SeqStart,
    SeqEnd,
    /// A scalar's value; `plain` is false for a quoted scalar, which is always
    /// a string.
    Scalar {
        text: &'a str,
        plain: bool,
    },
}

/// Collections nested deeper than this are left to libyaml.
const MAX_DEPTH: usize = 64;

/// The events of `text` (one document), or `None` when the text is outside the
/// subset this reader is exact for.
pub(super) fn events(text: &str) -> Option<Vec<Event<'_>>> {
    if !characters_ok(text) {
        return None;
    }
    let lines = significant_lines(text)?;
    let mut reader = Reader {
        events: Vec::with_capacity(lines.len() * 3),
        lines,
        pos: 0,
        depth: 0,
    };
    reader.node()?;
    (reader.pos == reader.lines.len()).then_some(reader.events)
}

/// The scalar value of the top-level mapping's `key`, if it has the key and
/// its value is a scalar.
pub(super) fn top_level_scalar<'a>(events: &[Event<'a>], key: &str) -> Option<&'a str> {
    if events.first() != Some(&Event::MapStart) {
        return None;
    }
    let (mut depth, mut is_key) = (0usize, true);
    for pair in events[1..].windows(2) {
        match pair[0] {
            Event::MapStart | Event::SeqStart => depth += 1,
            Event::MapEnd | Event::SeqEnd => depth = depth.checked_sub(1)?,
            // The reader refuses a mapping with a key twice: the first is the one.
            Event::Scalar { text, .. } if depth == 0 && is_key && text == key => {
                return match pair[1] {
                    Event::Scalar { text: value, .. } => Some(value),
                    _ => None,
                };
            }
            Event::Scalar { .. } => {}
        }
        // At the top level a key follows each complete value.
        if depth == 0 && !matches!(pair[0], Event::MapStart | Event::SeqStart) {
            is_key = !is_key;
        }
    }
    None
}

/// Only printable characters as libyaml defines them, no tab, and CR only
/// before LF.
fn characters_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' | b' '..=b'~' => {}
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            0x80.. => ascii = false,
            _ => return false,
        }
    }
    ascii
        || text.chars().all(|c| {
            let c = c as u32;
            c < 0x80
                || ((0xA0..=0xD7FF).contains(&c) && c != 0x2028 && c != 0x2029)
                || ((0xE000..=0xFFFD).contains(&c) && c != 0xFEFF)
                || c >= 0x10000
        })
}

#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    /// The line after its indentation, without trailing spaces or CR.
    content: &'a str,
}

/// The lines that carry content (not blank, not only a comment); a leading
/// `---` marker is dropped. Directives, other markers and document ends are
/// refused.
fn significant_lines(text: &str) -> Option<Vec<Line<'_>>> {
    let mut lines = Vec::new();
    let mut marker_seen = false;
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw).trim_end_matches(' ');
        let content = raw.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            let marker_only = content == "---" || content.starts_with("--- #");
            if marker_only && lines.is_empty() && !marker_seen {
                marker_seen = true;
                continue;
            }
            return None;
        }
        if indent == 0 && content.starts_with('%') {
            return None;
        }
        lines.push(Line { indent, content });
    }
    Some(lines)
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    events: Vec<Event<'a>>,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// A block node starting at the current line.
    fn node(&mut self) -> Option<()> {
        let line = self.peek()?;
        if is_entry(line.content) {
            self.sequence(line.indent)
        } else if split_key(line.content).is_some() {
            self.mapping(line.indent)
        } else {
            None
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn mapping(&mut self, indent: usize) -> Option<()> {
        self.enter()?;
        self.events.push(Event::MapStart);
        // The general path refuses a mapping with a key twice, and compares keys
        // as values: keys that are not strings are left to it.
        let mut keys: Vec<&str> = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, rest) = split_key(line.content)?;
            // `<<` merges, which the general path resolves.
            if key == "<<" || keys.contains(&key) || !super::block_de::plain_is_string(key) {
                return None;
            }
            keys.push(key);
            self.events.push(Event::Scalar {
                text: key,
                plain: true,
            });
            self.pos += 1;
            self.value(rest, indent, true)?;
        }
        self.events.push(Event::MapEnd);
        self.depth -= 1;
        Some(())
    }

    fn sequence(&mut self, indent: usize) -> Option<()> {
        self.enter()?;
        self.events.push(Event::SeqStart);
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && !is_entry(line.content)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let after = &line.content[1..];
            let item = after.trim_start_matches(' ');
            if is_entry(item) {
                return None;
            }
            if split_key(item).is_some() {
                // `- key: value`: a mapping that starts on the entry's line, at
                // the column of its first key.
                let column = indent + 1 + (after.len() - item.len());
                self.lines[self.pos] = Line {
                    indent: column,
                    content: item,
                };
                self.mapping(column)?;
            } else {
                self.pos += 1;
                self.value(item, indent, false)?;
            }
        }
        self.events.push(Event::SeqEnd);
        self.depth -= 1;
        Some(())
    }

    /// The value after a key's `:` (or an entry's `-`): inline, on the lines
    /// below, or empty (null). `owner` is the indentation of the key or entry.
    fn value(&mut self, rest: &'a str, owner: usize, in_mapping: bool) -> Option<()> {
        let rest = rest.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with('#') {
            return match self.peek() {
                Some(next) if next.indent > owner => self.node(),
                Some(next) if in_mapping && next.indent == owner && is_entry(next.content) => {
                    self.sequence(owner)
                }
                _ => {
                    self.events.push(Event::Scalar {
                        text: "",
                        plain: true,
                    });
                    Some(())
                }
            };
        }
        self.inline(rest)?;
        // A more indented line after an inline value would continue a plain
        // scalar, or be an error: both are libyaml's to read.
        match self.peek() {
            Some(next) if next.indent > owner => None,
            _ => Some(()),
        }
    }

    /// A value written on the key's line.
    fn inline(&mut self, rest: &'a str) -> Option<()> {
        let first = rest.as_bytes()[0];
        match first {
            b'"' | b'\'' => {
                let (text, after) = quoted(rest)?;
                if !only_comment(after) {
                    return None;
                }
                self.events.push(Event::Scalar { text, plain: false });
            }
            b'[' => {
                let after = self.flow_sequence(&rest[1..])?;
                if !only_comment(after) {
                    return None;
                }
            }
            b'{' => {
                let after = rest[1..].trim_start_matches(' ').strip_prefix('}')?;
                if !only_comment(after) {
                    return None;
                }
                self.events.push(Event::MapStart);
                self.events.push(Event::MapEnd);
            }
            _ => {
                let text = plain_scalar(rest)?;
                self.events.push(Event::Scalar { text, plain: true });
            }
        }
        Some(())
    }

    /// A one-line flow sequence of scalars, `[a, "b", 'c']`, from after its
    /// `[`; returns what follows its `]`. Nested collections, keys, empty
    /// entries and anything a plain scalar in flow context might do differently
    /// are refused.
    fn flow_sequence(&mut self, mut rest: &'a str) -> Option<&'a str> {
        self.events.push(Event::SeqStart);
        rest = rest.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix(']') {
            self.events.push(Event::SeqEnd);
            return Some(after);
        }
        loop {
            let first = *rest.as_bytes().first()?;
            let (text, plain, after) = if first == b'"' || first == b'\'' {
                let (text, after) = quoted(rest)?;
                (text, false, after)
            } else {
                let end = rest.find([',', ']'])?;
                let text = rest[..end].trim_end_matches(' ');
                if text.is_empty()
                    || !starts_plain(text)
                    || text.contains(['[', ']', '{', '}', '#', ':', '"', '\''])
                {
                    return None;
                }
                (text, true, &rest[end..])
            };
            self.events.push(Event::Scalar { text, plain });
            let after = after.trim_start_matches(' ');
            if let Some(after) = after.strip_prefix(']') {
                self.events.push(Event::SeqEnd);
                return Some(after);
            }
            rest = after.strip_prefix(',')?.trim_start_matches(' ');
        }
    }
}

/// A one-line quoted scalar at the start of `rest` (which starts with its
/// quote), without escapes: its text and what follows its closing quote.
fn quoted(rest: &str) -> Option<(&str, &str)> {
    let quote = rest.chars().next()?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    let (text, after) = (&body[..end], &body[end + 1..]);
    let escaped = match quote {
        '"' => text.contains('\\'),
        _ => after.starts_with('\''),
    };
    (!escaped).then_some((text, after))
}

/// Nothing, or spaces and then a comment.
fn only_comment(after: &str) -> bool {
    after.is_empty() || (after.starts_with(' ') && after.trim_start_matches(' ').starts_with('#'))
}

/// A block sequence entry: `-` alone or followed by a space.
fn is_entry(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// Characters that cannot start a plain scalar (YAML's indicators), except `-`
/// before a non-space, which can.
fn starts_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes.first() {
        None => false,
        Some(b'-') => bytes.get(1).is_some_and(|b| *b != b' '),
        Some(b) => !matches!(
            b,
            b'?' | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        ),
    }
}

/// `key: rest` or `key:` with a plain key: the key and what follows its colon.
fn split_key(content: &str) -> Option<(&str, &str)> {
    if !starts_plain(content) {
        return None;
    }
    let bytes = content.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // A comment before any colon: not a key line.
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            b':' if bytes.get(i + 1).is_none_or(|b| *b == b' ') => {
                let key = &content[..i];
                // libyaml refuses an implicit key longer than 1024 characters.
                if key.len() > 1024 || key.ends_with(' ') {
                    return None;
                }
                return Some((key, &content[i + 1..]));
            }
            _ => {}
        }
    }
    None
}

/// A single-line plain scalar, its comment cut off; `None` where libyaml would
/// read more (or refuse it).
fn plain_scalar(rest: &str) -> Option<&str> {
    if !starts_plain(rest) {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut end = bytes.len();
    for (i, pair) in bytes.windows(2).enumerate() {
        match pair {
            // `: ` would start a mapping value where none may be.
            b": " => return None,
            b" #" => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let text = rest[..end].trim_end_matches(' ');
    (!text.ends_with(':')).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::Event::{self, *};
    use super::events;

    fn s(text: &str) -> Event<'_> {
        Scalar { text, plain: true }
    }

    #[test]
    fn reads_nested_block_collections() {
        let text = "---\n# c\nspec:\n  hosts:\n  - a.example.com # x\n  ports:\n    - number: 443\n      name: 'tls'\n  exportTo: []\n";
        let want = vec![
            MapStart,
            s("spec"),
            MapStart,
            s("hosts"),
            SeqStart,
            s("a.example.com"),
            SeqEnd,
            s("ports"),
            SeqStart,
            MapStart,
            s("number"),
            s("443"),
            s("name"),
            Scalar {
                text: "tls",
                plain: false,
            },
            MapEnd,
            SeqEnd,
            s("exportTo"),
            SeqStart,
            SeqEnd,
            MapEnd,
            MapEnd,
        ];
        assert_eq!(events(text), Some(want));
    }

    #[test]
    fn finds_top_level_keys_only() {
        let text = "metadata:\n  kind: inner\n  list:\n  - kind: item\nkind: ServiceEntry\nspec: {}\napiVersion: 'v1'\n";
        let ev = events(text).unwrap();
        assert_eq!(super::top_level_scalar(&ev, "kind"), Some("ServiceEntry"));
        assert_eq!(super::top_level_scalar(&ev, "apiVersion"), Some("v1"));
        assert_eq!(super::top_level_scalar(&ev, "spec"), None);
        assert_eq!(events("kind: A\nkind: B\n"), None);
        assert_eq!(events("a:\n  <<: x\n"), None);
    }

    #[test]
    fn leaves_everything_unusual_to_libyaml() {
        for text in [
            "a: &x 1\n",
            "a: *x\n",
            "a: !t 1\n",
            "a: |\n  x\n",
            "a: b\n  c\n",
            "a: \"x\\ty\"\n",
            "a: 'it''s'\n",
            "a: [[1]]\n",
            "a: [1,]\n",
            "a: [a: 1]\n",
            "a: [1\n",
            "a:\tb\n",
            "a: b: c\n",
            "- - a\n",
            "a: 1\n...\n",
            "\"a\": 1\n",
            "a: 1\n b: 2\n",
            "a: 1\na: 2\n",
            "1: a\n",
            "a\n",
        ] {
            assert_eq!(events(text), None, "{text}");
        }
        let long_key = format!("{}: 1\n", "k".repeat(1025));
        assert_eq!(events(&long_key), None);
    }
}
