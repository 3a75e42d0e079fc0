// XXH64, the checksum of brine files: fast enough that it never limits load or save throughput.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace brine::detail {

/// XXH64 (Yann Collet's xxHash, 64-bit variant) written from its published specification.
/// Streaming: update() any number of times, then digest(). The value does not depend on how
/// the input is split across update() calls.
class XxHash64 {
public:
    explicit XxHash64(std::uint64_t seed = 0) noexcept
        : v_{seed + p1 + p2, seed + p2, seed, seed - p1}, seed_(seed) {}

    void update(const void* data, std::size_t len) noexcept {
        const auto* p = static_cast<const unsigned char*>(data);
        total_ += len;
        if (buffered_ + len < 32) {
            std::memcpy(buf_ + buffered_, p, len);
            buffered_ += len;
            return;
        }
        if (buffered_ > 0) {
            const std::size_t fill = 32 - buffered_;
            std::memcpy(buf_ + buffered_, p, fill);
            consume(buf_);
            p += fill;
            len -= fill;
            buffered_ = 0;
        }
        // Four independent lanes: the loop body has no dependency between them, which is what
        // makes XXH64 run at memory speed.
        std::uint64_t v0 = v_[0], v1 = v_[1], v2 = v_[2], v3 = v_[3];
        while (len >= 32) {
            v0 = round(v0, read64(p));
            v1 = round(v1, read64(p + 8));
            v2 = round(v2, read64(p + 16));
            v3 = round(v3, read64(p + 24));
            p += 32;
            len -= 32;
        }
        v_[0] = v0, v_[1] = v1, v_[2] = v2, v_[3] = v3;
        std::memcpy(buf_, p, len);
        buffered_ = len;
    }

    std::uint64_t digest() const noexcept {
        std::uint64_t h;
        if (total_ >= 32) {
            h = rotl(v_[0], 1) + rotl(v_[1], 7) + rotl(v_[2], 12) + rotl(v_[3], 18);
            for (std::uint64_t v : v_) h = (h ^ round(0, v)) * p1 + p4;
        } else {
            h = seed_ + p5;
        }
        h += total_;
        const unsigned char* p = buf_;
        std::size_t len = buffered_;
        while (len >= 8) {
            h ^= round(0, read64(p));
            h = rotl(h, 27) * p1 + p4;
            p += 8;
            len -= 8;
        }
        if (len >= 4) {
            h ^= static_cast<std::uint64_t>(read32(p)) * p1;
            h = rotl(h, 23) * p2 + p3;
            p += 4;
            len -= 4;
        }
        while (len > 0) {
            h ^= static_cast<std::uint64_t>(*p) * p5;
            h = rotl(h, 11) * p1;
            ++p;
            --len;
        }
        h ^= h >> 33;
        h *= p2;
        h ^= h >> 29;
        h *= p3;
        h ^= h >> 32;
        return h;
    }

    /// One-shot hash of a buffer.
    static std::uint64_t hash(const void* data, std::size_t len, std::uint64_t seed = 0) noexcept {
        XxHash64 h(seed);
        h.update(data, len);
        return h.digest();
    }

private:
    static constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ULL;
    static constexpr std::uint64_t p2 = 0xC2B2AE3D27D4EB4FULL;
    static constexpr std::uint64_t p3 = 0x165667B19E3779F9ULL;
    static constexpr std::uint64_t p4 = 0x85EBCA77C2B2AE63ULL;
    static constexpr std::uint64_t p5 = 0x27D4EB2F165667C5ULL;

    static constexpr std::uint64_t rotl(std::uint64_t x, int r) noexcept {
        return (x << r) | (x >> (64 - r));
    }
    static constexpr std::uint64_t round(std::uint64_t acc, std::uint64_t input) noexcept {
        return rotl(acc + input * p2, 31) * p1;
    }
    // The specification reads input words little-endian.
    // memcpy compiles to one unaligned load; big-endian hosts swap the bytes.
    static std::uint64_t read64(const unsigned char* p) noexcept {
        std::uint64_t v;
        std::memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v);
#endif
        return v;
    }
    static std::uint32_t read32(const unsigned char* p) noexcept {
        std::uint32_t v;
        std::memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap32(v);
#endif
        return v;
    }
    void consume(const unsigned char* p) noexcept {
        for (int i = 0; i < 4; ++i) v_[i] = round(v_[i], read64(p + 8 * i));
    }

    std::uint64_t v_[4];
    std::uint64_t seed_;
    std::uint64_t total_ = 0;
    unsigned char buf_[32] = {};
    std::size_t buffered_ = 0;
};

}  // namespace brine::detail
