#pragma once

#include <QColor>
#include <QPalette>

namespace cepheid::ui {

// Every colour a chart or a tinted row uses, derived from the widget's palette so light and dark themes both read:
// text and grid from the palette itself, the data colours chosen per theme for contrast against its base
// (docs/workbench.md, "Charts").
struct ChartColors
{
    QColor background; // the plot's base
    QColor text; // tick labels, titles
    QColor mutedText; // axis titles, notes
    QColor grid;
    QColor series; // bars, points, ticks
    QColor accent; // the period and its multiples
    QColor band; // the jitter band (translucent accent)
    QColor night; // UTC nights (translucent)
    QColor firing; // the rule's firing windows
    QColor change; // cloud changes on a flow's timeline
    QColor selection; // a dragged range
    QColor hover;
};

bool isDark(const QPalette& palette);
ChartColors chartColors(const QPalette& palette);

// A row tint for a verdict or a state: a hue blended into the palette's base, light enough (or dark enough) that
// the palette's text keeps a WCAG AA contrast of at least 4.5 on it.
QColor tintFor(const QPalette& palette, const QColor& hue);

// WCAG 2 contrast ratio of two opaque colours (1 to 21).
double contrastRatio(const QColor& a, const QColor& b);

} // namespace cepheid::ui
