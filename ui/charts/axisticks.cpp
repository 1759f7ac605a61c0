#include "axisticks.h"

#include "util/durationtext.h"

#include <QObject>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace cepheid::ui {

namespace {

// A number with the decimals it needs and no more: 1, 1.5, 2.25.
QString shortNumber(double value)
{
    QString text = QString::number(value, 'f', 2);
    while (text.contains(u'.') && (text.endsWith(u'0') || text.endsWith(u'.')))
        text.chop(1);
    return text;
}

constexpr std::array<double, 4> kUnitSeconds { 1, 60, 3600, 86400 };

QString unitSymbol(double seconds)
{
    return seconds >= 86400 ? QStringLiteral("d")
        : seconds >= 3600   ? QStringLiteral("h")
        : seconds >= 60     ? QStringLiteral("min")
                            : QStringLiteral("s");
}

QString durationLabel(double value, const DurationUnit& unit)
{
    if (value <= 0)
        return QStringLiteral("0");
    double unitSeconds = unit.seconds;
    // Below one unit, the next smaller unit reads better: 30 s rather than 0.5 min.
    for (std::size_t i = kUnitSeconds.size(); i-- > 0;)
        if (kUnitSeconds[i] < unit.seconds && value < unit.seconds) {
            unitSeconds = kUnitSeconds[i];
            break;
        }
    if (value < 1)
        return shortNumber(value * 1000) + QStringLiteral(" ms");
    return shortNumber(value / unitSeconds) + u' ' + unitSymbol(unitSeconds);
}

} // namespace

DurationUnit durationUnitFor(double seconds)
{
    // The same boundaries as durationText: 90 s, 90 min, 48 h.
    const double unit = seconds >= 48 * 3600 ? 86400 : seconds >= 90 * 60 ? 3600 : seconds >= 90 ? 60 : 1;
    return { unit, unitSymbol(unit) };
}

double niceStep(double range, int maxTicks)
{
    if (!(range > 0) || maxTicks < 1)
        return 1;
    const double raw = range / maxTicks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double multiple : { 1.0, 2.0, 2.5, 5.0, 10.0 })
        if (multiple * magnitude >= raw * (1 - 1e-9))
            return multiple * magnitude;
    return 10 * magnitude;
}

std::vector<AxisTick> durationTicks(double high, int maxTicks, const DurationUnit& unit)
{
    std::vector<AxisTick> ticks;
    if (!(high > 0))
        return { { 0, QStringLiteral("0") } };
    const double step = niceStep(high / unit.seconds, maxTicks) * unit.seconds;
    for (int i = 0; i * step <= high * (1 + 1e-9) && i <= 1000; ++i)
        ticks.push_back({ i * step, durationLabel(i * step, unit) });
    return ticks;
}

std::vector<AxisTick> logDurationTicks(double low, double high)
{
    std::vector<AxisTick> ticks;
    for (const double seconds : { 0.01, 0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0 })
        if (seconds >= low * (1 - 1e-9) && seconds <= high * (1 + 1e-9))
            ticks.push_back({ seconds, QString::fromStdString(durationText(seconds)).remove(QStringLiteral(".0")) });
    return ticks;
}

std::vector<AxisTick> countTicks(double high, int maxTicks)
{
    const double step = std::max(1.0, std::ceil(niceStep(std::max(1.0, high), maxTicks)));
    std::vector<AxisTick> ticks;
    // Up to the first tick at or above high: the charts scale to the last tick, so the tallest value stays inside.
    for (int i = 0; i <= 1000; ++i) {
        ticks.push_back({ i * step, QString::number(static_cast<qint64>(i * step)) });
        if (i * step >= std::max(1.0, high) * (1 - 1e-9))
            break;
    }
    return ticks;
}

std::vector<AxisTick> byteTicks(double high, int maxTicks)
{
    const double unit = high >= 2e6 ? 1e6 : high >= 2e3 ? 1e3 : 1;
    const QString symbol = unit >= 1e6 ? QStringLiteral(" MB")
        : unit >= 1e3                  ? QStringLiteral(" KB")
                                       : QStringLiteral(" B");
    const double step = std::max(unit == 1 ? 1.0 : 0.0, niceStep(std::max(1.0, high) / unit, maxTicks)) * unit;
    std::vector<AxisTick> ticks;
    for (int i = 0; i <= 1000; ++i) {
        ticks.push_back({ i * step, i == 0 ? QStringLiteral("0") : shortNumber(i * step / unit) + symbol });
        if (i * step >= std::max(1.0, high) * (1 - 1e-9))
            break;
    }
    return ticks;
}

namespace {

// Ticks on 1 January every `years` years: calendar years, so a label never names the wrong one.
TimeTicks yearTicks(TimestampUs start, TimestampUs end, int years)
{
    TimeTicks result;
    result.step = static_cast<TimestampUs>(years) * 365 * kMicrosPerDay; // nominal, for callers comparing steps
    const int firstYear = std::stoi(formatRfc3339(start).substr(0, 4));
    for (int year = (firstYear + years - 1) / years * years; year <= 9999 && result.ticks.size() < 1000;
         year += years) {
        char text[32];
        std::snprintf(text, sizeof text, "%04d-01-01T00:00:00Z", year);
        const auto tick = parseRfc3339(text);
        if (!tick || *tick < start)
            continue;
        if (*tick >= end)
            break;
        result.ticks.push_back({ static_cast<double>(*tick), QString::number(year) });
    }
    return result;
}

} // namespace

TimeTicks timeTicks(TimestampUs start, TimestampUs end, double width, double minSpacing)
{
    constexpr TimestampUs s = kMicrosPerSecond, m = 60 * s, h = kMicrosPerHour, d = kMicrosPerDay;
    constexpr std::array<TimestampUs, 20> ladder { s, 2 * s, 5 * s, 10 * s, 15 * s, 30 * s, m, 2 * m, 5 * m, 10 * m,
        15 * m, 30 * m, h, 2 * h, 3 * h, 6 * h, 12 * h, d, 7 * d, 30 * d };
    TimeTicks result;
    if (end <= start || width <= 0)
        return result;
    const double perPixel = static_cast<double>(end - start) / width;
    result.step = 0;
    for (const TimestampUs step : ladder)
        if (static_cast<double>(step) / perPixel >= minSpacing) {
            result.step = step;
            break;
        }
    if (result.step == 0) {
        // Years: 1, 2, 5, 10, 20, 50… so that the labels keep their spacing however far out the view is.
        const double yearsPerLabel = perPixel * minSpacing / (365.25 * static_cast<double>(d));
        return yearTicks(start, end, std::max(1, static_cast<int>(niceStep(yearsPerLabel, 1))));
    }
    const TimestampUs first = -floorDiv(-start, result.step) * result.step; // the first multiple at or after start
    TimestampUs previousDay = std::numeric_limits<TimestampUs>::min();
    std::string previousYear;
    for (TimestampUs tick = first; tick < end && result.ticks.size() < 1000; tick += result.step) {
        const std::string text = formatRfc3339(tick); // 2025-03-04T10:12:05Z
        const TimestampUs day = floorDiv(tick, d);
        const bool newDay = day != previousDay;
        previousDay = day;
        const std::string year = text.substr(0, 4);
        const bool newYear = year != previousYear;
        previousYear = year;
        const QString date = QString::fromStdString(text.substr(5, 5));
        QString label;
        if (result.step >= d) // days and weeks: the year on the first tick and where it changes
            label = newYear ? QString::fromStdString(text.substr(0, 10)) : date;
        else {
            const QString time = QString::fromStdString(text.substr(11, result.step >= m ? 5 : 8));
            label = newDay ? date + u' ' + time : time;
        }
        result.ticks.push_back({ static_cast<double>(tick), label });
    }
    return result;
}

QString perBucketText(TimestampUs bucket)
{
    const auto per = [](TimestampUs count, const QString& unit, const QString& single) {
        return count == 1 ? QObject::tr("per %1").arg(single) : QObject::tr("per %1 %2").arg(count).arg(unit);
    };
    if (bucket % kMicrosPerDay == 0)
        return per(bucket / kMicrosPerDay, QStringLiteral("d"), QObject::tr("day"));
    if (bucket % kMicrosPerHour == 0)
        return per(bucket / kMicrosPerHour, QStringLiteral("h"), QObject::tr("hour"));
    if (bucket % (60 * kMicrosPerSecond) == 0)
        return per(bucket / (60 * kMicrosPerSecond), QStringLiteral("min"), QObject::tr("minute"));
    return per(std::max<TimestampUs>(1, bucket / kMicrosPerSecond), QStringLiteral("s"), QObject::tr("second"));
}

QString tooltipTime(TimestampUs time)
{
    std::string text = formatRfc3339(time);
    if (text.size() >= 19)
        text = text.substr(0, 10) + ' ' + text.substr(11, 8);
    return QString::fromStdString(text) + QStringLiteral(" UTC");
}

} // namespace cepheid::ui
