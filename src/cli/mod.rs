//! The headless commands: `validate`, `analyze`, `probe`, `diagram`, `export`,
//! and the ones that describe the tool: `explain`, `completions`, `manpage`.
//! Same engine as the GUI.

mod diagram;
mod export;
mod meta;
pub mod output;
pub mod probe;
mod report;
mod sarif;
mod validate;

pub use meta::init_logging;
pub use report::ReportFormat;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings (errors, or warnings with `--fail-on warning`).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: input could not be read or parsed, or bad arguments.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "egress-studio",
    version = meta::version_text(),
    about = "Design, validate, probe and export Istio egress (ServiceEntry, DestinationRule, egress-gateway Gateway and VirtualService)",
    long_about = "Design, validate, probe and export Istio egress: ServiceEntry and DestinationRule, and the Gateway and VirtualService of an egress-gateway chain.\n\n\
                  With no subcommand, opens FILE... in the desktop editor; a folder opens every *.yaml and *.yml file below it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files to open in the editor; a folder opens every manifest below it (hidden and vendored folders skipped).
    pub files: Vec<PathBuf>,
    /// Log what the loader and the probe do to standard error (RUST_LOG, e.g. `egress_studio=trace`, overrides).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Will the cluster admit each resource? Istio's webhook, the CRD schema/CEL and the API server's metadata rules, per resource (like `istioctl validate`). Exit 0 = no errors, 1 = errors found, 2 = could not read/parse input.
    Validate(validate::ValidateArgs),
    /// Do the resources work together? validate's findings plus Istio's analyzers (as `istioctl analyze --use-kube=false` runs them on these files) and egress-studio's own cross-resource checks. Same exit codes as validate.
    Analyze(validate::AnalyzeArgs),
    /// Resolve and handshake with each ServiceEntry host as its DestinationRule says (or HOST:PORT). Exit 0 = all reachable and verified, 1 = some failed, 2 = bad input.
    Probe(probe::ProbeArgs),
    /// Draw the traffic route of the manifests as SVG.
    Diagram(diagram::DiagramArgs),
    /// Write manifests out: one multi-document stream (stdout or -o FILE) or one file per resource (--split DIR).
    Export(export::ExportArgs),
    /// What a diagnostic code means, why Istio or the API server judges it so, the release where it matters, how to fix it, with an example.
    Explain(meta::ExplainArgs),
    /// Print a shell completion script to standard output, e.g. `egress-studio completions bash > /etc/bash_completion.d/egress-studio`.
    Completions(meta::CompletionsArgs),
    /// Print the man page (roff) to standard output, e.g. `egress-studio manpage > egress-studio.1`.
    Manpage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Output {
    #[default]
    Text,
    Json,
}

/// Runs a subcommand and returns the process exit code.
pub fn run(command: Command) -> u8 {
    match command {
        Command::Validate(args) => validate::run(&args),
        Command::Analyze(args) => validate::run_analyze(&args),
        Command::Export(args) => export::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::Diagram(args) => diagram::run(&args),
        Command::Explain(args) => meta::explain(&args),
        Command::Completions(args) => meta::completions(&args),
        Command::Manpage => meta::manpage(),
    }
}
