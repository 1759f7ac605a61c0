#include "earlywriteback.h"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <unistd.h>

namespace cepheid {

namespace {

// Often enough that little is left for the commit (an import writes about 80 MB/s of case here), seldom enough that
// the calls cost nothing measurable.
constexpr std::chrono::milliseconds kInterval { 50 };

#ifdef __linux__
class WrittenFile
{
public:
    explicit WrittenFile(std::string path)
        : m_path(std::move(path))
    { }
    ~WrittenFile()
    {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
    }
    WrittenFile(const WrittenFile&) = delete;
    WrittenFile& operator=(const WrittenFile&) = delete;

    void startWrites()
    {
        if (m_unsupported)
            return;
        if (m_descriptor < 0)
            m_descriptor = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_descriptor < 0)
            return; // not there yet
        // Offset 0 and length 0: the whole file, however long it has grown.
        if (::sync_file_range(m_descriptor, 0, 0, SYNC_FILE_RANGE_WRITE) != 0 && (errno == EINVAL || errno == ESPIPE))
            m_unsupported = true;
    }

private:
    std::string m_path;
    int m_descriptor = -1;
    bool m_unsupported = false;
};
#endif

} // namespace

EarlyWriteback::EarlyWriteback([[maybe_unused]] std::vector<std::string> paths)
{
#ifdef __linux__
    m_thread = std::jthread([paths = std::move(paths)](const std::stop_token& stop) {
        std::vector<std::unique_ptr<WrittenFile>> files;
        for (const std::string& path : paths)
            files.push_back(std::make_unique<WrittenFile>(path));
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        while (!wake.wait_for(lock, stop, kInterval, [&] { return stop.stop_requested(); }))
            for (const auto& file : files)
                file->startWrites();
    });
#endif
}

EarlyWriteback::~EarlyWriteback() = default; // the jthread asks its thread to stop, which wakes it, and joins it

} // namespace cepheid
