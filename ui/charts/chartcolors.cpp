#include "chartcolors.h"

#include <cmath>

namespace cepheid::ui {

namespace {

double channel(double value)
{
    value /= 255.0;
    return value <= 0.03928 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
}

double luminance(const QColor& colour)
{
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue());
}

QColor blend(const QColor& from, const QColor& to, double share)
{
    return QColor::fromRgbF(static_cast<float>(from.redF() + (to.redF() - from.redF()) * share),
        static_cast<float>(from.greenF() + (to.greenF() - from.greenF()) * share),
        static_cast<float>(from.blueF() + (to.blueF() - from.blueF()) * share));
}

QColor withAlpha(QColor colour, int alpha)
{
    colour.setAlpha(alpha);
    return colour;
}

} // namespace

double contrastRatio(const QColor& a, const QColor& b)
{
    const double x = luminance(a), y = luminance(b);
    return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

bool isDark(const QPalette& palette)
{
    return luminance(palette.color(QPalette::Base)) < luminance(palette.color(QPalette::Text));
}

ChartColors chartColors(const QPalette& palette)
{
    const bool dark = isDark(palette);
    ChartColors colors;
    colors.background = palette.color(QPalette::Base);
    colors.text = palette.color(QPalette::Text);
    colors.mutedText = blend(colors.text, colors.background, 0.3);
    colors.grid = blend(colors.text, colors.background, dark ? 0.82 : 0.88);
    colors.series = dark ? QColor(93, 173, 226) : QColor(31, 97, 141);
    colors.accent = dark ? QColor(245, 176, 65) : QColor(186, 74, 0);
    colors.band = withAlpha(colors.accent, dark ? 60 : 45);
    colors.night = withAlpha(dark ? QColor(150, 150, 200) : QColor(70, 70, 110), dark ? 40 : 28);
    colors.firing = withAlpha(dark ? QColor(236, 112, 99) : QColor(192, 57, 43), 170);
    // Purple: apart from the series' blue, the period's orange and the firing red.
    colors.change = dark ? QColor(195, 155, 211) : QColor(125, 60, 152);
    colors.selection = withAlpha(palette.color(QPalette::Highlight), 70);
    colors.hover = dark ? QColor(255, 255, 255) : QColor(0, 0, 0);
    return colors;
}

QColor tintFor(const QPalette& palette, const QColor& hue)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    // Start with a clearly visible tint and fade it toward the base until the text reads at AA.
    for (double share = 0.35; share > 0.02; share -= 0.03) {
        const QColor tint = blend(base, hue, share);
        if (contrastRatio(tint, text) >= 4.5)
            return tint;
    }
    return base;
}

} // namespace cepheid::ui
