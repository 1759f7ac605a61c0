#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace cepheid {

// Copies strings into blocks that never move, so a view of a copy stays valid for the arena's lifetime: the string
// pool and the import batches keep their text this way. Blocks start at `firstBlock` bytes and double up to
// `maxBlock`; a string longer than that gets a block of its own.
class TextArena
{
public:
    explicit TextArena(std::size_t firstBlock, std::size_t maxBlock)
        : m_firstBlock(firstBlock)
        , m_maxBlock(std::max(firstBlock, maxBlock))
    { }
    TextArena(TextArena&&) noexcept = default;
    TextArena& operator=(TextArena&&) noexcept = default;

    std::string_view copy(std::string_view text)
    {
        if (text.empty())
            return {};
        if (m_blocks.empty() || m_blockUsed + text.size() > m_blockSize) {
            const std::size_t next = m_blocks.empty() ? m_firstBlock : std::min(m_maxBlock, m_blockSize * 2);
            m_blockSize = std::max(next, text.size());
            m_blocks.push_back(std::make_unique<char[]>(m_blockSize));
            m_blockUsed = 0;
        }
        char* destination = m_blocks.back().get() + m_blockUsed;
        std::memcpy(destination, text.data(), text.size());
        m_blockUsed += text.size();
        m_storedBytes += text.size();
        return { destination, text.size() };
    }

    // Bytes of text copied in (not the blocks' capacity).
    std::size_t storedBytes() const { return m_storedBytes; }

private:
    std::vector<std::unique_ptr<char[]>> m_blocks;
    std::size_t m_firstBlock;
    std::size_t m_maxBlock;
    std::size_t m_blockUsed = 0;
    std::size_t m_blockSize = 0;
    std::size_t m_storedBytes = 0;
};

} // namespace cepheid
