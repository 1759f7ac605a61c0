#include "ritascore.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace cepheid {

namespace {

constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kWindowSeconds = 24 * kSecondsPerHour;
constexpr int kBins = 24;
constexpr std::size_t kStrobeConnections = 86'400; // RITA's default strobe connection limit

double round3(double value)
{
    return std::round(value * 1000) / 1000;
}
double ceil3(double value)
{
    return std::ceil(value * 1000) / 1000;
}

std::int64_t wholeSeconds(TimestampUs time)
{
    return time >= 0 ? time / kMicrosPerSecond : -((-time + kMicrosPerSecond - 1) / kMicrosPerSecond);
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

// RITA's histogram score over its 24 bins: max(1 - CV of the bin counts, bimodal fit of the bar heights).
double histogramScore(const std::array<double, kBins>& bins, int busyBins)
{
    const double mean = std::accumulate(bins.begin(), bins.end(), 0.0) / kBins;
    double squares = 0;
    for (double count : bins)
        squares += (count - mean) * (count - mean);
    const double cv = mean > 0 ? std::sqrt(squares / kBins) / mean : 0;
    const double cvScore = cv > 1 ? 0 : round3(1 - cv);
    double bimodal = 0;
    if (busyBins >= 11) {
        // Group bar heights into buckets of width ceil(tallest * 0.05); the two fullest buckets over the bars.
        const double tallest = *std::max_element(bins.begin(), bins.end());
        const double width = std::max(1.0, std::ceil(tallest * 0.05));
        std::vector<int> buckets(static_cast<std::size_t>(tallest / width) + 2, 0);
        for (double count : bins)
            if (count > 0)
                ++buckets[static_cast<std::size_t>(count / width)];
        std::sort(buckets.rbegin(), buckets.rend());
        bimodal = round3(std::min(1.0, (buckets[0] + buckets[1]) / std::max(1.0, double(busyBins - 1))));
    }
    return std::max(cvScore, bimodal);
}

} // namespace

RitaScore computeRitaScore(
    std::span<const RitaConnection> connections, TimestampUs datasetFirst, TimestampUs datasetLast)
{
    RitaScore rita;
    // RITA's window: the last 24 h of the data set, in whole seconds (RITA stores DateTime columns).
    const std::int64_t windowEnd = wholeSeconds(datasetLast);
    const std::int64_t windowStart = std::max(wholeSeconds(datasetFirst), windowEnd - kWindowSeconds);
    const std::int64_t firstHour = windowStart - ((windowStart % kSecondsPerHour) + kSecondsPerHour) % kSecondsPerHour;
    std::vector<std::int64_t> seconds;
    std::vector<double> bytes;
    for (const RitaConnection& connection : connections) {
        const std::int64_t second = wholeSeconds(connection.time);
        if (second < firstHour)
            continue;
        seconds.push_back(second);
        if (connection.bytesSent >= 0)
            bytes.push_back(static_cast<double>(connection.bytesSent));
    }
    rita.connections = static_cast<std::uint32_t>(seconds.size());
    if (seconds.size() >= kStrobeConnections) {
        rita.strobe = true;
        return rita;
    }
    // seconds is sorted (connections are), so distinct seconds and non-zero gaps are counted in one pass.
    std::vector<double> gaps;
    for (std::size_t i = 1; i < seconds.size(); ++i)
        if (seconds[i] != seconds[i - 1])
            gaps.push_back(static_cast<double>(seconds[i] - seconds[i - 1]));
    if (seconds.empty() || gaps.size() + 1 < 4) // RITA: at least 4 distinct timestamps
        return rita;
    rita.computed = true;
    rita.timestamp = skewAndMadScore(gaps, 1.0);
    rita.dataSize = bytes.size() >= 3 ? skewAndMadScore(bytes, 0.0) : 0;

    // 24 equal bins over the window; connections before it (the partial first hour) fall in the first bin, the
    // window's last second in the last.
    const double range = static_cast<double>(std::max<std::int64_t>(1, windowEnd - windowStart));
    std::array<double, kBins> bins {};
    for (std::int64_t second : seconds) {
        const double position = static_cast<double>(second - windowStart) / range * kBins;
        bins[static_cast<std::size_t>(std::clamp(static_cast<int>(std::floor(position)), 0, kBins - 1))] += 1;
    }
    int busyBins = 0;
    for (double count : bins)
        busyBins += count > 0;
    rita.histogram = histogramScore(bins, busyBins);

    if (busyBins >= 6) {
        const double coverage = std::min(1.0, ceil3(static_cast<double>(seconds.back() - seconds.front()) / range));
        int longest = 0, run = 0;
        for (int i = 0; i < 2 * kBins; ++i) { // runs wrap around the end of the window
            run = bins[static_cast<std::size_t>(i % kBins)] > 0 ? run + 1 : 0;
            longest = std::max(longest, std::min(run, kBins));
        }
        const double consistency = std::min(1.0, ceil3(longest / 12.0));
        rita.duration = std::max(coverage, consistency);
    }
    rita.score = round3(0.25 * (rita.timestamp + rita.dataSize + rita.histogram + rita.duration));
    return rita;
}

} // namespace cepheid
