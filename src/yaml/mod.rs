//! Files ⇄ documents ⇄ typed resources.
//!
//! A file is kept as the exact list of its documents' bytes. Untouched documents
//! are written back byte for byte; an edited one is patched in place (or, when
//! the patch does not read back to the model, re-emitted in Istio's field
//! order), in the file's own line ending. Bad input becomes a located error,
//! never a panic.

mod diff;
mod disk;
mod document;
pub(crate) use document::for_people;
mod edit;
pub use edit::{Placed, text_for_editing};
mod eol;
mod file_error;
pub use file_error::FileError;
mod fragment;
mod guard;
mod lenient;
pub use lenient::best_effort;
mod block;
mod block_de;
#[cfg(test)]
mod block_tests;
mod load;
mod locate;
mod patch;
mod split;
pub mod tree;
pub mod walk;
pub use patch::patch;
mod write;

pub use diff::{DiffOp, line_diff};
pub use disk::atomic_write;
pub use eol::Eol;
pub use load::*;
pub use locate::{Pos, PositionIndex, join_index, join_key, key_segment, parent_path};
pub use split::{Segment, is_blank_document, split_documents};
pub use write::*;
