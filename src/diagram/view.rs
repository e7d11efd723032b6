//! Which part of the layout the panel shows, without egui: the default view on
//! open, on a change of files and on selection, and "fit". Zoom never goes below
//! the one at which the smallest label is `MIN_FONT` px (100 %, since labels are
//! laid out at ≥ `MIN_FONT`); what does not fit is scrolled to, not shrunk.

use super::layout::{Layout, MARGIN, Rect};
use crate::validate::Site;

/// The lowest zoom the view picks by itself.
pub const READABLE_ZOOM: f32 = 1.0;

/// The band of the selected ServiceEntry or DestinationRule, if it is drawn.
pub fn band_of(layout: &Layout, selected: Site) -> Option<Rect> {
    layout
        .bands
        .iter()
        .find(|b| b.site == selected)
        .or_else(|| layout.bands.iter().find(|b| b.rule == Some(selected)))
        .map(|b| b.rect)
}

/// The scene rectangle (layout coordinates) a `panel` (w, h) shows at 100 %:
/// the selected route's band whole, from its workloads to its external host, and
/// as much of the rest as fits; the top of the diagram when nothing is selected.
/// A panel narrower than the layout keeps the host column (the right) in view.
pub fn default_view(layout: &Layout, panel: (f32, f32), selected: Option<Site>) -> Rect {
    let (w, h) = (panel.0.max(1.0), panel.1.max(1.0));
    let x = (layout.width - w).max(0.0);
    let band = selected.and_then(|s| band_of(layout, s));
    let y = match band {
        Some(b) if b.y + b.h > h - MARGIN => {
            // Show the band near the top, with what precedes it for context.
            let top = (b.y - 2.0 * MARGIN - super::layout::HEADER_H).max(0.0);
            top.min((layout.height - h).max(0.0)).min(b.y)
        }
        _ => 0.0,
    };
    Rect { x, y, w, h }
}

/// Whether `view` shows the selected band whole (the view then stays put).
pub fn shows(layout: &Layout, view: Rect, selected: Site) -> bool {
    band_of(layout, selected).is_none_or(|b| {
        view.contains(&Rect {
            x: b.x.max(view.x),
            w: b.w.min(view.w),
            ..b
        })
    })
}

/// "Fit": the whole diagram if it fits at a readable zoom, otherwise the whole
/// width at the readable zoom from the current `top` (the rest scrolls). Since
/// labels are laid out at the smallest readable size and the layout is as wide
/// as the panel, that zoom is 100 %.
pub fn fit(layout: &Layout, panel: (f32, f32), top: f32) -> Rect {
    let (w, h) = (
        panel.0.max(1.0) / READABLE_ZOOM,
        panel.1.max(1.0) / READABLE_ZOOM,
    );
    Rect {
        x: (layout.width - w).max(0.0),
        y: top.clamp(0.0, (layout.height - h).max(0.0)),
        w,
        h,
    }
}

/// The zoom a scene rectangle gives in a panel (egui's `Scene` fits the
/// rectangle into the panel keeping its aspect ratio).
pub fn zoom(view: Rect, panel: (f32, f32)) -> f32 {
    (panel.0 / view.w.max(1.0)).min(panel.1 / view.h.max(1.0))
}
