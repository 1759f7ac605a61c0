#include "stringpool.h"

#include "hash.h"

#include <algorithm>
#include <cstring>

namespace cepheid {

StringPool::StringPool()
    : m_text(64 * 1024, 16 * 1024 * 1024)
{
    m_slots.assign(1024, Slot {});
    m_hashes.reserve(512);
    m_views.reserve(512);
    addEmptyString();
}

void StringPool::addEmptyString()
{
    m_views.emplace_back();
    m_hashes.push_back(lookupHash({}));
    m_slots[m_hashes[0] & (m_slots.size() - 1)] = { 1, static_cast<std::uint32_t>(m_hashes[0] >> 32) };
}

void StringPool::clear()
{
    m_text.clear();
    m_views.clear();
    m_hashes.clear();
    std::fill(m_slots.begin(), m_slots.end(), Slot {});
    addEmptyString();
}

void StringPool::grow()
{
    std::vector<Slot> slots(m_slots.size() * 2, Slot {});
    const std::size_t mask = slots.size() - 1;
    for (std::uint32_t id = 0; id < m_views.size(); ++id) {
        std::size_t slot = m_hashes[id] & mask;
        while (slots[slot].idPlusOne != 0)
            slot = (slot + 1) & mask;
        slots[slot] = { id + 1, static_cast<std::uint32_t>(m_hashes[id] >> 32) };
    }
    m_slots.swap(slots);
}

StringId StringPool::find(std::string_view text, bool* found) const
{
    const std::uint64_t hash = lookupHash(text);
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t slot = hash & mask; m_slots[slot].idPlusOne != 0; slot = (slot + 1) & mask) {
        const StringId id = m_slots[slot].idPlusOne - 1;
        if (m_slots[slot].tag == tag && m_views[id] == text) {
            if (found)
                *found = true;
            return id;
        }
    }
    if (found)
        *found = false;
    return kEmptyString;
}

StringId StringPool::intern(std::string_view text)
{
    if (text.empty())
        return kEmptyString; // many optional fields are absent; skip the hash
    const std::uint64_t hash = lookupHash(text);
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const std::size_t mask = m_slots.size() - 1;
    std::size_t slot = hash & mask;
    for (; m_slots[slot].idPlusOne != 0; slot = (slot + 1) & mask) {
        const StringId id = m_slots[slot].idPlusOne - 1;
        if (m_slots[slot].tag == tag && m_views[id] == text)
            return id;
    }
    const auto id = static_cast<StringId>(m_views.size());
    m_views.push_back(m_text.copy(text));
    m_hashes.push_back(hash);
    m_slots[slot] = { id + 1, tag };
    // Keep the load factor under one half so probes stay short.
    if (m_views.size() * 2 > m_slots.size())
        grow();
    return id;
}

std::size_t StringPool::memoryBytes() const
{
    return m_text.storedBytes() + m_views.capacity() * sizeof(std::string_view) + m_slots.capacity() * sizeof(Slot)
        + m_hashes.capacity() * sizeof(std::uint64_t);
}

} // namespace cepheid
