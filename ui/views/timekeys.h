#pragma once

#include <Qt>

namespace cepheid::ui {

// The keys the timeline and the host lanes share: + (or =) and − zoom around the middle of the plot, ← and → pan
// a tenth of it, Home resets. View has zoom(factor, widgetX), pan(pixels) and resetZoom(). False for other keys.
template<typename View> bool handleTimeKey(View& view, int key, double plotMiddle, double plotWidth)
{
    switch (key) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        view.zoom(1.5, plotMiddle);
        return true;
    case Qt::Key_Minus:
        view.zoom(1 / 1.5, plotMiddle);
        return true;
    case Qt::Key_Left:
        view.pan(plotWidth / 10.0);
        return true;
    case Qt::Key_Right:
        view.pan(-plotWidth / 10.0);
        return true;
    case Qt::Key_Home:
        view.resetZoom();
        return true;
    default:
        return false;
    }
}

} // namespace cepheid::ui
