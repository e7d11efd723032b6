//! The traffic route of the workspace as a diagram: graph (what routes exist and
//! how secure each port is) → layout (where everything goes, deterministic) →
//! paint (egui) | svg | png. Every painter draws the same layout, with the same
//! glyphs and legend.

pub mod glyph;
pub mod graph;
pub mod layout;
pub mod overlay;
pub mod paint;
pub mod png;
pub mod shapes;
pub mod svg;
pub mod text;
pub mod view;

pub use graph::{Graph, build};
pub use layout::{Layout, Shape, lay_out};
pub use overlay::ProbeResult;

#[cfg(test)]
#[path = "../../benches/generate.rs"]
pub(crate) mod tests_support;
