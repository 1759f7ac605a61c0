#include "periodfit.h"

#include <algorithm>
#include <cmath>

namespace cepheid {

namespace {

constexpr double kTolerance = 0.35; // of k x base
constexpr double kSingleBeatLimit = 1.5; // x base
constexpr int kMaxHarmonic = 4;
constexpr std::uint32_t kMinimumIntervals = 3;

double clamp01(double value)
{
    return std::clamp(value, 0.0, 1.0);
}

} // namespace

PeriodFit fitPeriod(const IntervalStats& stats)
{
    PeriodFit fit;
    const std::vector<double>& gaps = stats.sortedIntervals;
    if (gaps.size() < kMinimumIntervals || stats.medianSeconds <= 0)
        return fit;
    const double base = stats.medianSeconds;

    std::vector<double> singles;
    std::size_t considered = 0, explained = 0, missed = 0;
    for (double gap : gaps) {
        if (gap <= kSingleBeatLimit * base)
            singles.push_back(gap);
        const double ratio = gap / base;
        if (ratio > kMaxHarmonic * (1 + kTolerance))
            continue; // a pause, not a beat
        ++considered;
        const int k = std::max(1, static_cast<int>(std::lround(ratio)));
        if (k <= kMaxHarmonic && std::abs(gap - k * base) <= kTolerance * k * base) {
            ++explained;
            missed += k >= 2;
        }
    }
    if (singles.size() < kMinimumIntervals || considered == 0)
        return fit;
    fit.found = true;
    fit.singleBeats = static_cast<std::uint32_t>(singles.size());
    const MeanAndSpread spread = meanAndSpread(singles);
    fit.periodSeconds = spread.mean;
    fit.singleBeatCv = spread.cv;
    const double singleMedian = quantile(singles, 0.5);
    fit.floorRatio = singleMedian > 0 ? quantile(singles, 0.10) / singleMedian : 0;
    fit.harmonicFraction = static_cast<double>(explained) / considered;
    fit.missedBeatFraction = explained > 0 ? static_cast<double>(missed) / explained : 0;

    // Confidence: regular single beats with a floor, most gaps explained, and enough beats to tell.
    const double regular = clamp01((0.6 - fit.singleBeatCv) / 0.5);
    const double floor = clamp01((fit.floorRatio - 0.25) / 0.35);
    const double harmonic = clamp01((fit.harmonicFraction - 0.6) / 0.35);
    const double evidence = 1 - std::exp(-static_cast<double>(fit.singleBeats) / 8.0);
    fit.confidence = std::cbrt(regular * floor * harmonic) * evidence;
    return fit;
}

} // namespace cepheid
