//! The diagram with a generated 1,000-resource workspace (500 ServiceEntries in
//! 40 namespaces): graph + layout rebuild after an edit, one egui frame painting
//! the diagram panel from its cached layout, and SVG / PNG export.

mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use egress_studio::diagram::{self, Layout, layout::EXPORT_WIDTH, paint, view};
use egress_studio::yaml::{SourceFile, Workspace};
use std::hint::black_box;
use std::time::Duration;

fn workspace() -> Option<Workspace> {
    let text = generate::workspace_yaml(1_000);
    let file = SourceFile::from_bytes("bench.yaml".into(), text.into_bytes()).ok()?;
    Some(Workspace { files: vec![file] })
}

fn lay_out(ws: &Workspace, diags: &[egress_studio::validate::Located]) -> Layout {
    let g = diagram::build(ws, diags, &[], &Default::default());
    diagram::lay_out(&g, &Default::default(), 600.0)
}

fn benches(c: &mut Criterion) {
    let Some(ws) = workspace() else {
        return;
    };
    let diags = egress_studio::validate::check(&ws, &Default::default());
    let mut group = c.benchmark_group("diagram");
    group.bench_function("graph_and_layout_rebuild_1000_resources", |b| {
        b.iter(|| black_box(lay_out(black_box(&ws), &diags).shapes.len()))
    });
    group.bench_function("graph_only_1000_resources", |b| {
        b.iter(|| {
            black_box(diagram::build(
                black_box(&ws),
                &diags,
                &[],
                &Default::default(),
            ))
        })
    });
    let graph = diagram::build(&ws, &diags, &[], &Default::default());
    group.bench_function("layout_only_1000_resources", |b| {
        b.iter(|| {
            black_box(diagram::lay_out(
                black_box(&graph),
                &Default::default(),
                600.0,
            ))
        })
    });

    // One frame of the panel (600×760) at the default view on the last route:
    // the app keeps the layout cached, so a frame is culling + painting.
    let layout = lay_out(&ws, &diags);
    let last = layout.bands.last().map(|b| b.site);
    let v = view::default_view(&layout, (600.0, 760.0), last);
    let mut scene = egui::Rect::from_min_size(egui::pos2(v.x, v.y), egui::vec2(v.w, v.h));
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(600.0, 800.0),
        )),
        ..Default::default()
    };
    let frame = |scene: &mut egui::Rect| {
        let mut out = ctx.run_ui(input(), |ui| {
            paint::legend_ui(ui, &layout.classes);
            paint::ui(ui, &layout, last, scene);
        });
        out.textures_delta.clear();
        out.shapes.len()
    };
    for _ in 0..3 {
        frame(&mut scene);
    }
    group.bench_function("paint_frame_1000_resources", |b| {
        b.iter(|| black_box(frame(&mut scene)))
    });

    let export = {
        let g = diagram::build(&ws, &diags, &[], &Default::default());
        diagram::lay_out(&g, &Default::default(), EXPORT_WIDTH)
    };
    group.bench_function("svg_export_1000_resources", |b| {
        b.iter(|| black_box(diagram::svg::render(black_box(&export), &diagram::svg::LIGHT).len()))
    });
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("png_export_1000_resources", |b| {
        b.iter(|| {
            black_box(
                diagram::png::render(black_box(&export), &diagram::svg::LIGHT, 2.0)
                    .map(|p| p.len())
                    .unwrap_or(0),
            )
        })
    });
    group.finish();
}

criterion_group!(diagram_benches, benches);
criterion_main!(diagram_benches);
