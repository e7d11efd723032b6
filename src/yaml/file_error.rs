//! Why a whole file could not be read, located where that can be said: a file
//! too large, empty, UTF-16, not UTF-8 or binary, or with bare-CR line breaks.

/// Why a whole file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: file is {size} bytes, over the {limit}-byte limit for a manifest")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: file is empty")]
    Empty { path: String },
    #[error("{path}:{line}:{column}: {what}")]
    Binary {
        path: String,
        line: usize,
        column: usize,
        what: String,
    },
    #[error("{path}: UTF-16 text (as Windows PowerShell's `>` writes it): save the file as UTF-8")]
    Utf16 { path: String },
    #[error(
        "{path}:{line}: line breaks are bare carriage returns (classic Mac OS): save the file with LF or CRLF line endings"
    )]
    CrOnly { path: String, line: usize },
}

/// The error for the byte at `offset` that makes `bytes` not text, located
/// at its line and column (in characters of the valid text before it).
pub(super) fn binary(path: String, bytes: &[u8], offset: usize, what: String) -> FileError {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    FileError::Binary {
        path,
        line: before.iter().filter(|b| **b == b'\n').count() + 1,
        column: String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1,
        what,
    }
}
