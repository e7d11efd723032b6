//! `egress-studio validate` (admission: will the cluster accept each resource?)
//! and `egress-studio analyze` (validate's findings plus cross-resource analysis).

use super::output::{errln, outln};
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, Output};
use crate::validate::{self, IstioVersion, Located, MeshConfig, Severity};
use crate::yaml::{SourceFile, Workspace};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Judge fields and rules as this Istio release does (1.31 = master).
    #[arg(long, default_value_t = IstioVersion::LATEST_GA, value_parser = parse_version)]
    pub istio_version: IstioVersion,
    /// Which severity makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Manifests to check; `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub common: ValidateArgs,
    /// MeshConfig YAML (as `istioctl analyze --meshConfigFile` takes; an `istio`
    /// ConfigMap is read too). Without it, an `istio` ConfigMap among the files is
    /// used, else Istio's defaults.
    #[arg(long, value_name = "FILE")]
    pub mesh_config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

fn parse_version(s: &str) -> Result<IstioVersion, String> {
    s.parse()
}

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFile {
    path: String,
    documents: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    document: usize,
    line: usize,
    column: usize,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    severity: Severity,
    code: &'a str,
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonSummary {
    resources: usize,
    errors: usize,
    warnings: usize,
}

/// `validate`: admission findings only.
pub fn run(args: &ValidateArgs) -> u8 {
    report(args, None)
}

/// `analyze`: admission findings plus cross-resource analysis.
pub fn run_analyze(args: &AnalyzeArgs) -> u8 {
    let mesh = match &args.mesh_config {
        Some(path) => {
            let shown = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => match MeshConfig::parse(&text, &shown) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        errln!("error: {e}");
                        return EXIT_BAD_INPUT;
                    }
                },
                Err(e) => {
                    errln!("error: {shown}: cannot read the mesh config: {e}");
                    return EXIT_BAD_INPUT;
                }
            }
        }
        None => None,
    };
    report(&args.common, Some(mesh))
}

/// Reads the files and prints the findings; `mesh` is `Some` for `analyze` (with
/// the mesh config given on the command line, if any).
fn report(args: &ValidateArgs, mesh: Option<Option<MeshConfig>>) -> u8 {
    let mut workspace = Workspace::default();
    let mut unreadable: Vec<(String, String)> = Vec::new();
    for path in &args.files {
        match SourceFile::read(path) {
            Ok(f) => workspace.files.push(f),
            Err(e) => unreadable.push((path.display().to_string(), e.to_string())),
        }
    }
    let opts = validate::Options {
        istio_version: args.istio_version,
    };
    let analyzing = mesh.is_some();
    let mut found = match mesh {
        None => validate::check(&workspace, &opts),
        Some(given) => {
            let mesh = match given
                .map(Ok)
                .or_else(|| MeshConfig::from_workspace(&workspace))
            {
                Some(Ok(m)) => m,
                Some(Err(e)) => {
                    errln!("error: {e}");
                    return EXIT_BAD_INPUT;
                }
                None => MeshConfig::default(),
            };
            validate::analyze(&workspace, &opts, &mesh)
        }
    };
    found.sort_by_key(|d| (d.at.file, d.line, d.column));
    let objects: usize = workspace
        .files
        .iter()
        .map(|f| f.documents.iter().map(|d| d.items.len()).sum::<usize>())
        .sum();

    let resources = workspace
        .files
        .iter()
        .flat_map(|f| f.items())
        .filter(|(_, i)| i.is_istio())
        .count();
    let errors = found
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .count();
    let warnings = found
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Warning)
        .count();
    let parse_failed = workspace
        .files
        .iter()
        .flat_map(|f| f.documents.iter())
        .any(|d| {
            d.error
                .as_ref()
                .is_some_and(|e| validate::is_unreadable(e.class))
        });

    match args.output {
        Output::Text => {
            for (path, message) in &unreadable {
                errln!(
                    "{path}: error: {}",
                    message
                        .strip_prefix(&format!("{path}: "))
                        .unwrap_or(message)
                );
            }
            for d in &found {
                outln!("{}", text_line(&workspace, d));
            }
            if found.is_empty() && unreadable.is_empty() {
                errln!("{} checked, no findings", plural(resources, "resource"));
            } else {
                errln!(
                    "{} checked: {}, {}",
                    plural(resources, "resource"),
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            }
        }
        Output::Json => {
            let mut files: Vec<JsonFile> = workspace
                .files
                .iter()
                .map(|f| JsonFile {
                    path: f.display_path(),
                    documents: f.document_count(),
                    error: None,
                })
                .collect();
            for (path, message) in &unreadable {
                errln!("{message}");
                files.push(JsonFile {
                    path: path.clone(),
                    documents: 0,
                    error: Some(message.clone()),
                });
            }
            let diagnostics = found
                .iter()
                .map(|d| json_diagnostic(&workspace, d, analyzing))
                .collect();
            let report = JsonReport {
                files,
                diagnostics,
                summary: JsonSummary {
                    resources,
                    errors,
                    warnings,
                },
            };
            match serde_json::to_string_pretty(&report) {
                Ok(s) => outln!("{s}"),
                Err(e) => {
                    errln!("cannot write JSON: {e}");
                    return EXIT_BAD_INPUT;
                }
            }
        }
    }
    if !unreadable.is_empty() || parse_failed {
        return EXIT_BAD_INPUT;
    }
    if objects == 0 && found.is_empty() {
        let shown: Vec<String> = workspace.files.iter().map(|f| f.display_path()).collect();
        errln!(
            "error: no Kubernetes object found in {}: nothing was checked (only comments, blank documents or empty Lists)",
            shown.join(", ")
        );
        return EXIT_BAD_INPUT;
    }
    let failing = match args.fail_on {
        FailOn::Error => errors,
        FailOn::Warning => errors + warnings,
    };
    if failing > 0 { EXIT_FINDINGS } else { EXIT_OK }
}

fn text_line(ws: &Workspace, l: &Located) -> String {
    let d = &l.diagnostic;
    let file = ws.files[l.at.file].display_path();
    let what = if d.resource.kind.is_empty() {
        String::new()
    } else {
        format!(" {}", d.resource)
    };
    let path = if d.path.is_empty() {
        String::new()
    } else {
        format!(" {}", d.path)
    };
    format!(
        "{file}:{}:{}: {}[{}]{what}{path}: {}",
        l.line,
        l.column,
        d.severity.as_str(),
        d.code,
        d.message
    )
}

fn json_diagnostic<'a>(ws: &Workspace, l: &'a Located, with_source: bool) -> JsonDiagnostic<'a> {
    let d = &l.diagnostic;
    let file = &ws.files[l.at.file];
    JsonDiagnostic {
        file: file.display_path(),
        document: file.documents[l.at.document].ordinal,
        line: l.line,
        column: l.column,
        kind: &d.resource.kind,
        namespace: &d.resource.namespace,
        name: &d.resource.name,
        severity: d.severity,
        code: &d.code,
        path: &d.path,
        message: &d.message,
        source: with_source.then(|| d.source.as_str()),
    }
}

/// `1 resource`, `2 resources`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
