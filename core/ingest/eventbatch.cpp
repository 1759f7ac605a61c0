#include "eventbatch.h"

namespace cepheid {

void EventBatch::clear()
{
    m_events.clear();
    m_poolBytesWhenCleared = m_events.strings().memoryBytes();
    m_rejects.clear();
    m_raw.clear();
    m_skipped.clear();
    m_text.clear();
    inputs.clear();
    problems.clear();
    heldBuffers.clear(); // the splitter may now reuse them
    heldGeneration = ~std::uint64_t(0);
    inputBytes = 0;
    endOffset = records = lastLine = compressedOffset = 0;
}

} // namespace cepheid
