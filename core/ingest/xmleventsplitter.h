#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cepheid {

class InputStream;

// Cuts Windows event XML into its <Event> elements without parsing them, so that one malformed event is rejected
// alone and a large export never has to fit in memory: what `wevtutil qe /f:xml` writes (elements one after another,
// no root), what `wevtutil /e:Events` and Get-WinEvent's ToXml() give (optionally inside <Events>, after an
// <?xml?> declaration). An element is the text from "<Event" to its "</Event>"; one that reaches the next "<Event"
// or the end of the file first is handed over as not closed, and reading goes on at the next one.
class XmlEventSplitter
{
public:
    struct Element
    {
        std::string_view text;
        std::uint64_t line = 0; // of its "<Event"
        std::uint64_t offset = 0;
        // Empty for a closed element; else why it is not one ("not closed before the next <Event>").
        std::string_view problem;
    };
    // Returns false to stop reading (cancel).
    using ElementSink = std::function<bool(const Element&)>;
    // A stretch of input that is no element: text between elements, an element over the size cap.
    using ProblemSink = std::function<void(std::uint64_t line, std::string reason, std::string_view excerpt)>;

    XmlEventSplitter(InputStream& input, std::size_t maxElementBytes);

    // Returns false on an I/O error (the stream's errorMessage() says why); elements before it were delivered.
    bool run(const ElementSink& onElement, const ProblemSink& onProblem);

private:
    enum class Found : std::uint8_t { Yes, No, NeedMore };
    bool fill();
    void discardBefore(std::size_t position);
    std::uint64_t lineAt(std::size_t position);
    Found findStart(std::size_t from, std::size_t& at) const;
    Found findClose(std::size_t from, std::size_t& at, std::size_t& end) const;
    // Looks at the text between elements up to `end`: markup (<?xml?>, <Events>, comments) and white space are
    // expected there, anything else is reported once per stretch.
    void scanGap(std::size_t end);
    void reportGap(const ProblemSink& onProblem);

    InputStream& m_input;
    std::size_t m_maxElementBytes;
    std::string m_buffer;
    std::size_t m_begin = 0; // first byte not yet consumed
    std::uint64_t m_bufferOffset = 0; // file offset of m_buffer[0]
    std::size_t m_linePosition = 0; // lines are counted up to here…
    std::uint64_t m_line = 1; // …which is on this line
    bool m_eof = false;
    bool m_failed = false;
    // The text between elements.
    bool m_inMarkup = false;
    bool m_skippingOversized = false;
    std::uint64_t m_strayLine = 0; // 0: nothing stray in this stretch
    std::string m_strayExcerpt;
};

} // namespace cepheid
