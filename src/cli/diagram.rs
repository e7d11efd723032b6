//! `egress-studio diagram`: the route diagram as SVG and/or PNG, from the same
//! layout the app draws.

use super::output::errln;
use super::{EXIT_BAD_INPUT, EXIT_OK};
use crate::diagram;
use crate::yaml::{SourceFile, Workspace};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("out").required(true).multiple(true).args(["svg", "png"]))]
pub struct DiagramArgs {
    /// Write the diagram as SVG here.
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,
    /// Write the diagram as PNG (2× scale) here.
    #[arg(long, value_name = "OUT")]
    pub png: Option<PathBuf>,
    /// Dark colours instead of light.
    #[arg(long)]
    pub dark: bool,
    /// Skip files and folders matching GLOB (repeatable; see `validate --help`).
    #[arg(long, value_name = "GLOB", value_parser = crate::yaml::walk::Glob::parse)]
    pub exclude: Vec<crate::yaml::walk::Glob>,
    /// Manifests: files, folders (every *.yaml and *.yml below) or `-` for standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Why the input cannot be drawn at all: unreadable YAML or no object.
fn unreadable(workspace: &Workspace) -> Vec<String> {
    let mut out = Vec::new();
    for f in &workspace.files {
        for d in &f.documents {
            if let Some(e) = d
                .error
                .as_ref()
                .filter(|e| crate::validate::is_unreadable(e.class))
            {
                out.push(format!(
                    "{}:{}:{}: error: {}",
                    f.display_path(),
                    e.pos.line,
                    e.pos.column,
                    e.message
                ));
            }
        }
    }
    let objects: usize = workspace
        .files
        .iter()
        .map(|f| f.documents.iter().map(|d| d.items.len()).sum::<usize>())
        .sum();
    if out.is_empty() && objects == 0 {
        let shown: Vec<String> = workspace.files.iter().map(|f| f.display_path()).collect();
        out.push(format!(
            "error: no Kubernetes object found in {}: nothing to draw",
            shown.join(", ")
        ));
    }
    out
}

pub fn run(args: &DiagramArgs) -> u8 {
    let mut workspace = Workspace::default();
    let paths = match crate::yaml::walk::expand(&args.files, &args.exclude) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    for path in &paths {
        match SourceFile::read(path) {
            Ok(f) => workspace.files.push(f),
            Err(e) => {
                errln!("error: {e}");
                return EXIT_BAD_INPUT;
            }
        }
    }
    let problems = unreadable(&workspace);
    if !problems.is_empty() {
        for p in problems {
            errln!("{p}");
        }
        return EXIT_BAD_INPUT;
    }
    let diagnostics = crate::validate::analyze(
        &workspace,
        &crate::validate::Options::default(),
        &crate::validate::MeshConfig::from_workspace(&workspace)
            .and_then(Result::ok)
            .unwrap_or_default(),
    );
    let graph = diagram::build(&workspace, &diagnostics, &[], &Default::default());
    let layout = diagram::lay_out(&graph, &Default::default(), diagram::layout::EXPORT_WIDTH);
    let palette = if args.dark {
        &diagram::svg::DARK
    } else {
        &diagram::svg::LIGHT
    };
    let entries = graph.routes().count();
    let what = if entries == 1 {
        "1 ServiceEntry".to_string()
    } else {
        format!("{entries} ServiceEntries")
    };
    let mut outputs: Vec<(&PathBuf, Result<Vec<u8>, String>)> = Vec::new();
    if let Some(p) = &args.svg {
        outputs.push((p, Ok(diagram::svg::render(&layout, palette).into_bytes())));
    }
    if let Some(p) = &args.png {
        outputs.push((
            p,
            diagram::png::render(&layout, palette, diagram::png::SCALE),
        ));
    }
    for (path, bytes) in outputs {
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                errln!("error: {}: {e}", path.display());
                return EXIT_BAD_INPUT;
            }
        };
        match crate::yaml::atomic_write(path, &bytes) {
            Ok(()) => errln!("wrote {} ({what})", path.display()),
            // `--svg /dev/stdout | head`: the reader stopped early, nothing to report.
            Err(e) if e.is_closed_pipe() => {}
            Err(e) => {
                errln!("error: {}: {e}", path.display());
                return EXIT_BAD_INPUT;
            }
        }
    }
    EXIT_OK
}
