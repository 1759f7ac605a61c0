#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace cepheid {

// The JSON splitter's read buffer (jsonrecordsplitter.h).
//  - Alone, it is one buffer, compacted in place as records are consumed.
//  - Shared (share()), a reader may keep records in it past the callback instead of copying them: BatchReader's
//    parsing threads parse them where they were read (docs/architecture.md, "Parallel parsing"). A buffer someone
//    still holds is never written again. The splitter carries on in another buffer, one nobody holds any more or a
//    new one.
// Buffers are kept for reuse, in huge pages: new memory costs a page fault and the kernel's zeroing, reused memory
// does not. How many exist is bounded by the batches in flight, each of which holds one or two.
class ReadBuffers
{
public:
    // `capacity` bytes of data and `padding` readable bytes after them, in every buffer.
    ReadBuffers(std::size_t capacity, std::size_t padding);
    ~ReadBuffers();
    ReadBuffers(const ReadBuffers&) = delete;
    ReadBuffers& operator=(const ReadBuffers&) = delete;

    char* data() const { return m_pool[m_current]->data; }
    std::size_t capacity() const { return m_pool[m_current]->capacity; }

    void share() { m_shared = true; }
    // Changes whenever data() becomes another buffer: a holder takes the new one with hold().
    std::uint64_t generation() const { return m_generation; }
    // The current buffer, kept readable (and unchanged) for as long as the pointer lives.
    std::shared_ptr<const char> hold() const;

    // Moves the bytes [from, end) to the front of a buffer of at least `capacity` bytes: in place when nobody holds
    // this one and it is large enough, else into another. The padding after the moved bytes is zeroed.
    void moveToFront(std::size_t from, std::size_t end, std::size_t capacity);

private:
    struct Buffer
    {
        Buffer(std::size_t capacity, std::size_t padding);
        ~Buffer();
        Buffer(const Buffer&) = delete;
        Buffer& operator=(const Buffer&) = delete;
        char* data;
        std::size_t capacity;
        std::size_t allocated;
    };
    bool isFree(std::size_t index) const;
    void dropUnneeded();

    const std::size_t m_usualCapacity;
    const std::size_t m_padding;
    std::vector<std::shared_ptr<Buffer>> m_pool; // every buffer; a holder's copy keeps one in use
    std::size_t m_current = 0;
    std::uint64_t m_generation = 0;
    bool m_shared = false;
};

} // namespace cepheid
