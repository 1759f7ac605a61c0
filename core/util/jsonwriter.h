#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cepheid {

// Streams JSON into a string with correct escaping. Text from data may be anything: control characters are
// escaped and invalid UTF-8 becomes U+FFFD, so the output is always valid JSON.
class JsonWriter
{
public:
    explicit JsonWriter(std::string& out, bool pretty = true);

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(bool flag);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
    JsonWriter& value(double number);
    JsonWriter& null();

    template<typename T> JsonWriter& field(std::string_view name, const T& fieldValue)
    {
        key(name);
        return value(fieldValue);
    }

    // name: text, or name: null when text is empty (the reports' "not applicable").
    JsonWriter& fieldOrNull(std::string_view name, std::string_view text)
    {
        key(name);
        return text.empty() ? null() : value(text);
    }

    static void appendEscaped(std::string& out, std::string_view text);

private:
    void beforeValue();
    void newline();

    std::string& m_out;
    bool m_pretty;
    bool m_afterKey = false;
    std::vector<bool> m_hasElements; // one per open container
};

} // namespace cepheid
