//! egress-studio: a desktop editor and CLI for Istio egress.
//!
//! Layers depend only downward: `app` → `session` → `diagram` / `probe` →
//! `validate` → `yaml` → `model`; `cli` uses the layers under `app`.

pub mod app;
pub mod cli;
pub mod diagram;
pub mod gateway_recipes;
pub mod model;
pub mod policy;
pub mod probe;
pub mod recipes;
pub mod session;
pub mod validate;
pub mod yaml;
