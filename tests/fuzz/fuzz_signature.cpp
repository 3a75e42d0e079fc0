// Fuzz target: the parsers of brine's signing layer on hostile text — a `.minisig` file (and, when
// it parses, its verification against a fixed trusted key), a trusted comment, a public key and a
// secret key file (without a password, so no scrypt runs).
// SPDX-License-Identifier: MIT
#include <brine/signing.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

/// A fixed trusted key: the Ed25519 key of a 32-byte seed of 7s, key id 1..8.
const brine::TrustedKeys& trusted() {
    static const brine::TrustedKeys keys = [] {
        brine::detail::sodium_ready();
        brine::PublicKey pk;
        unsigned char seed[32], sk[64];
        for (unsigned char& b : seed) b = 7;
        crypto_sign_seed_keypair(pk.key.data(), sk, seed);
        for (unsigned char i = 0; i < 8; ++i) pk.id.bytes[i] = static_cast<unsigned char>(i + 1);
        return brine::TrustedKeys{pk};
    }();
    return keys;
}

template <class F>
void expect_brine_error_or_success(F&& f) {
    try {
        f();
    } catch (const brine::Error&) {
    } catch (...) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    expect_brine_error_or_success([&] {
        const brine::MinisignSignature s = brine::MinisignSignature::parse(text, "fuzz.minisig");
        // What parses prints back to text that parses to the same fields.
        const brine::MinisignSignature again =
            brine::MinisignSignature::parse(s.to_text(), "fuzz.minisig");
        if (again.to_text() != s.to_text() || again.trusted_comment != s.trusted_comment ||
            again.signature != s.signature || again.global_signature != s.global_signature)
            __builtin_trap();
        // Algorithm, key id and the comment's signature; a seed signed by the fixed key passes.
        const brine::PublicKey& key =
            brine::detail::check_signature(s, trusted(), "fuzz", "fuzz.minisig");
        if (!(key.id == s.key_id)) __builtin_trap();
    });
    expect_brine_error_or_success([&] {
        const brine::ModelBinding b = brine::ModelBinding::parse(text, "fuzz");
        if (brine::ModelBinding::parse(b.to_comment(), "fuzz").name != b.name) __builtin_trap();
    });
    expect_brine_error_or_success([&] { (void)brine::PublicKey::parse(text, "fuzz.pub"); });
    expect_brine_error_or_success([&] { (void)brine::SecretKey::parse(text, {}, "fuzz.key"); });
    return 0;
}
