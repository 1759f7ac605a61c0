#pragma once

#include <iostream>
#include <streambuf>
#include <string>

namespace cepheid::cli {

// Everything cepheid-cli writes to standard error passes through terminalSafe, line by line: messages quote data
// (reject reasons, allowlist ids, paths), and data must not drive the analyst's terminal. Installed once in main.
class SafeStderr : public std::streambuf
{
public:
    explicit SafeStderr(std::ostream& stream);
    ~SafeStderr() override;
    SafeStderr(const SafeStderr&) = delete;
    SafeStderr& operator=(const SafeStderr&) = delete;

protected:
    int_type overflow(int_type c) override;
    int sync() override;

private:
    void forward(); // escapes and writes what is pending

    std::ostream& m_stream;
    std::streambuf* m_original;
    std::string m_pending;
};

} // namespace cepheid::cli
