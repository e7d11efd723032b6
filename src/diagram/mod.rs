//! The traffic route of the workspace as a diagram: graph (what routes exist) →
//! layout (where everything goes, deterministic) → paint (egui) or svg. Both
//! painters draw the same layout.

pub mod graph;
pub mod layout;
pub mod paint;
pub mod svg;

pub use graph::{Graph, build};
pub use layout::{Layout, Shape, lay_out};

#[cfg(test)]
#[path = "../../benches/generate.rs"]
pub(crate) mod tests_support;
