#include "eventbatch.h"

namespace cepheid {

namespace {
constexpr std::size_t kKeptInputBytes = 16u << 20;
}

void EventBatch::clear()
{
    m_events.clear();
    m_poolBytesWhenCleared = m_events.strings().memoryBytes();
    m_rejects.clear();
    m_raw.clear();
    m_skipped.clear();
    m_text.clear();
    inputs.clear();
    inputText.clear();
    if (inputText.capacity() > kKeptInputBytes)
        std::string().swap(inputText); // a huge record's buffer is not kept for every later batch
    endOffset = records = lastLine = compressedOffset = 0;
}

} // namespace cepheid
