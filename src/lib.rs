//! egress-studio: a desktop editor and CLI for Istio egress.
//!
//! Layers depend only downward: `cli` → `validate` → `yaml` → `model`.

pub mod app;
pub mod cli;
pub mod diagram;
pub mod model;
pub mod policy;
pub mod probe;
pub mod recipes;
pub mod validate;
pub mod yaml;
