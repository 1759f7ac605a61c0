#include "hash.h"

#include <random>

namespace cepheid {

std::uint64_t lookupHashSeed()
{
    std::random_device device;
    return (std::uint64_t(device()) << 32) ^ device();
}

} // namespace cepheid
