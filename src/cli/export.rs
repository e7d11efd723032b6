//! `egress-studio export`.

use super::output::{errln, is_closed_pipe};
use super::{EXIT_BAD_INPUT, EXIT_OK};
use crate::model::ApiVersion;
use crate::yaml::{self, SourceFile};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Rewrite ServiceEntries and DestinationRules to networking.istio.io/<VERSION>; other kinds pass through unchanged.
    #[arg(long, value_enum)]
    pub api_version: Option<ApiVersionArg>,
    /// Write one file per resource into this folder.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub split: Option<PathBuf>,
    /// Write one multi-document file here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Skip files and folders matching GLOB (repeatable; see `validate --help`).
    #[arg(long, value_name = "GLOB", value_parser = crate::yaml::walk::Glob::parse)]
    pub exclude: Vec<crate::yaml::walk::Glob>,
    /// Manifests to export: files, folders (every *.yaml and *.yml below) or `-` for standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiVersionArg {
    V1,
    V1beta1,
    V1alpha3,
}

impl From<ApiVersionArg> for ApiVersion {
    fn from(v: ApiVersionArg) -> Self {
        match v {
            ApiVersionArg::V1 => ApiVersion::V1,
            ApiVersionArg::V1beta1 => ApiVersion::V1beta1,
            ApiVersionArg::V1alpha3 => ApiVersion::V1alpha3,
        }
    }
}

pub fn run(args: &ExportArgs) -> u8 {
    let version = args.api_version.map(ApiVersion::from);
    let mut objects = Vec::new();
    let paths = match crate::yaml::walk::expand(&args.files, &args.exclude) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    for path in &paths {
        let file = match SourceFile::read(path) {
            Ok(f) => f,
            Err(e) => {
                errln!("error: {e}");
                return EXIT_BAD_INPUT;
            }
        };
        match yaml::export_objects(&file, version) {
            Ok(o) => objects.extend(o),
            Err(e) => {
                errln!("error: {e}");
                return EXIT_BAD_INPUT;
            }
        }
    }
    if objects.is_empty() {
        // Writing an empty file would pass for an export that worked.
        errln!("error: no Kubernetes object found in the input: nothing to export");
        return EXIT_BAD_INPUT;
    }
    let result = if let Some(dir) = &args.split {
        yaml::export_split(&objects, dir).map(|paths| {
            errln!("wrote {} files to {}", paths.len(), dir.display());
        })
    } else if let Some(out) = &args.output {
        yaml::atomic_write(out, yaml::join_stream(&objects).as_bytes())
    } else {
        let text = yaml::join_stream(&objects);
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
        {
            // The reader stopped early (`| head`): nothing to report.
            Err(e) if is_closed_pipe(&e) => {}
            Err(e) => {
                errln!("error: cannot write to standard output: {e}");
                return EXIT_BAD_INPUT;
            }
            Ok(()) => {}
        }
        Ok(())
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if e.is_closed_pipe() => EXIT_OK,
        Err(e) => {
            errln!("error: {e}");
            EXIT_BAD_INPUT
        }
    }
}
