#include "sha256.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <openssl/evp.h>
#include <stdexcept>
#include <vector>

namespace cepheid {

struct Sha256::Context
{
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(context); }
};

Sha256::Sha256()
    : m_context(std::make_unique<Context>())
{
    // Only allocation can fail here; a hash that silently hashed nothing would make every file look new.
    if (!m_context->context || EVP_DigestInit_ex(m_context->context, EVP_sha256(), nullptr) != 1)
        throw std::bad_alloc();
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size)
{
    if (size > 0 && EVP_DigestUpdate(m_context->context, data, size) != 1)
        throw std::runtime_error("SHA-256: OpenSSL refused the data");
}

std::array<std::uint8_t, 32> Sha256::finish()
{
    std::array<std::uint8_t, 32> digest {};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(m_context->context, digest.data(), &length) != 1 || length != digest.size())
        throw std::runtime_error("SHA-256: OpenSSL could not finish the digest");
    return digest;
}

std::string Sha256::hex(const std::array<std::uint8_t, 32>& digest)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t byte : digest) {
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 15]);
    }
    return out;
}

Expected<void> hashFileRange(
    std::istream& file, std::uint64_t from, std::uint64_t to, Sha256& hash, const std::atomic<bool>* stop)
{
    if (from >= to)
        return {};
    if (!file.seekg(static_cast<std::streamoff>(from)))
        return failure("cannot seek to byte " + std::to_string(from));
    std::vector<char> buffer(1 << 20);
    std::uint64_t left = to - from;
    while (left > 0 && file) {
        if (stop && stop->load(std::memory_order_relaxed))
            return failure("stopped");
        file.read(buffer.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(buffer.size(), left)));
        const auto got = static_cast<std::size_t>(file.gcount());
        hash.update(buffer.data(), got);
        left -= got;
    }
    if (file.bad())
        return failure("read error");
    return {};
}

Expected<std::string> sha256OfFile(const std::string& path, const std::atomic<bool>* stop)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return failure(std::strerror(errno));
    Sha256 hash;
    if (auto read = hashFileRange(file, 0, std::numeric_limits<std::uint64_t>::max(), hash, stop); !read)
        return failure(read.error());
    return Sha256::hex(hash.finish());
}

} // namespace cepheid
