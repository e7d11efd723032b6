//! Entry point: a subcommand runs headless; otherwise the editor opens.

use clap::Parser;
use egress_studio::cli::{self, Cli};
use std::process::ExitCode;

/// mimalloc: parsing a big file is mostly small allocations, which it serves
/// in about two thirds of the CPU time of the system allocator. Without
/// transparent huge pages (`no_thp`), so peak memory stays near the system
/// allocator's (both measured by `cargo bench --bench validate`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
