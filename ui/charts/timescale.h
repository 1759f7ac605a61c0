#pragma once

#include "model/timestamp.h"

#include <algorithm>
#include <cmath>

namespace cepheid::ui {

// Time <-> pixel for the timeline and host lanes: a visible range [start, end) drawn over `width` pixels. Plain
// maths, tested without a widget. Views call keepNear() after every zoom and pan.
struct TimeScale
{
    TimestampUs start = 0;
    TimestampUs end = 1;
    double width = 1;

    double toPixel(TimestampUs time) const
    {
        return static_cast<double>(time - start) * width / static_cast<double>(std::max<TimestampUs>(1, end - start));
    }
    TimestampUs toTime(double pixel) const
    {
        return start
            + static_cast<TimestampUs>(std::llround(pixel * static_cast<double>(end - start) / std::max(1.0, width)));
    }
    // Zooms by `factor` (> 1 zooms in) keeping the time under `anchorPixel` where it is; never narrower than 1 s.
    void zoom(double factor, double anchorPixel)
    {
        const TimestampUs anchor = toTime(anchorPixel);
        const double span = std::max(1e6, static_cast<double>(end - start) / factor);
        const double left = span * anchorPixel / std::max(1.0, width);
        start = anchor - static_cast<TimestampUs>(left);
        end = start + static_cast<TimestampUs>(span);
    }
    void pan(double pixels)
    {
        const TimestampUs shift
            = static_cast<TimestampUs>(pixels * static_cast<double>(end - start) / std::max(1.0, width));
        start -= shift;
        end -= shift;
    }
    // Keeps the view near the data [first, last]: at most four times its span wide (or a day), and never panned
    // so far that none of it is in view. Zooming out for ever would otherwise overflow the microsecond range.
    void keepNear(TimestampUs first, TimestampUs last)
    {
        const TimestampUs range = std::max<TimestampUs>(last - first, kMicrosPerSecond);
        const TimestampUs widest = std::max<TimestampUs>(4 * range, kMicrosPerDay);
        if (end - start > widest) {
            const TimestampUs middle = start + (end - start) / 2;
            start = middle - widest / 2;
            end = start + widest;
        }
        const TimestampUs span = end - start;
        if (start > last) {
            start = last - span / 2;
            end = start + span;
        } else if (end < first) {
            end = first + span / 2;
            start = end - span;
        }
    }
};

} // namespace cepheid::ui
