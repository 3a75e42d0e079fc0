// libsodium for brine's signatures: initialisation and the streaming BLAKE2b-512 minisign prehashes
// with. Internal.
// SPDX-License-Identifier: MIT
#pragma once

#include <sodium.h>

#include <array>
#include <cstddef>

#include "brine/error.hpp"

namespace brine::detail {

/// Initialises libsodium once (thread-safe; sodium_init may be called any number of times).
inline void sodium_ready() {
    static const int status = ::sodium_init();
    if (status < 0) throw Error(Errc::io, "libsodium failed to initialise (sodium_init)");
}

/// The 64-byte digest minisign's "ED" algorithm signs.
using Digest = std::array<unsigned char, 64>;

/// Multi-part BLAKE2b-512, unkeyed: the digest of the concatenation of everything passed to
/// update(), as crypto_generichash of the whole at once.
class Blake2b512 {
public:
    Blake2b512() {
        sodium_ready();
        ::crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES_MAX);
    }
    void update(const void* data, std::size_t n) {
        ::crypto_generichash_update(&state_, static_cast<const unsigned char*>(data), n);
    }
    Digest final() {
        Digest d{};
        ::crypto_generichash_final(&state_, d.data(), d.size());
        return d;
    }

private:
    ::crypto_generichash_state state_;
};

static_assert(crypto_generichash_BYTES_MAX == 64, "minisign prehashes with BLAKE2b-512");
static_assert(crypto_sign_BYTES == 64 && crypto_sign_PUBLICKEYBYTES == 32 &&
                  crypto_sign_SECRETKEYBYTES == 64,
              "minisign's layouts assume libsodium's Ed25519 sizes");

}  // namespace brine::detail
