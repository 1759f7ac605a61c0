#pragma once

// Synthetic traffic for the scoring suites: a seeded random source and the shapes flows take.

#include "testsupport.h"

#include <QByteArray>
#include <cmath>
#include <random>

namespace cepheid::test {

inline const std::string kTrafficStart = "2025-03-04T00:00:00Z"; // a Tuesday
inline const std::string kTempImplant = R"(C:\Users\bob\AppData\Local\Temp\updater.exe)";
inline const std::string kPowerShell = R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)";
inline const std::string kInstalledAgent = R"(C:\Program Files\Contoso\Agent\contoso-agent.exe)";

// Scenario builder with a fixed seed: the same traffic on every run and platform (mt19937_64 is specified by
// the standard; the distributions are written out here because std's are not).
class Traffic
{
public:
    explicit Traffic(std::uint64_t seed)
        : m_random(seed)
    { }
    double uniform(double low, double high) { return low + (high - low) * (m_random() >> 11) * 0x1.0p-53; }
    double exponential(double mean) { return -mean * std::log(1 - uniform(0, 1)); }

    // One connection `seconds` after kTrafficStart; zero byte counts in base are drawn (300-700 sent, 800-2400
    // received).
    void connect(EventTable& table, EventSpec spec, double seconds)
    {
        spec.time = formatRfc3339(at(kTrafficStart) + static_cast<TimestampUs>(std::llround(seconds * 1e6)));
        if (spec.sent == 0)
            spec.sent = static_cast<std::uint64_t>(uniform(300, 700));
        if (spec.received == 0)
            spec.received = static_cast<std::uint64_t>(uniform(800, 2400));
        append(table, spec);
    }

    // Check-ins for `hours`, next gap from `gap`, optionally dropping beats or sleeping off-hours.
    template<typename Gap>
    void beacon(EventTable& table, EventSpec base, double hours, Gap gap, double missed = 0, bool officeHours = false)
    {
        for (double t = uniform(0, 60); t < hours * 3600; t += gap()) {
            const double hourOfDay = std::fmod(t / 3600, 24);
            const int day = static_cast<int>(t / 86400);
            const bool weekend = (day + 2) % 7 >= 5; // day 0 is a Tuesday
            if (officeHours && (hourOfDay < 8 || hourOfDay >= 18 || weekend))
                continue;
            if (missed > 0 && uniform(0, 1) < missed)
                continue;
            connect(table, base, t);
        }
    }

private:
    std::mt19937_64 m_random;
};

// A flow's base event: destination, process and source; byte counts drawn per connection.
inline EventSpec implant(
    const std::string& destination, const std::string& process = kTempImplant, const std::string& ip = "10.0.0.5")
{
    EventSpec spec;
    spec.destination = destination;
    spec.process = process;
    spec.principalIps = { ip };
    spec.sent = 0;
    spec.received = 0;
    return spec;
}

// The finding of one flow under a profile (the default one unless given); aborts the test run if there is none.
inline Finding scored(const EventTable& table, const std::string& destination, const std::string& process,
    const std::string& ip = "10.0.0.5", const Profile& profile = {})
{
    const auto evaluated = evaluate(table, profile);
    const Finding* finding = evaluated.find(table, ip, destination, process);
    if (!finding)
        qFatal("no finding for %s", destination.c_str());
    return *finding;
}

// "score 62.1 (likely): regularity=0.80 ..." for failure messages.
inline QByteArray describe(const Finding& finding)
{
    QByteArray text = "score " + QByteArray::number(finding.beacon.score, 'f', 1) + " ("
        + QByteArray(verdictName(finding.beacon.verdict).data()) + "):";
    for (const ScoreComponent& component : finding.beacon.components)
        text += " " + QByteArray::fromStdString(component.name) + "="
            + (component.value ? QByteArray::number(*component.value, 'f', 2) : QByteArray("absent"));
    return text;
}

} // namespace cepheid::test
