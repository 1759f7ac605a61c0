#pragma once

#include <memory>
#include <new>
#include <utility>

namespace cepheid {

// An allocator adaptor whose value-initialisation (resize(n), vector(n)) leaves trivial values unset instead of
// zeroing them, for memory written in full right after: a compression buffer, or a case's columns filled in place by
// several threads (EventTable::growForStored). Zeroing first would cost a pass over memory that is about to be
// overwritten, and on a fresh column it would fault every page in on the resizing thread.
template<typename Base> struct UninitializedAllocator : Base
{
    template<typename U> struct rebind
    {
        using other = UninitializedAllocator<typename std::allocator_traits<Base>::template rebind_alloc<U>>;
    };

    UninitializedAllocator() = default;
    template<typename Other>
    UninitializedAllocator(const UninitializedAllocator<Other>& other) noexcept
        : Base(static_cast<const Other&>(other))
    { }

    template<typename U> void construct(U* at) noexcept { ::new (static_cast<void*>(at)) U; }
    template<typename U, typename... Args> void construct(U* at, Args&&... args)
    {
        ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
    }
};

} // namespace cepheid
