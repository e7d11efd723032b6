//! Load + parse of a generated 10,000-resource file (half SE, half DR).

mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use egress_studio::yaml::SourceFile;
use std::hint::black_box;

fn load(c: &mut Criterion) {
    let text = generate::workspace_yaml(10_000);
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("load_parse_10k_resources", |b| {
        b.iter(|| {
            let file =
                SourceFile::from_bytes("bench.yaml".into(), black_box(text.as_bytes().to_vec()));
            black_box(file.map(|f| f.documents.len()).unwrap_or(0))
        })
    });
    let file = SourceFile::from_bytes("bench.yaml".into(), text.into_bytes());
    if let Ok(file) = file {
        let workspace = egress_studio::yaml::Workspace { files: vec![file] };
        let opts = egress_studio::validate::Options::default();
        group.bench_function("validate_10k_resources", |b| {
            b.iter(|| black_box(egress_studio::validate::check(black_box(&workspace), &opts).len()))
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
