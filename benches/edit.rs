//! What a keystroke costs: one form edit through the app's own edit path (undo
//! step, incremental validation, derived views) plus the next two frames, with
//! 100, 1,000 and 10,000 generated resources open and a ServiceEntry selected
//! (and at 1,000 and 10,000 with one ServiceEntry in ten behind an egress
//! gateway, editing one of those: the `_gateways` cases).
//! Also the session alone (edit + revalidate, no frames), for a form edit and
//! for a document's new text typed in the YAML tab.

mod generate;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use egress_studio::app::EgressStudio;
use egress_studio::model::Resource;
use egress_studio::validate::Site;
use egress_studio::yaml::SourceFile;
use std::hint::black_box;

const SITE: Site = Site {
    file: 0,
    document: 0,
    item: Some(0),
};

fn open(n: usize, gateways: bool) -> Option<EgressStudio> {
    let text = if gateways {
        generate::workspace_yaml_with_gateways(n)
    } else {
        generate::workspace_yaml(n)
    };
    let file = SourceFile::from_bytes("bench.yaml".into(), text.into_bytes()).ok()?;
    let mut app = EgressStudio::default();
    app.add_file(file, false);
    app.session.selected = Some(SITE);
    Some(app)
}

/// The selected ServiceEntry with its first port renamed (alternating names).
fn edited(app: &EgressStudio, round: u64) -> Option<Resource> {
    let mut r = app.selected_resource()?.clone();
    if let Resource::ServiceEntry(se) = &mut r {
        se.spec.ports[0].name = Some(
            if round.is_multiple_of(2) {
                "tls"
            } else {
                "tls-x"
            }
            .into(),
        );
    }
    Some(r)
}

fn edit(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut group = c.benchmark_group("edit");
    group.sample_size(20);
    for (n, gateways) in [
        (100, false),
        (1_000, false),
        (10_000, false),
        (1_000, true),
        (10_000, true),
    ] {
        let Some(mut app) = open(n, gateways) else {
            return;
        };
        // The edited ServiceEntry is one that leaves through the gateway there.
        let name = |what: &str| {
            if gateways {
                format!("{what}_gateways")
            } else {
                what.to_string()
            }
        };
        for _ in 0..3 {
            let mut out = ctx.run_ui(input(), |ui| app.ui_root(ui));
            out.textures_delta.clear();
        }
        let mut round = 0u64;
        group.bench_with_input(
            BenchmarkId::new(name("edit_and_two_frames"), n),
            &n,
            |b, _| {
                b.iter(|| {
                    round += 1;
                    if let Some(r) = edited(&app, round) {
                        app.apply_edit(SITE, r, None);
                    }
                    for _ in 0..2 {
                        let mut out = ctx.run_ui(input(), |ui| app.ui_root(ui));
                        out.textures_delta.clear();
                        black_box(out.shapes.len());
                    }
                })
            },
        );
        group.bench_with_input(BenchmarkId::new(name("session_edit"), n), &n, |b, _| {
            b.iter(|| {
                round += 1;
                if let Some(r) = edited(&app, round) {
                    black_box(app.session.apply_edit(SITE, r, None).is_ok());
                }
            })
        });
        // A keystroke in the YAML tab: the document's new text, with a name
        // changed in its line, or one line longer (every later document's
        // findings move down a line).
        let raw = app.session.workspace.files[0].documents[0].raw.clone();
        let longer = format!("{raw}# typed\n");
        let renamed = raw.replacen("  name: api-0\n", "  name: api-0x\n", 1);
        group.bench_with_input(
            BenchmarkId::new(name("session_text_edit_in_line"), n),
            &n,
            |b, _| {
                b.iter(|| {
                    round += 1;
                    let text = if round.is_multiple_of(2) {
                        &raw
                    } else {
                        &renamed
                    };
                    let placed = app
                        .session
                        .replace_document_text(0, 0, text, Some(SITE), None);
                    black_box(placed.is_ok());
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new(name("session_text_edit_new_line"), n),
            &n,
            |b, _| {
                b.iter(|| {
                    round += 1;
                    let text = if round.is_multiple_of(2) {
                        &raw
                    } else {
                        &longer
                    };
                    let placed = app
                        .session
                        .replace_document_text(0, 0, text, Some(SITE), None);
                    black_box(placed.is_ok());
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, edit);
criterion_main!(benches);
