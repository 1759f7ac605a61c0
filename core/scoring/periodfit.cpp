#include "periodfit.h"

#include "intervalstats.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cepheid {

namespace {

constexpr double kSingleBeatLimit = 1.5; // x base
constexpr int kMaxHarmonic = 4;
constexpr std::uint32_t kMinimumIntervals = 3;
// Harmonic windows: 3 robust standard deviations (1.4826 x the median absolute deviation, which stray gaps among
// the single beats do not inflate) cover uniform jitter's whole range (sqrt(3) standard deviations) with room for
// the median sitting off the mean; 5 % is network timing noise; 35 % is what 50 % Cobalt-Strike jitter needs
// (single gaps U[0.5P, P] are base +/- 33 %).
constexpr double kTolerancePerSpread = 3;
constexpr double kMadToStandardDeviation = 1.4826;
constexpr double kMinimumTolerance = 0.05;
constexpr double kMaximumTolerance = 0.35;
constexpr double kUpperQuantileZ = 1.645; // one-sided 95 %

// Upper confidence bound of a coefficient of variation from n samples (McKay's approximation of its standard
// error): five gaps that happen to agree say much less than five hundred.
double cvUpperBound(double cv, std::size_t n)
{
    if (n < 2)
        return 1;
    const double count = static_cast<double>(n);
    return cv + kUpperQuantileZ * cv * std::sqrt(1 / (2 * (count - 1)) + cv * cv / count);
}

} // namespace

PeriodFit fitPeriod(std::span<const double> sortedGaps)
{
    PeriodFit fit;
    if (sortedGaps.size() < kMinimumIntervals)
        return fit;
    const double base = quantile(sortedGaps, 0.5);
    if (base <= 0)
        return fit;

    const auto singlesEnd = std::upper_bound(sortedGaps.begin(), sortedGaps.end(), kSingleBeatLimit * base);
    const std::span<const double> singles(sortedGaps.begin(), singlesEnd);
    if (singles.size() < kMinimumIntervals)
        return fit;
    fit.found = true;
    fit.singleBeats = static_cast<std::uint32_t>(singles.size());
    const MeanAndSpread spread = meanAndSpread(singles);
    fit.periodSeconds = spread.mean;
    fit.singleBeatCv = spread.cv;
    fit.singleBeatCvBound = cvUpperBound(spread.cv, singles.size());
    const double singleMedian = quantile(singles, 0.5);
    fit.floorRatio = singleMedian > 0 ? quantile(singles, 0.10) / singleMedian : 0;

    const double robustCv = singleMedian > 0
        ? kMadToStandardDeviation * medianAbsoluteDeviation(singles, singleMedian) / singleMedian
        : 1;
    fit.tolerance = std::clamp(kTolerancePerSpread * robustCv, kMinimumTolerance, kMaximumTolerance);
    std::size_t explained = 0, missed = 0;
    for (double gap : sortedGaps) {
        const double ratio = gap / base;
        if (ratio >= kMaxHarmonic + 0.5) { // compared before rounding: a week-long pause must not overflow an int
            ++fit.pauses; // a pause, not a beat: unexplained
            continue;
        }
        const int k = std::max(1, static_cast<int>(std::lround(ratio)));
        if (std::abs(gap - k * base) <= fit.tolerance * k * base) {
            ++explained;
            missed += k >= 2;
        }
    }
    fit.harmonicFraction = static_cast<double>(explained) / static_cast<double>(sortedGaps.size());
    fit.missedBeatFraction = explained > 0 ? static_cast<double>(missed) / static_cast<double>(explained) : 0;

    // Confidence: regular single beats with a floor, most gaps explained, and enough beats to tell.
    fit.confidence = std::cbrt(regularityOf(fit.singleBeatCvBound) * floorValueOf(fit.floorRatio)
                         * harmonicValueOf(fit.harmonicFraction))
        * evidenceOf(fit.singleBeats);
    return fit;
}

} // namespace cepheid
