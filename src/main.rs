//! Entry point: a subcommand runs headless; otherwise the editor opens.

use clap::Parser;
use egress_studio::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => ExitCode::from(cli::run(command)),
        None => {
            eprintln!(
                "egress-studio: the desktop editor is not built yet.\n\
                 usage: egress-studio validate [OPTIONS] FILE...|-\n       \
                 egress-studio export [--api-version v1|v1beta1|v1alpha3] [--split DIR | -o FILE] FILE...|-\n\
                 See `egress-studio --help`."
            );
            ExitCode::from(cli::EXIT_BAD_INPUT)
        }
    }
}
