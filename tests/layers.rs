//! Layers depend only downward: nothing under the session, yaml, validate, probe
//! or the diagram's graph and layout may use egui (only `app` and the diagram's
//! painter do).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn ui_free_layers_do_not_use_egui() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in ["session", "yaml", "validate", "probe", "model"] {
        rust_files(&src.join(dir), &mut files);
    }
    for f in ["graph.rs", "layout.rs", "svg.rs"] {
        let p = src.join("diagram").join(f);
        if p.exists() {
            files.push(p);
        }
    }
    files.push(src.join("recipes.rs"));
    assert!(files.len() > 20, "found {} files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            assert!(
                !code.contains("egui::") && !code.contains("use egui") && !code.contains("eframe"),
                "{}:{}: {line}",
                path.display(),
                n + 1
            );
        }
    }
}
