#pragma once

#include <string>
#include <thread>
#include <vector>

namespace cepheid {

// While an import writes a case, starts the disk writes of the pages it has written so far, every few tens of
// milliseconds, on a thread of its own (Linux's sync_file_range with SYNC_FILE_RANGE_WRITE, which starts writes and
// waits for none). Without it the commit's sync wrote all of them at the end while both cores waited: 90 ms of a
// 1 M-event import's 1.2 s on the project's VM, and more the larger the import (docs/benchmarks.md, ninth part).
// Only when pages reach the disk changes, never what SQLite makes durable or in which order: the kernel may write a
// dirty page at any moment anyway, SQLite has synced its journal before it writes a page of the case, and the commit
// still syncs. Files that do not exist yet (a case's -wal) are looked for at every round; where the call is not
// supported (another system, a file system without it) this does nothing.
class EarlyWriteback
{
public:
    explicit EarlyWriteback(std::vector<std::string> paths);
    ~EarlyWriteback();
    EarlyWriteback(const EarlyWriteback&) = delete;
    EarlyWriteback& operator=(const EarlyWriteback&) = delete;

private:
    std::jthread m_thread;
};

} // namespace cepheid
