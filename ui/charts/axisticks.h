#pragma once

#include "model/timestamp.h"

#include <QString>
#include <vector>

namespace cepheid::ui {

// Where the charts put their ticks and what the ticks say. Plain functions, tested without a widget.

struct AxisTick
{
    double value = 0; // in the axis's own quantity (seconds, a count, a timestamp in µs)
    QString label;
};

// The unit a duration axis is labelled in: the one durationText uses for the duration that sets the axis's scale
// (a beacon's period), so the chart and the table read alike.
struct DurationUnit
{
    double seconds = 1;
    QString symbol; // "s", "min", "h", "d"
};
DurationUnit durationUnitFor(double seconds);

// A 1, 2, 2.5 or 5 × 10^k step that puts at most maxTicks steps across `range`.
double niceStep(double range, int maxTicks);

// Linear ticks over [0, high] seconds at a nice step of `unit`: "0", "30 s", "1 min", "1.5 min", "2 min". Values
// below one unit are written in the next smaller one, so a half-minute step still reads naturally.
std::vector<AxisTick> durationTicks(double high, int maxTicks, const DurationUnit& unit);

// Ticks for a logarithmic duration axis over [low, high] seconds: 1 s, 10 s, 1 min, 10 min, 1 h, 6 h, 1 d, 7 d.
std::vector<AxisTick> logDurationTicks(double low, double high);

// Integer ticks from 0 to the first at or above high, for counts: 0, 50, 100, …; never fractional. A chart scaled
// to the last tick keeps its tallest value inside.
std::vector<AxisTick> countTicks(double high, int maxTicks);

// Byte ticks from 0 to the first at or above high: "0", "500 B", "1 KB", …
std::vector<AxisTick> byteTicks(double high, int maxTicks);

// UTC time ticks over [start, end) at the finest step (1 s … 30 d) that leaves minSpacing pixels between labels on
// an axis `width` pixels wide. Every label keeps its date context: the first tick, and every tick that starts a new
// day, carry the date ("03-05 14:00"); the others the time at the step's precision ("14:30", "14:30:15").
struct TimeTicks
{
    TimestampUs step = 0;
    std::vector<AxisTick> ticks; // value: the timestamp in µs
};
TimeTicks timeTicks(TimestampUs start, TimestampUs end, double width, double minSpacing);

// A rate bucket as an axis title says it: "per hour", "per 2 h", "per 30 min", "per 10 s", "per day".
QString perBucketText(TimestampUs bucket);

// A timestamp as the charts' tooltips write it: "2025-03-04 10:12:05 UTC".
QString tooltipTime(TimestampUs time);

} // namespace cepheid::ui
