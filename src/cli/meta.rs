//! The commands that describe the tool rather than manifests: `explain`,
//! `completions` and `manpage`, plus the `--version` text and the `--verbose`
//! logging switch. Scripts and packagers use them; they read no manifest.

use super::output::errln;
use super::{Cli, EXIT_BAD_INPUT, EXIT_OK};
use crate::validate::{IstioVersion, explain};
use clap::{Args, CommandFactory};
use std::io::Write;
use std::sync::OnceLock;

/// `--version`: the tool's version and the Istio releases it can judge.
pub fn version_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{}\njudges Istio {} to {} ({} = master); default --istio-version {}, the latest GA",
            env!("CARGO_PKG_VERSION"),
            IstioVersion::OLDEST,
            IstioVersion::MASTER,
            IstioVersion::MASTER,
            IstioVersion::LATEST_GA
        )
    })
}

/// Logging to standard error: off unless `verbose` (this crate at debug level)
/// or `RUST_LOG` is set (which wins). Nothing logged carries key material:
/// certificates are named by path and subject, never by content.
pub fn init_logging(verbose: bool) {
    let mut builder = env_logger::Builder::new();
    match std::env::var("RUST_LOG") {
        Ok(filter) if !filter.trim().is_empty() => {
            builder.parse_filters(&filter);
        }
        _ if verbose => {
            builder.filter_module("egress_studio", log::LevelFilter::Debug);
        }
        _ => {
            builder.filter_level(log::LevelFilter::Off);
        }
    }
    // A second call (tests run several commands in one process) keeps the first.
    let _ = builder.format_timestamp(None).try_init();
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code as printed in brackets, e.g. SE11, TLS3, CRD-ENUM, IST0128.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its one-line description.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `explain CODE` or `explain --list`.
pub fn explain(args: &ExplainArgs) -> u8 {
    let mut out = std::io::stdout().lock();
    let text = match (&args.code, args.list) {
        (_, true) => explain::all()
            .map(|e| format!("{:<22} {}\n", e.code, e.title))
            .collect(),
        (Some(code), false) => match explain::lookup(code) {
            Some(e) => e.render(),
            None => {
                errln!("{}", unknown_code(code));
                return EXIT_BAD_INPUT;
            }
        },
        (None, false) => {
            errln!("error: name a code, e.g. `egress-studio explain SE11`, or use --list");
            return EXIT_BAD_INPUT;
        }
    };
    write_out(&mut out, text.as_bytes())
}

/// The error for a code the registry does not know, with the codes that share
/// its prefix.
fn unknown_code(code: &str) -> String {
    let upper = code.trim().to_ascii_uppercase();
    let prefix: String = upper
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
        .collect();
    let similar: Vec<&str> = explain::all()
        .map(|e| e.code)
        .filter(|c| !prefix.is_empty() && c.starts_with(&prefix))
        .take(12)
        .collect();
    let hint = if similar.is_empty() {
        String::new()
    } else {
        format!(" Codes starting with {prefix}: {}.", similar.join(", "))
    };
    format!(
        "error: no diagnostic code \"{}\".{hint} `egress-studio explain --list` lists them all.",
        code.trim()
    )
}

/// `completions SHELL`.
pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "egress-studio",
        &mut script,
    );
    write_out(&mut std::io::stdout().lock(), &script)
}

/// `manpage`.
pub fn manpage() -> u8 {
    match render_manpage() {
        Ok(page) => write_out(&mut std::io::stdout().lock(), page.as_bytes()),
        Err(e) => {
            errln!("error: cannot render the man page: {e}");
            EXIT_BAD_INPUT
        }
    }
}

/// clap_mangen's page of the whole command with its title line first (as `man`
/// and `mandb` expect; clap_mangen puts its quote-string definitions before it),
/// then each subcommand's options under a section named after it.
fn render_manpage() -> std::io::Result<String> {
    // The title line holds one line of version; the releases judged go in the text.
    let command = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .after_long_help(version_text().lines().skip(1).collect::<String>());
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    let mut lines: Vec<String> = String::from_utf8_lossy(&page)
        .lines()
        .map(str::to_string)
        .collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(".TH ")) {
        let title = lines.remove(i);
        lines.insert(0, title);
    }
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut options = Vec::new();
        clap_mangen::Man::new(sub.clone()).render_options_section(&mut options)?;
        let name = sub.get_name().to_uppercase();
        for line in String::from_utf8_lossy(&options).lines() {
            // The quote-string definitions are already at the top of the page.
            if line.starts_with(".ie ") || line.starts_with(".el ") {
                continue;
            }
            lines.push(match line.strip_prefix(".SH ") {
                Some(heading) => format!(".SH \"{name} {}\"", heading.trim_matches('"')),
                None => line.to_string(),
            });
        }
    }
    Ok(lines.join("\n") + "\n")
}

fn write_out(out: &mut impl Write, bytes: &[u8]) -> u8 {
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => EXIT_OK,
        // The reader stopped early (`| head`): nothing to report.
        Err(e) if super::output::is_closed_pipe(&e) => EXIT_OK,
        Err(e) => {
            errln!("error: cannot write to standard output: {e}");
            EXIT_BAD_INPUT
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_the_releases_judged() {
        let v = version_text();
        assert!(v.contains("1.20 to 1.31"), "{v}");
        assert!(v.contains("default --istio-version 1.30"), "{v}");
    }

    #[test]
    fn unknown_codes_suggest_the_family() {
        let m = unknown_code("se99");
        assert!(m.contains("SE11"), "{m}");
        assert!(m.contains("explain --list"), "{m}");
    }
}
