//! What `egress-studio validate` costs as a user runs it: the whole process on
//! the generated 10,000-resource file (read, parse, judge, report), and its
//! peak memory, printed beside the timing (the largest max RSS of the runs).

mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use std::process::{Command, Stdio};

/// The largest max RSS of the children waited for so far, in KiB.
fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss
}

fn validate(c: &mut Criterion) {
    let Ok(dir) = tempfile::tempdir() else { return };
    // One ServiceEntry in ten behind an egress gateway (Gateway, VirtualService
    // and the gateway hop's DestinationRule), as the edit benchmark's `_gateways`.
    let chained = dir.path().join("big-gateways.yaml");
    if std::fs::write(&chained, generate::workspace_yaml_with_gateways(10_000)).is_err() {
        return;
    }
    let path = dir.path().join("big.yaml");
    let text = generate::workspace_yaml(10_000);
    let size = text.len();
    if std::fs::write(&path, text).is_err() {
        return;
    }
    let run_on = |file: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_egress-studio"))
            .arg("validate")
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.code())
    };
    let mut group = c.benchmark_group("validate");
    group.sample_size(20);
    group.bench_function("process_10k_resources", |b| b.iter(|| run_on(&path)));
    let rss = children_max_rss_kib();
    group.bench_function("process_10k_resources_gateways", |b| {
        b.iter(|| run_on(&chained))
    });
    group.finish();
    println!(
        "validate: file {:.2} MB, max RSS {:.1} MB ({:.1}x the file)",
        size as f64 / 1e6,
        rss as f64 * 1024.0 / 1e6,
        rss as f64 * 1024.0 / size as f64
    );
}

criterion_group!(benches, validate);
criterion_main!(benches);
