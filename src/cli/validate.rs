//! `egress-studio validate` (admission: will the cluster accept each resource?)
//! and `egress-studio analyze` (validate's findings plus cross-resource analysis).

use super::output::errln;
use super::report::{Report, ReportFormat};
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK};
use crate::validate::{self, IstioVersion, MeshConfig};
use crate::yaml::walk::{self, Glob};
use crate::yaml::{SourceFile, Workspace};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub output: ReportFormat,
    /// Judge fields and rules as this Istio release does (1.31 = master).
    #[arg(long, default_value_t = IstioVersion::LATEST_GA, value_parser = parse_version)]
    pub istio_version: IstioVersion,
    /// Which severity makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Skip files and folders matching GLOB (repeatable): `*` and `?` within a name, `**` across folders, matched at any depth, e.g. `charts/**` or `*.sops.yaml`.
    #[arg(long, value_name = "GLOB", value_parser = Glob::parse)]
    pub exclude: Vec<Glob>,
    /// Manifests to check: files, folders (every *.yaml and *.yml below, hidden ones skipped) or `-` for standard input.
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
    let paths = match walk::expand(&args.files, &args.exclude) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let opts = validate::Options {
        istio_version: args.istio_version,
    };
    let analyzing = mesh.is_some();
    let mut workspace = Workspace::default();
    let mut unreadable: Vec<(String, String)> = Vec::new();
    // Admission judges each document alone: `validate` judges a document on the
    // thread that parsed it and keeps only its outline, so a big folder is never
    // held whole as models. `analyze` needs every model at once.
    let mut admitted = Vec::new();
    for path in &paths {
        let file = workspace.files.len();
        let read = if analyzing {
            SourceFile::read(path).map(|f| (f, Vec::new()))
        } else {
            SourceFile::read_with(path, &|document, doc| {
                let found = validate::check_document(file, document, doc, &opts);
                doc.release();
                found
            })
        };
        match read {
            Ok((f, found)) => {
                workspace.files.push(f);
                admitted.extend(found.into_iter().flatten());
            }
            Err(e) => unreadable.push((path.display().to_string(), e.to_string())),
        }
    }
    let mut found = match mesh {
        None => admitted,
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

    let parse_failed = workspace
        .files
        .iter()
        .flat_map(|f| f.documents.iter())
        .any(|d| {
            d.error
                .as_ref()
                .is_some_and(|e| validate::is_unreadable(e.class))
        });

    let report = Report::new(&workspace, &found, &unreadable, analyzing);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = report.write(args.output, &mut out)
        && !super::output::is_closed_pipe(&e)
    {
        errln!("error: cannot write to standard output: {e}");
        return EXIT_BAD_INPUT;
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
        FailOn::Error => report.errors,
        FailOn::Warning => report.errors + report.warnings,
    };
    if failing > 0 { EXIT_FINDINGS } else { EXIT_OK }
}
