//! Entry point: a subcommand runs headless; otherwise the editor opens.

use clap::Parser;
use egress_studio::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    cli::init_logging(args.verbose);
    match args.command {
        Some(command) => ExitCode::from(cli::run(command)),
        None => match egress_studio::app::run(args.files) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                egress_studio::cli::output::stderr(&format!("egress-studio: {e:#}\n"));
                ExitCode::from(cli::EXIT_BAD_INPUT)
            }
        },
    }
}
