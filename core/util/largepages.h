#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <stop_token>
#include <sys/mman.h>
#include <vector>

namespace cepheid {

// An allocator for the big columns (EventTable, FlowIndex): an allocation of 1 MiB or more is rounded up to whole
// 2 MiB pages, aligned to 2 MiB and marked for transparent huge pages, so filling a million-event column takes a few
// dozen page faults instead of tens of thousands (each fault cost about as much as copying its page on the 2-core VM
// the budgets are measured on). The bound is 1 MiB, not 2: a million events' two-byte columns (2 MB, under 2 MiB) took
// 4 KiB faults, about 1,900 an import. Only the last huge page of a column can be partly unused: under 2 MiB a
// column, whatever the table's size. Smaller allocations go to the ordinary heap. Where huge pages are off (never),
// madvise fails and nothing changes.
template<class T> struct LargePageAllocator
{
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t(2) << 20;
    static constexpr std::size_t kLargeAllocation = std::size_t(1) << 20; // from here on, whole huge pages

    LargePageAllocator() = default;
    template<class U> LargePageAllocator(const LargePageAllocator<U>&) noexcept { }

    T* allocate(std::size_t n)
    {
        if (n > std::size_t(-1) / sizeof(T))
            throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kLargeAllocation)
            return static_cast<T*>(::operator new(bytes));
        const std::size_t rounded = (bytes + kHugePage - 1) & ~(kHugePage - 1);
        void* memory = std::aligned_alloc(kHugePage, rounded);
        if (!memory)
            throw std::bad_alloc();
        ::madvise(memory, rounded, MADV_HUGEPAGE); // advice: a kernel without THP ignores it
        return static_cast<T*>(memory);
    }

    void deallocate(T* p, std::size_t n) noexcept
    {
        if (n * sizeof(T) < kLargeAllocation)
            ::operator delete(p);
        else
            std::free(p);
    }

    template<class U> bool operator==(const LargePageAllocator<U>&) const noexcept { return true; }
};

template<class T> using LargeVector = std::vector<T, LargePageAllocator<T>>;

// A stretch of memory to fault in ahead of use.
struct MemoryRegion
{
    void* begin;
    std::size_t bytes;
};

// Faults the regions' pages in, writable, without changing a byte (MADV_POPULATE_WRITE, Linux 5.14): run on another
// thread while this one fills them, the kernel's zeroing of fresh pages (a third of reopening a case on the 2-core
// VM) moves to the other core. Safe beside a thread writing the same memory; where unsupported it does nothing.
// `stop` ends it early (a case refused part-way through loading: the rest of its columns will never be used).
inline void populateForWriting(const std::vector<MemoryRegion>& regions, const std::stop_token& stop = {})
{
#ifdef MADV_POPULATE_WRITE
    constexpr std::size_t kPage = 4096;
    // A huge page per call: the kernel holds the process's memory map while it populates, and a call over a whole
    // column kept the writer's own mmap (a buffer's allocation) waiting for all of it, 0.2 s on a slow VM.
    constexpr std::size_t kStep = LargePageAllocator<char>::kHugePage;
    for (const MemoryRegion& region : regions) {
        if (region.bytes == 0)
            continue;
        auto at = reinterpret_cast<std::uintptr_t>(region.begin) & ~(kPage - 1);
        const auto end = reinterpret_cast<std::uintptr_t>(region.begin) + region.bytes;
        while (at < end) {
            if (stop.stop_requested())
                return;
            const std::uintptr_t next = std::min(end, (at + kStep) & ~(kStep - 1));
            if (::madvise(reinterpret_cast<void*>(at), next - at, MADV_POPULATE_WRITE) != 0)
                return; // unsupported (EINVAL) or out of memory: the writer faults the pages in itself
            at = next;
        }
    }
#else
    (void)regions;
    (void)stop;
#endif
}

} // namespace cepheid
