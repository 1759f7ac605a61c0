#include "importlimits.h"

#include "util/bytesize.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <optional>
#include <unistd.h>

namespace cepheid {

namespace {

enum class Unit { Bytes, Count };

struct Field
{
    std::string_view name;
    std::uint64_t ImportLimits::*member;
    Unit unit;
    std::string_view meaning;
};

const std::vector<Field>& fields()
{
    static const std::vector<Field> all {
        { "record-bytes", &ImportLimits::recordBytes, Unit::Bytes, "bytes in one record (a longer one is rejected)" },
        { "decompressed-bytes", &ImportLimits::decompressedBytes, Unit::Bytes,
            "decompressed bytes read from one file" },
        { "compression-ratio", &ImportLimits::compressionRatio, Unit::Count,
            "decompressed bytes per compressed byte of a gzip file (checked past 16 MiB)" },
        { "events", &ImportLimits::events, Unit::Count,
            "events held in memory by one import or case (cepheid-cli import: in the case it writes)" },
        { "stored-rejects", &ImportLimits::storedRejects, Unit::Count,
            "rejects kept with line and excerpt per file in a case (all are counted)" },
        { "memory", &ImportLimits::memory, Unit::Bytes,
            "bytes the events in memory may take, or the case's once opened for cepheid-cli import (default: 60 % "
            "of this machine's memory)" },
    };
    return all;
}

const Field* find(std::string_view name)
{
    for (const Field& field : fields())
        if (field.name == name)
            return &field;
    return nullptr;
}

// "5000", "5k", "5M", "2G": decimal multiples, as counts are said.
std::optional<std::uint64_t> parseCount(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data())
        return std::nullopt;
    const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t multiple = 1;
    if (suffix == "k" || suffix == "K")
        multiple = 1'000;
    else if (suffix == "m" || suffix == "M")
        multiple = 1'000'000;
    else if (suffix == "g" || suffix == "G")
        multiple = 1'000'000'000;
    else if (!suffix.empty())
        return std::nullopt;
    if (value > std::numeric_limits<std::uint64_t>::max() / multiple)
        return std::nullopt;
    return value * multiple;
}

std::string countText(std::uint64_t value)
{
    std::string digits = std::to_string(value);
    for (std::size_t at = digits.size(); at > 3; at -= 3)
        digits.insert(at - 3, 1, ',');
    return digits;
}

std::string names()
{
    std::string out;
    for (const Field& field : fields())
        out += (out.empty() ? "" : ", ") + std::string(field.name);
    return out;
}

} // namespace

std::uint64_t ImportLimits::usableMemory()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
    std::uint64_t bytes = pages > 0 && pageSize > 0 ? std::uint64_t(pages) * std::uint64_t(pageSize) : 0;
    for (const char* path : { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes" }) {
        std::ifstream file(path);
        std::uint64_t limit = 0;
        if (file >> limit && limit > 0 && (bytes == 0 || limit < bytes))
            bytes = limit; // "max" (no limit) does not parse as a number
    }
    return bytes;
}

std::uint64_t ImportLimits::defaultMemoryBudget()
{
    static const std::uint64_t budget = [] {
        const std::uint64_t usable = usableMemory();
        return usable == 0 ? std::uint64_t(16) << 30 : usable / 10 * 6; // unknown: assume a 24 GB workstation
    }();
    return budget;
}

Expected<void> ImportLimits::set(std::string_view assignment)
{
    const auto equals = assignment.find('=');
    const std::string_view name = assignment.substr(0, equals);
    const Field* field = find(name);
    if (!field)
        return failure("unknown limit '" + std::string(name) + "' (limits: " + names() + ")");
    if (equals == std::string_view::npos)
        return failure("--limit " + std::string(name) + " needs a value: " + std::string(name) + "=N");
    const std::string_view text = assignment.substr(equals + 1);
    const auto value = field->unit == Unit::Bytes ? parseByteSize(text) : parseCount(text);
    if (!value || *value == 0) {
        return failure("limit " + std::string(name) + ": '" + std::string(text) + "' is not a positive "
            + (field->unit == Unit::Bytes ? "size (e.g. 512M, 8G)" : "number (e.g. 5000, 20M)"));
    }
    this->*(field->member) = *value;
    return {};
}

std::string ImportLimits::valueText(std::string_view name) const
{
    const Field* field = find(name);
    if (!field)
        return {};
    const std::uint64_t value = this->*(field->member);
    return field->unit == Unit::Bytes ? byteSizeText(value) : countText(value);
}

std::string ImportLimits::raiseHint(std::string_view name)
{
    return "raise it with cepheid-cli --limit " + std::string(name) + "=N or the workbench setting limits/"
        + std::string(name);
}

const std::vector<ImportLimits::Description>& ImportLimits::descriptions()
{
    static const std::vector<Description> all = [] {
        std::vector<Description> out;
        for (const Field& field : fields())
            out.push_back({ field.name, field.meaning });
        return out;
    }();
    return all;
}

} // namespace cepheid
