#include "readbuffers.h"

#include "util/largepages.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace cepheid {

ReadBuffers::Buffer::Buffer(std::size_t bytes, std::size_t padding)
    : data(LargePageAllocator<char>().allocate(bytes + padding))
    , capacity(bytes)
    , allocated(bytes + padding)
{ }

ReadBuffers::Buffer::~Buffer()
{
    LargePageAllocator<char>().deallocate(data, allocated);
}

ReadBuffers::ReadBuffers(std::size_t capacity, std::size_t padding)
    : m_usualCapacity(capacity)
    , m_padding(padding)
{
    m_pool.push_back(std::make_shared<Buffer>(capacity, padding));
}

ReadBuffers::~ReadBuffers() = default;

std::shared_ptr<const char> ReadBuffers::hold() const
{
    const std::shared_ptr<Buffer>& buffer = m_pool[m_current];
    return std::shared_ptr<const char>(buffer, buffer->data);
}

// Nobody but the pool holds it. Only this thread makes holders, so a count of one stays one until it does.
bool ReadBuffers::isFree(std::size_t index) const
{
    return index != m_current && m_pool[index].use_count() == 1;
}

void ReadBuffers::moveToFront(std::size_t from, std::size_t end, std::size_t capacity)
{
    const bool held = m_pool[m_current].use_count() > 1;
    // The last holder let go with a release (shared_ptr's count): this fence orders its reads of a buffer before the
    // writes that reuse it, in place or below.
    std::atomic_thread_fence(std::memory_order_acquire);
    if (!held && this->capacity() >= capacity) {
        if (from > 0)
            std::memmove(data(), data() + from, end - from);
        std::memset(data() + (end - from), 0, m_padding);
        return;
    }
    // The smallest free buffer that is large enough, or a new one.
    std::size_t chosen = m_pool.size();
    for (std::size_t i = 0; i < m_pool.size(); ++i)
        if (isFree(i) && m_pool[i]->capacity >= capacity
            && (chosen == m_pool.size() || m_pool[i]->capacity < m_pool[chosen]->capacity))
            chosen = i;
    if (chosen == m_pool.size())
        m_pool.push_back(std::make_shared<Buffer>(std::max(capacity, m_usualCapacity), m_padding));
    std::atomic_thread_fence(std::memory_order_acquire); // for the counts isFree() read
    Buffer& target = *m_pool[chosen];
    std::memcpy(target.data, data() + from, end - from);
    std::memset(target.data + (end - from), 0, m_padding);
    m_current = chosen;
    ++m_generation;
    dropUnneeded();
}

// Unshared, only the current buffer is needed; shared, free buffers of the usual size are kept for reuse, and a
// long record's larger ones are let go.
void ReadBuffers::dropUnneeded()
{
    const std::shared_ptr<Buffer> current = m_pool[m_current];
    std::erase_if(m_pool, [&](const std::shared_ptr<Buffer>& buffer) {
        return buffer != current && buffer.use_count() == 1 && (!m_shared || buffer->capacity > m_usualCapacity);
    });
    m_current = static_cast<std::size_t>(std::find(m_pool.begin(), m_pool.end(), current) - m_pool.begin());
}

} // namespace cepheid
