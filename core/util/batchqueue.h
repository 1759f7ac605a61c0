#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace cepheid {

// A small bounded queue between threads (one producer and one consumer, or one producer and a few parsing threads).
// Bounded, so a fast reader cannot fill memory ahead of a slow consumer; close() wakes the consumers once the producer
// is done, abandon() wakes everyone and drops what is queued.
template<typename T> class BatchQueue
{
public:
    explicit BatchQueue(std::size_t capacity)
        : m_capacity(capacity)
    { }

    // Returns false when the consumer has abandoned the queue (cancel); the item is dropped then.
    bool push(T item)
    {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_items.size() < m_capacity || m_abandoned; });
        if (m_abandoned)
            return false;
        m_items.push_back(std::move(item));
        m_notEmpty.notify_one();
        return true;
    }

    // Blocks until an item is available; nullopt once the queue is closed and empty, or abandoned.
    std::optional<T> pop()
    {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [&] { return !m_items.empty() || m_closed || m_abandoned; });
        return takeFront();
    }

    // An item if one is ready, without waiting.
    std::optional<T> tryPop()
    {
        std::lock_guard lock(m_mutex);
        return takeFront();
    }

    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_notEmpty.notify_all();
    }

    void abandon()
    {
        std::lock_guard lock(m_mutex);
        m_abandoned = true;
        m_items.clear();
        m_notFull.notify_all();
        m_notEmpty.notify_all();
    }

private:
    // With m_mutex held.
    std::optional<T> takeFront()
    {
        if (m_items.empty())
            return std::nullopt;
        T item = std::move(m_items.front());
        m_items.pop_front();
        m_notFull.notify_one();
        return item;
    }

    std::mutex m_mutex;
    std::condition_variable m_notEmpty, m_notFull;
    std::deque<T> m_items;
    std::size_t m_capacity;
    bool m_closed = false;
    bool m_abandoned = false;
};

} // namespace cepheid
