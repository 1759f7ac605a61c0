#include "ritascore.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace cepheid {

namespace {

double round3(double value)
{
    return std::round(value * 1000) / 1000;
}
double ceil3(double value)
{
    return std::ceil(value * 1000) / 1000;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Quartiles as montanaflynn/stats.Quartile: medians of the lower and upper halves (the middle value excluded).
std::array<double, 3> quartiles(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const std::size_t half = n / 2;
    std::vector<double> lower(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(half));
    std::vector<double> upper(values.begin() + static_cast<std::ptrdiff_t>(n % 2 ? half + 1 : half), values.end());
    return { median(lower), median(values), median(upper) };
}

// (skew score + MAD score) / 2, with RITA's guards; madDefault is used when the median is below 1.
double skewAndMadScore(const std::vector<double>& values, double madDefault)
{
    const auto [q1, q2, q3] = quartiles(values);
    double skew = 0;
    if (q3 - q1 >= 10 && q2 != q1 && q2 != q3)
        skew = (q1 + q3 - 2 * q2) / (q3 - q1);
    const double skewScore = 1 - std::abs(skew);
    double madScore = madDefault;
    if (q2 >= 1) {
        std::vector<double> deviations;
        for (double value : values)
            deviations.push_back(std::abs(value - q2));
        madScore = std::max(0.0, (q2 - median(deviations)) / q2);
    }
    return round3((skewScore + madScore) / 2);
}

} // namespace

RitaScore computeRitaScore(std::span<const TimestampUs> timesUs, std::span<const double> bytesSent,
    TimestampUs datasetFirst, TimestampUs datasetLast)
{
    RitaScore rita;
    if (timesUs.size() < 4)
        return rita;
    std::vector<double> gaps;
    for (std::size_t i = 1; i < timesUs.size(); ++i)
        if (timesUs[i] != timesUs[i - 1])
            gaps.push_back(std::floor(static_cast<double>(timesUs[i] - timesUs[i - 1]) / kMicrosPerSecond));
    gaps.erase(std::remove(gaps.begin(), gaps.end(), 0.0), gaps.end()); // RITA drops zero deltas
    if (gaps.size() < 3)
        return rita;
    rita.computed = true;
    rita.timestamp = skewAndMadScore(gaps, 1.0);
    rita.dataSize = bytesSent.size() >= 3 ? skewAndMadScore({ bytesSent.begin(), bytesSent.end() }, 0.0) : 0;

    // 24 equal bins over the data set's range.
    const double range = std::max<double>(1, static_cast<double>(datasetLast - datasetFirst));
    std::array<double, 24> bins {};
    for (TimestampUs t : timesUs) {
        const auto bin = std::clamp(static_cast<int>((t - datasetFirst) / range * 24), 0, 23);
        bins[static_cast<std::size_t>(bin)] += 1;
    }
    const double mean = std::accumulate(bins.begin(), bins.end(), 0.0) / 24;
    double squares = 0;
    for (double count : bins)
        squares += (count - mean) * (count - mean);
    const double cv = mean > 0 ? std::sqrt(squares / 24) / mean : 0;
    const double cvScore = cv > 1 ? 0 : 1 - cv;
    int totalBars = 0;
    double tallest = 0;
    for (double count : bins) {
        totalBars += count > 0;
        tallest = std::max(tallest, count);
    }
    double bimodal = 0;
    if (totalBars >= 11) {
        // Group bar heights into buckets of width ceil(tallest * 0.05); the two fullest buckets over the bars.
        const double width = std::max(1.0, std::ceil(tallest * 0.05));
        std::vector<int> buckets(static_cast<std::size_t>(tallest / width) + 2, 0);
        for (double count : bins)
            if (count > 0)
                ++buckets[static_cast<std::size_t>(count / width)];
        std::sort(buckets.rbegin(), buckets.rend());
        bimodal = std::min(1.0, (buckets[0] + buckets[1]) / std::max(1.0, double(totalBars - 1)));
    }
    rita.histogram = round3(std::max(cvScore, bimodal));

    if (totalBars >= 6) {
        const double coverage = std::min(1.0, ceil3(static_cast<double>(timesUs.back() - timesUs.front()) / range));
        int longest = 0, run = 0;
        for (int i = 0; i < 48; ++i) { // wrap around
            run = bins[static_cast<std::size_t>(i % 24)] > 0 ? run + 1 : 0;
            longest = std::max(longest, std::min(run, 24));
        }
        const double consistency = std::min(1.0, ceil3(longest / 12.0));
        rita.duration = std::max(coverage, consistency);
    }
    rita.score = round3(0.25 * (rita.timestamp + rita.dataSize + rita.histogram + rita.duration));
    return rita;
}

} // namespace cepheid
