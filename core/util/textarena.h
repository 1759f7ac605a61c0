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
        if (m_blocks.empty() || m_blockUsed + text.size() > m_blocks[m_current].size)
            nextBlock(text.size());
        char* destination = m_blocks[m_current].data.get() + m_blockUsed;
        std::memcpy(destination, text.data(), text.size());
        m_blockUsed += text.size();
        m_storedBytes += text.size();
        return { destination, text.size() };
    }

    // Forgets every copy but keeps the blocks, to be filled again (an import batch is reused this way: fresh blocks
    // would fault their pages in again). Views handed out before are invalid from here.
    void clear()
    {
        m_current = 0;
        m_blockUsed = 0;
        m_storedBytes = 0;
    }

    // Bytes of text copied in (not the blocks' capacity).
    std::size_t storedBytes() const { return m_storedBytes; }

private:
    struct Block
    {
        std::unique_ptr<char[]> data;
        std::size_t size;
    };

    // Moves to the next kept block large enough for `bytes` (kept by clear()), or a new one, doubling up to the
    // maximum.
    void nextBlock(std::size_t bytes)
    {
        while (!m_blocks.empty() && m_current + 1 < m_blocks.size()) {
            ++m_current;
            m_blockUsed = 0;
            if (m_blocks[m_current].size >= bytes)
                return;
        }
        const std::size_t next = m_blocks.empty() ? m_firstBlock : std::min(m_maxBlock, m_blocks.back().size * 2);
        m_blocks.push_back({ std::make_unique<char[]>(std::max(next, bytes)), std::max(next, bytes) });
        m_current = m_blocks.size() - 1;
        m_blockUsed = 0;
    }

    std::vector<Block> m_blocks;
    std::size_t m_firstBlock;
    std::size_t m_maxBlock;
    std::size_t m_current = 0; // the block being filled
    std::size_t m_blockUsed = 0;
    std::size_t m_storedBytes = 0;
};

} // namespace cepheid
