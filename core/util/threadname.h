#pragma once

#include <pthread.h>

namespace cepheid {

// Names the calling thread as profilers and debuggers show it (perf's comm, top -H, gdb "info threads"), so a
// per-thread profile tells the splitting thread from the parsing ones. Linux keeps 15 bytes; longer names are cut.
inline void nameThisThread(const char* name)
{
    char shortName[16] = {};
    for (int i = 0; i < 15 && name[i] != '\0'; ++i)
        shortName[i] = name[i];
    pthread_setname_np(pthread_self(), shortName);
}

} // namespace cepheid
