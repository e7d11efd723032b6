//! Files ⇄ documents ⇄ typed resources.
//!
//! A file is kept as the exact list of its documents' bytes. Untouched documents
//! are written back byte for byte; an edited one is re-emitted from the model in
//! Istio's field order. Bad input becomes a located error, never a panic.

mod diff;
mod guard;
mod load;
mod locate;
mod patch;
mod split;
pub mod tree;
pub mod walk;
pub use patch::patch;
mod write;

pub use diff::{DiffOp, line_diff};
pub use load::*;
pub use locate::{Pos, PositionIndex, join_index, join_key, key_segment, parent_path};
pub use split::{Segment, is_blank_document, split_documents};
pub use write::*;
