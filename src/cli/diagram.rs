//! `egress-studio diagram`.

use super::output::errln;
use super::{EXIT_BAD_INPUT, EXIT_OK};
use crate::diagram;
use crate::yaml::{SourceFile, Workspace};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// Write the diagram as SVG here.
    #[arg(long, value_name = "OUT")]
    pub svg: PathBuf,
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
    let diagnostics = crate::validate::analyze(
        &workspace,
        &crate::validate::Options::default(),
        &crate::validate::MeshConfig::from_workspace(&workspace)
            .and_then(Result::ok)
            .unwrap_or_default(),
    );
    let graph = diagram::build(
        &workspace,
        &diagnostics,
        &Default::default(),
        &Default::default(),
    );
    let layout = diagram::lay_out(&graph, &Default::default());
    let svg = diagram::svg::render(
        &layout,
        if args.dark {
            &diagram::svg::DARK
        } else {
            &diagram::svg::LIGHT
        },
    );
    match crate::yaml::atomic_write(&args.svg, svg.as_bytes()) {
        Ok(()) => {
            errln!(
                "wrote {} ({} ServiceEntries)",
                args.svg.display(),
                graph.routes().count()
            );
            EXIT_OK
        }
        // `--svg /dev/stdout | head`: the reader stopped early, nothing to report.
        Err(e) if e.is_closed_pipe() => EXIT_OK,
        Err(e) => {
            errln!("error: {e}");
            EXIT_BAD_INPUT
        }
    }
}
