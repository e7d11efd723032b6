//! Writes a generated N-resource workspace (default 10,000) to a file, for
//! benchmarking the CLI against other tools: `cargo run --release --example generate -- OUT [N]`.

#[path = "../benches/generate.rs"]
mod generate;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: generate OUT [N]");
        return std::process::ExitCode::from(2);
    };
    let n = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    match std::fs::write(&out, generate::workspace_yaml(n)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{out}: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
