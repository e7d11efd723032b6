//! Times what Open Folder does with a large GitOps-like tree: N files (default
//! 10,000) of one ServiceEntry or DestinationRule each, spread over 100 team
//! folders, plus a `.git` folder that must be skipped. Prints each stage:
//! `cargo run --example open_folder -- [N]` (add `--release` for release figures).

#[path = "../benches/generate.rs"]
mod generate;

use egress_studio::app::{EgressStudio, folder_manifests, read_all};
use std::time::Instant;

fn main() -> std::process::ExitCode {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir =
        std::env::temp_dir().join(format!("egress-studio-open-folder-{}", std::process::id()));
    let text = generate::workspace_yaml(n);
    let docs: Vec<&str> = text
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .collect();
    for (i, doc) in docs.iter().enumerate() {
        let team = dir.join(format!("team-{:02}", i % 100)).join("egress");
        if let Err(e) = std::fs::create_dir_all(&team)
            .and_then(|()| std::fs::write(team.join(format!("r-{i:05}.yaml")), doc))
        {
            eprintln!("{}: {e}", team.display());
            return std::process::ExitCode::from(1);
        }
    }
    let git = dir.join(".git");
    let _ =
        std::fs::create_dir_all(&git).and_then(|()| std::fs::write(git.join("x.yaml"), docs[0]));

    let start = Instant::now();
    let found = match folder_manifests(&dir) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(1);
        }
    };
    let walked = start.elapsed();
    let t = Instant::now();
    let read: Vec<_> = read_all(found.clone())
        .into_iter()
        .filter_map(|(_, r)| r.ok())
        .collect();
    let read_time = t.elapsed();
    let mut app = EgressStudio::default();
    app.watch_files = false;
    let t = Instant::now();
    app.session.add_read_files(read);
    app.session.folders.push(dir.clone());
    let judged = t.elapsed();
    let t = Instant::now();
    let rows = app.resource_tree().len();
    let tree = t.elapsed();
    let t = Instant::now();
    let events = app.session.check_disk();
    let check = t.elapsed();
    println!(
        "{} files found in {:.0} ms; read and parsed in {:.0} ms; added and judged in {:.0} ms ({} diagnostics); tree of {rows} rows built and labelled in {:.0} ms; disk check of every file in {:.0} ms ({} changes)",
        found.len(),
        walked.as_secs_f64() * 1e3,
        read_time.as_secs_f64() * 1e3,
        judged.as_secs_f64() * 1e3,
        app.session.diagnostics.len(),
        tree.as_secs_f64() * 1e3,
        check.as_secs_f64() * 1e3,
        events.len(),
    );
    // A branch checkout: a tenth of the files change under the editor.
    let changed: Vec<_> = found.iter().step_by(10).collect();
    for p in &changed {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let _ = std::fs::write(p, text.replace("name: ", "name: x"));
    }
    let t = Instant::now();
    let events = app.session.check_disk();
    println!(
        "after {} files changed on disk: disk check and reload in {:.0} ms ({} files reloaded)",
        changed.len(),
        t.elapsed().as_secs_f64() * 1e3,
        events.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::process::ExitCode::SUCCESS
}
