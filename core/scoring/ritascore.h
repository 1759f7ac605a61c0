#pragma once

#include "model/timestamp.h"

#include <cstdint>
#include <span>
#include <vector>

namespace cepheid {

// RITA v5's beacon score (Active Countermeasures, activecm/rita analysis/beacons.go and analysis/spagooper.go),
// computed beside Cepheid's own so analysts can compare with the tool they know:
// 0.25 x (timestamp + data size + duration + histogram), each rounded to 3 decimals.
//  - RITA scores the last 24 h of the data set: the window ends at the data set's last timestamp, and a flow's
//    connections are taken from the start of the hour in which the window begins (so up to an hour before it);
//  - timestamps are whole seconds; gaps are differences of those, zeros dropped; needs >= 4 distinct seconds, and
//    fewer than 86,400 connections (more is a "strobe", which RITA reports apart and does not beacon-score);
//  - timestamp: (Bowley-skew score + MAD score) / 2 on the gaps; data size: the same on bytes sent;
//  - histogram: 24 equal bins over the window (earlier connections fall in the first), max(1 - CV, bimodal fit);
//  - duration: max(coverage of the window, longest run of busy bins / 12), needs >= 6 busy bins.
// Remaining differences (docs/scoring.md): RITA's data size is Zeek's orig_ip_bytes (IP headers included), which
// Chronicle UDM does not carry, so Cepheid uses the bytes sent; RITA's data set range comes from the connections
// it keeps after its own filters, Cepheid's from every event of the data set.
struct RitaScore
{
    bool computed = false;
    double score = 0; // 0..1
    double timestamp = 0, dataSize = 0, histogram = 0, duration = 0;
    std::uint32_t connections = 0; // connections in RITA's window (its "count")
    bool strobe = false; // 86,400 connections or more: RITA calls it a strobe and does not beacon-score it
};

// One connection as RITA sees it: when, and the bytes its originator sent (negative when the source does not say).
struct RitaConnection
{
    TimestampUs time = 0;
    std::int64_t bytesSent = -1;
};

// connections: the flow's connections (fan-out copies left out), sorted by time. datasetFirst/Last: the range of
// the whole data set.
RitaScore computeRitaScore(
    std::span<const RitaConnection> connections, TimestampUs datasetFirst, TimestampUs datasetLast);

} // namespace cepheid
