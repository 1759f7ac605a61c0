#pragma once

#include "util/textarena.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace cepheid {

// Index of an interned string. 0 is always the empty string, so a zero-initialised id means "absent",
// which matches how Chronicle reads a missing field (the proto3 default "").
using StringId = std::uint32_t;
inline constexpr StringId kEmptyString = 0;

// Interns strings so that every column of the EventTable holds a 4-byte id instead of a string.
// Host names, process paths and IPs repeat across millions of events; each distinct value is stored once.
// Views returned by view() stay valid for the pool's lifetime (strings live in stable blocks).
class StringPool
{
public:
    StringPool();
    StringPool(const StringPool&) = delete;
    StringPool& operator=(const StringPool&) = delete;
    StringPool(StringPool&&) noexcept = default;
    StringPool& operator=(StringPool&&) noexcept = default;

    StringId intern(std::string_view text);
    // Forgets every string but the empty one and keeps the memory, to be filled again (an import batch's pool).
    void clear();
    // Returns the id of text if it was interned before, or kEmptyString with found = false.
    StringId find(std::string_view text, bool* found = nullptr) const;
    std::string_view view(StringId id) const { return m_views[id]; }
    std::size_t size() const { return m_views.size(); }
    std::size_t memoryBytes() const;

private:
    void grow();
    void addEmptyString();

    TextArena m_text; // 64 KiB blocks doubling to 16 MiB: few for a small case, little slack for a large one
    std::vector<std::string_view> m_views;
    // Open addressing, linear probing. A slot holds id + 1 (0 = empty) and 32 bits of the hash, so a probe
    // rarely has to touch the stored string; full hashes are kept for rehashing.
    struct Slot
    {
        std::uint32_t idPlusOne = 0;
        std::uint32_t tag = 0;
    };
    std::vector<Slot> m_slots;
    std::vector<std::uint64_t> m_hashes;
};

} // namespace cepheid
