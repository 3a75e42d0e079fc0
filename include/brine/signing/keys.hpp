// Ed25519 key pairs in minisign's formats: generation, secret key files (unencrypted, or
// encrypted with a password through scrypt as `minisign -G` does) and public key files.
// SPDX-License-Identifier: MIT
#pragma once

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "brine/error.hpp"
#include "brine/signing/detail/files.hpp"
#include "brine/signing/detail/sodium.hpp"
#include "brine/signing/minisign.hpp"

namespace brine {

/// How a secret key file is protected. An empty password writes an unencrypted key, as
/// `minisign -G -W` does (for a CI secret store that protects it instead); otherwise the key is
/// encrypted with a stream derived from the password by scrypt, as `minisign -G` does.
struct KeyProtection {
    std::string password;
    /// scrypt cost. minisign uses these "sensitive" values (about 1 GiB and a few seconds); lower
    /// ones (e.g. crypto_pwhash_scryptsalsa208sha256_*_INTERACTIVE) are faster and weaker.
    std::uint64_t kdf_opslimit = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE;
    std::uint64_t kdf_memlimit = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE;
    /// Replace an existing file; by default writing over an existing key file is refused.
    bool overwrite = false;
};

/// The scrypt cost a secret key file may ask for when it is read: minisign's own ("sensitive")
/// values. A file asking for more is refused (Errc::limit_exceeded) rather than allowed to take
/// unbounded memory and time.
inline constexpr std::uint64_t max_kdf_opslimit =
    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE;
inline constexpr std::uint64_t max_kdf_memlimit =
    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE;

namespace detail {

// A minisign secret key file's second line decodes to these 158 bytes (minisign.h SeckeyStruct):
// sig_alg "Ed", kdf_alg "Sc" (scrypt) or two zero bytes (none), chk_alg "B2", kdf_salt[32],
// kdf_opslimit (u64 LE), kdf_memlimit (u64 LE), then — encrypted by XOR with the scrypt stream
// when kdf_alg is "Sc" — key_id[8], secret key[64], checksum[32] = BLAKE2b-256(sig_alg ‖ key_id
// ‖ secret key).
inline constexpr std::size_t seckey_bytes = 158;
inline constexpr std::size_t seckey_secret_offset = 2 + 2 + 2 + 32 + 8 + 8;  // 54
inline constexpr std::size_t seckey_secret_bytes = 8 + 64 + 32;              // 104

inline std::uint64_t load_le64(const unsigned char* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
inline void store_le64(unsigned char* p, std::uint64_t v) noexcept {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

inline std::array<unsigned char, 32> seckey_checksum(const unsigned char* key_id,
                                                     const unsigned char* sk) {
    std::array<unsigned char, 32> chk{};
    ::crypto_generichash_state st;
    ::crypto_generichash_init(&st, nullptr, 0, chk.size());
    ::crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>("Ed"), 2);
    ::crypto_generichash_update(&st, key_id, 8);
    ::crypto_generichash_update(&st, sk, 64);
    ::crypto_generichash_final(&st, chk.data(), chk.size());
    return chk;
}

/// Zeroes a buffer on scope exit.
template <std::size_t N>
struct Wiped {
    unsigned char b[N]{};
    Wiped() = default;
    Wiped(const Wiped&) = delete;
    Wiped& operator=(const Wiped&) = delete;
    ~Wiped() { ::sodium_memzero(b, N); }
};

}  // namespace detail

struct KeyPair;
inline KeyPair generate_key_pair();

/// An Ed25519 secret key with its minisign key id. The key bytes are zeroed when it is destroyed.
class SecretKey {
public:
    SecretKey(const SecretKey& o) : id_(o.id_) { std::memcpy(sk_, o.sk_, sizeof sk_); }
    SecretKey& operator=(const SecretKey& o) {
        id_ = o.id_;
        std::memcpy(sk_, o.sk_, sizeof sk_);
        return *this;
    }
    ~SecretKey() { ::sodium_memzero(sk_, sizeof sk_); }

    const KeyId& id() const noexcept { return id_; }

    /// The matching public key.
    PublicKey public_key() const {
        PublicKey p;
        p.id = id_;
        ::crypto_sign_ed25519_sk_to_pk(p.key.data(), sk_);
        return p;
    }

    /// The text of a minisign secret key file (see KeyProtection).
    /// Throws Errc::invalid_argument for scrypt costs libsodium refuses, Errc::limit_exceeded
    /// when it runs out of memory deriving the key.
    std::string to_file_text(const KeyProtection& p = {}) const {
        detail::sodium_ready();
        detail::Wiped<detail::seckey_bytes> raw;
        unsigned char* r = raw.b;
        std::memcpy(r, "Ed", 2);
        std::memcpy(r + 4, "B2", 2);
        unsigned char* secret = r + detail::seckey_secret_offset;
        std::memcpy(secret, id_.bytes.data(), 8);
        std::memcpy(secret + 8, sk_, 64);
        const auto chk = detail::seckey_checksum(id_.bytes.data(), sk_);
        std::memcpy(secret + 72, chk.data(), 32);
        std::string comment = "minisign secret key";
        if (!p.password.empty()) {
            std::memcpy(r + 2, "Sc", 2);
            ::randombytes_buf(r + 6, 32);
            detail::store_le64(r + 38, p.kdf_opslimit);
            detail::store_le64(r + 46, p.kdf_memlimit);
            xor_stream(secret, p.password, r + 6, p.kdf_opslimit, p.kdf_memlimit, "encrypting");
            comment = "minisign encrypted secret key";
        }
        return std::string(detail::untrusted_prefix) + comment + "\n" +
               detail::base64_encode(r, detail::seckey_bytes) + "\n";
    }

    /// Parses a minisign secret key file. An encrypted key ("Sc") needs its password; an
    /// unencrypted one (`minisign -G -W`) needs none. `source` names it in messages.
    /// Throws Errc::malformed (layout, base64), Errc::bad_algorithm (not Ed25519, unknown
    /// KDF or checksum), Errc::limit_exceeded (scrypt cost over max_kdf_*),
    /// Errc::invalid_argument (a password is needed, or it is wrong; the key is inconsistent).
    static SecretKey parse(std::string_view text, std::string_view password = {},
                           const std::string& source = "secret key") {
        detail::sodium_ready();
        const auto lines = detail::split_lines(text);
        if (lines.size() != 2 ||
            lines[0].substr(0, detail::untrusted_prefix.size()) != detail::untrusted_prefix) {
            throw Error(Errc::malformed, source +
                                             ": expected an \"untrusted comment: \" line and "
                                             "a key line");
        }
        detail::Wiped<detail::seckey_bytes> raw;
        unsigned char* r = raw.b;
        detail::base64_decode_exact(lines[1], r, detail::seckey_bytes, source + " line 2");
        if (std::memcmp(r, "Ed", 2) != 0)
            throw Error(Errc::bad_algorithm, source + ": algorithm is not 'Ed' (Ed25519)");
        if (std::memcmp(r + 4, "B2", 2) != 0)
            throw Error(Errc::bad_algorithm, source + ": checksum is not 'B2' (BLAKE2b)");
        unsigned char* secret = r + detail::seckey_secret_offset;
        const bool encrypted = std::memcmp(r + 2, "Sc", 2) == 0;
        if (encrypted) {
            const std::uint64_t ops = detail::load_le64(r + 38), mem = detail::load_le64(r + 46);
            if (ops > max_kdf_opslimit || mem > max_kdf_memlimit) {
                throw Error(Errc::limit_exceeded, source + ": scrypt cost opslimit " +
                                                      std::to_string(ops) + ", memlimit " +
                                                      std::to_string(mem) + " is over the limit " +
                                                      std::to_string(max_kdf_opslimit) + ", " +
                                                      std::to_string(max_kdf_memlimit));
            }
            if (password.empty()) {
                throw Error(Errc::invalid_argument,
                            source + " is encrypted: a password is needed to read it");
            }
            xor_stream(secret, password, r + 6, ops, mem, "decrypting");
        } else if (r[2] != 0 || r[3] != 0) {
            throw Error(
                Errc::bad_algorithm,
                source + ": unknown key derivation function, expected 'Sc' (scrypt) or none");
        }
        SecretKey k;
        std::memcpy(k.id_.bytes.data(), secret, 8);
        std::memcpy(k.sk_, secret + 8, 64);
        const auto chk = detail::seckey_checksum(secret, secret + 8);
        // minisign 0.11 leaves the checksum of an unencrypted key zero; any other value is checked.
        bool zero = true;
        for (std::size_t i = 0; i < 32; ++i) zero = zero && secret[72 + i] == 0;
        if ((encrypted || !zero) && ::sodium_memcmp(chk.data(), secret + 72, 32) != 0) {
            throw Error(Errc::invalid_argument,
                        encrypted ? source + ": wrong password (the key's checksum does not match)"
                                  : source + ": the key's checksum does not match");
        }
        // The second half of a libsodium Ed25519 secret key is the public key its first half
        // derives; a key whose halves disagree would sign with a key no one can verify against.
        unsigned char pk[32], sk2[64];
        ::crypto_sign_seed_keypair(pk, sk2, k.sk_);
        const bool consistent = ::sodium_memcmp(sk2, k.sk_, 64) == 0;
        ::sodium_memzero(sk2, sizeof sk2);
        if (!consistent) {
            throw Error(Errc::invalid_argument,
                        source + ": inconsistent Ed25519 key (its public half does not match)");
        }
        return k;
    }

    /// Reads a secret key file (see parse).
    static SecretKey read(const std::string& path, std::string_view password = {}) {
        const std::string text =
            detail::read_small_file(path, 4096, Errc::io, "no secret key file '" + path + "'");
        return parse(text, password, "secret key '" + path + "'");
    }

    /// The raw 64-byte libsodium secret key (seed ‖ public key).
    const unsigned char* bytes() const noexcept { return sk_; }

private:
    SecretKey() = default;
    friend KeyPair generate_key_pair();

    static void xor_stream(unsigned char* secret, std::string_view password,
                           const unsigned char* salt, std::uint64_t ops, std::uint64_t mem,
                           const char* action) {
        detail::Wiped<detail::seckey_secret_bytes> stream;
        if (::crypto_pwhash_scryptsalsa208sha256(
                stream.b, sizeof stream.b, password.data(), password.size(), salt,
                static_cast<unsigned long long>(ops), static_cast<std::size_t>(mem)) != 0) {
            throw Error(Errc::limit_exceeded, std::string("scrypt failed while ") + action +
                                                  " the secret key (opslimit " +
                                                  std::to_string(ops) + ", memlimit " +
                                                  std::to_string(mem) + "): out of memory?");
        }
        for (std::size_t i = 0; i < sizeof stream.b; ++i) secret[i] ^= stream.b[i];
    }

    KeyId id_;
    unsigned char sk_[64]{};
};

/// A key pair: the public key to trust, the secret key to sign with.
struct KeyPair {
    PublicKey public_key;
    SecretKey secret_key;
};

/// A new key pair: a random key id and an Ed25519 key, as `minisign -G` makes them.
inline KeyPair generate_key_pair() {
    detail::sodium_ready();
    SecretKey sk;
    ::randombytes_buf(sk.id_.bytes.data(), 8);
    PublicKey pk;
    ::crypto_sign_keypair(pk.key.data(), sk.sk_);
    pk.id = sk.id_;
    return KeyPair{pk, sk};
}

/// Writes `key` as a minisign public key file, atomically.
inline void write_public_key(const PublicKey& key, const std::string& path) {
    detail::write_file_atomic_bytes(path, key.to_file_text(), 0644);
}

/// Writes `key` as a minisign secret key file (owner-only permissions, atomically). An existing
/// file is refused with Errc::io unless KeyProtection::overwrite is set.
inline void write_secret_key(const SecretKey& key, const std::string& path,
                             const KeyProtection& protection = {}) {
    struct stat st {};
    if (!protection.overwrite && ::lstat(path.c_str(), &st) == 0) {
        throw Error(Errc::io, "secret key file '" + path +
                                  "' exists; set KeyProtection::overwrite to replace it");
    }
    std::string text = key.to_file_text(protection);
    try {
        detail::write_file_atomic_bytes(path, text, 0600);
    } catch (...) {
        ::sodium_memzero(text.data(), text.size());
        throw;
    }
    ::sodium_memzero(text.data(), text.size());
}

}  // namespace brine
