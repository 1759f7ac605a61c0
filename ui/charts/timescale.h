#pragma once

#include "model/timestamp.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

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

// The range a time axis shows for these times: all of them, unless a few lie far outside the rest (an export with
// events at years 0001 and 9999 squashed three days of beacons into one pixel column). Outliers are judged by
// fences ten interquartile ranges (at least a day) beyond the quartiles, so a case that really spans months keeps
// every event in range; what is left out is drawn as a marker that says how many events it holds
// (docs/security.md, "Display"). Returns [first, last).
inline std::pair<TimestampUs, TimestampUs> robustTimeRange(std::vector<TimestampUs> times)
{
    if (times.empty())
        return { 0, kMicrosPerSecond };
    const auto [lowest, highest] = std::minmax_element(times.begin(), times.end());
    TimestampUs first = *lowest, last = *highest;
    if (times.size() >= 4) {
        const auto quantile = [&](std::size_t at) {
            std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(at), times.end());
            return times[at];
        };
        const TimestampUs q1 = quantile(times.size() / 4), q3 = quantile(times.size() * 3 / 4);
        // In doubles: the quartiles of years 0001-9999 are range-checked, ten times their spread is not.
        const double slack
            = std::max(10.0 * (static_cast<double>(q3) - static_cast<double>(q1)), static_cast<double>(kMicrosPerDay));
        if (static_cast<double>(first) < static_cast<double>(q1) - slack)
            first = static_cast<TimestampUs>(static_cast<double>(q1) - slack);
        if (static_cast<double>(last) > static_cast<double>(q3) + slack)
            last = static_cast<TimestampUs>(static_cast<double>(q3) + slack);
        // The range starts at an event, not in the empty fence: the earliest and latest kept.
        TimestampUs keptFirst = last, keptLast = first;
        for (const TimestampUs time : times)
            if (time >= first && time <= last) {
                keptFirst = std::min(keptFirst, time);
                keptLast = std::max(keptLast, time);
            }
        first = keptFirst;
        last = keptLast;
    }
    return { first, std::max(last + 1, first + kMicrosPerSecond) };
}

} // namespace cepheid::ui
