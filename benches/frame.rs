//! CPU time of one headless frame with a generated 1,000-resource workspace open
//! and a ServiceEntry selected, on the Form tab and on the YAML tab (layout +
//! tessellation-free egui pass).

mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use egress_studio::app::{EditorTab, EgressStudio};
use egress_studio::validate::Site;
use egress_studio::yaml::SourceFile;
use std::hint::black_box;

fn frame(c: &mut Criterion) {
    let text = generate::workspace_yaml(1_000);
    let Ok(file) = SourceFile::from_bytes("bench.yaml".into(), text.into_bytes()) else {
        return;
    };
    let mut app = EgressStudio::default();
    app.add_file(file, false);
    app.session.selected = Some(Site {
        file: 0,
        document: 0,
        item: Some(0),
    });
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    // Warm up fonts and layout caches.
    for _ in 0..3 {
        let mut out = ctx.run_ui(input(), |ui| app.ui_root(ui));
        out.textures_delta.clear();
    }
    let mut group = c.benchmark_group("frame");
    group.bench_function("frame_1000_resources_se_selected", |b| {
        b.iter(|| {
            let mut out = ctx.run_ui(input(), |ui| app.ui_root(ui));
            out.textures_delta.clear();
            black_box(out.shapes.len())
        })
    });
    // The same workspace with the YAML tab showing the ServiceEntry in the editor.
    app.tab = EditorTab::Yaml;
    for _ in 0..3 {
        let mut out = ctx.run_ui(input(), |ui| app.ui_root(ui));
        out.textures_delta.clear();
    }
    group.bench_function("frame_1000_resources_yaml_tab", |b| {
        b.iter(|| {
            let mut out = ctx.run_ui(input(), |ui| app.ui_root(ui));
            out.textures_delta.clear();
            black_box(out.shapes.len())
        })
    });
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
