// Signed model files: sign_file, save_signed, load_signed, load_any_signed and verify_file, with
// detached minisign signatures (`<model>.minisig`, prehashed Ed25519 "ED").
// SPDX-License-Identifier: MIT
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "brine/io.hpp"
#include "brine/signing/detail/files.hpp"
#include "brine/signing/detail/sodium.hpp"
#include "brine/signing/keys.hpp"
#include "brine/signing/minisign.hpp"

namespace brine {

/// The public keys whose signatures a loader accepts. Several keys allow rotation: trust the new
/// key and the old one during the overlap, then remove the old one (removal is revocation).
class TrustedKeys {
public:
    TrustedKeys() = default;
    TrustedKeys(std::initializer_list<PublicKey> keys) {
        for (const PublicKey& k : keys) add(k);
    }

    /// Adds a key. Errc::invalid_argument if another key with the same id is already trusted.
    void add(const PublicKey& key) {
        for (const PublicKey& k : keys_) {
            if (k.id == key.id) {
                if (k.key == key.key) return;
                throw Error(Errc::invalid_argument,
                            "two different trusted keys have the key id " + key.id.hex());
            }
        }
        keys_.push_back(key);
    }
    /// Adds the key of a `.pub` file or an `RW…` line (see PublicKey::parse).
    void add(std::string_view public_key_text) { add(PublicKey::parse(public_key_text)); }

    /// The trusted key with this id, or nullptr.
    const PublicKey* find(const KeyId& id) const noexcept {
        for (const PublicKey& k : keys_)
            if (k.id == id) return &k;
        return nullptr;
    }
    std::size_t size() const noexcept { return keys_.size(); }
    bool empty() const noexcept { return keys_.empty(); }

    /// "4A1F…, 90B2…": the ids, for messages.
    std::string ids() const {
        std::string s;
        for (const PublicKey& k : keys_) s += (s.empty() ? "" : ", ") + k.id.hex();
        return s.empty() ? "none" : s;
    }

private:
    std::vector<PublicKey> keys_;
};

/// What a signed load requires beyond a good signature by a trusted key.
struct SignaturePolicy {
    SignaturePolicy() = default;
    /// `{"fraud-scorer", 42}`: the required name and the minimum version.
    SignaturePolicy(std::string name_,
                    std::uint64_t min_version_ = 0)  // NOLINT: implicit by design
        : name(std::move(name_)), min_version(min_version_) {}

    /// The model name the signature must bind (the slot this loader serves). Empty accepts any
    /// name: set it, or a model signed for another service is accepted too.
    std::string name;
    /// The lowest version accepted: an older model, validly signed, is refused (rollback).
    std::uint64_t min_version = 0;
    /// The signature file; empty means the model's path + ".minisig".
    std::string signature_path;
};

/// What signing writes into the signature.
struct SignOptions {
    SignOptions() = default;
    /// `{"fraud-scorer", 42}`: the model's name and version.
    SignOptions(std::string name_, std::uint64_t version_)
        : name(std::move(name_)), version(version_) {}

    /// The model name the signature binds (1 to 128 of A-Z a-z 0-9 . _ -). Required.
    std::string name;
    /// The model's version; loaders can require a minimum.
    std::uint64_t version = 0;
    /// Seconds since 1970 written into the trusted comment (informational); unset means now.
    std::optional<std::int64_t> timestamp;
    /// The untrusted comment (line 1); it is not signed and nothing reads it.
    std::string untrusted_comment = "signature from brine secret key";
    /// The signature file; empty means the model's path + ".minisig".
    std::string signature_path;
};

/// What a verified signature says.
struct SignatureInfo {
    KeyId key_id;                 ///< the trusted key that signed
    std::string trusted_comment;  ///< the signed comment, verbatim
    /// The model binding, when the comment is brine's ("brine-v1 name=… version=… kind=…").
    std::optional<ModelBinding> binding;
};

/// `path` + ".minisig": where brine and minisign look for a file's signature.
inline std::string signature_path_for(const FilePath& path) { return path.str() + ".minisig"; }

namespace detail {

inline std::string sig_path(const std::string& path, const std::string& explicit_path) {
    return explicit_path.empty() ? signature_path_for(path) : explicit_path;
}

/// Reads and parses a `.minisig`; Errc::missing_signature when it does not exist.
inline MinisignSignature read_signature(const std::string& model_path, const std::string& sig) {
    const std::string text = read_small_file(
        sig, max_signature_file_bytes, Errc::missing_signature,
        "no signature '" + sig + "' for '" + model_path + "': the file is unsigned");
    try {
        return MinisignSignature::parse(text, sig);
    } catch (Error& e) {  // a damaged signature file: the error is about it
        if (e.path().empty()) e.with_path(sig);
        throw;
    }
}

/// Checks everything about a signature that does not need the file: the algorithm ("ED" only),
/// the key id (a trusted key), and the global signature over signature ‖ trusted comment. Returns
/// the key that signed.
inline const PublicKey& check_signature(const MinisignSignature& s, const TrustedKeys& keys,
                                        const std::string& model_path, const std::string& sig) {
    sodium_ready();
    const std::string by = " (key id " + s.key_id.hex() + ")";
    if (!s.prehashed()) {
        // Legacy "Ed" signs the file itself. A prehashed signature of F is also a legacy signature
        // of the 64-byte file BLAKE2b(F): accepting both would let one stand for the other.
        throw Error(Errc::bad_algorithm,
                    "signature '" + sig + "' of '" + model_path + "'" + by +
                        " is a legacy minisign 'Ed' signature; only prehashed 'ED' signatures "
                        "are accepted (sign with minisign 0.10 or later, without -l)")
            .with_path(model_path);
    }
    const PublicKey* key = keys.find(s.key_id);
    if (!key) {
        throw Error(Errc::untrusted_key, "signature '" + sig + "' of '" + model_path +
                                             "' is by key id " + s.key_id.hex() +
                                             ", which is not trusted (trusted: " + keys.ids() + ")")
            .with_path(model_path);
    }
    std::string signed_comment(reinterpret_cast<const char*>(s.signature.data()), 64);
    signed_comment += s.trusted_comment;
    if (::crypto_sign_verify_detached(s.global_signature.data(),
                                      reinterpret_cast<const unsigned char*>(signed_comment.data()),
                                      signed_comment.size(), key->key.data()) != 0) {
        throw Error(Errc::bad_signature, "signature '" + sig + "' of '" + model_path + "'" + by +
                                             ": the trusted comment or the signature was altered "
                                             "(the comment's signature does not verify)")
            .with_path(model_path);
    }
    return *key;
}

/// Checks the file's digest against a signature check_signature accepted.
inline void check_digest(const MinisignSignature& s, const PublicKey& key, const Digest& digest,
                         const std::string& model_path, const std::string& sig) {
    if (::crypto_sign_verify_detached(s.signature.data(), digest.data(), digest.size(),
                                      key.key.data()) != 0) {
        throw Error(Errc::bad_signature,
                    "signature '" + sig + "' (key id " + s.key_id.hex() + ") does not match '" +
                        model_path + "': the file was altered, or the signature is of another file")
            .with_path(model_path);
    }
}

/// The binding a signed load requires, checked against the policy.
inline ModelBinding check_binding(const MinisignSignature& s, const SignaturePolicy& policy,
                                  const std::string& model_path, const std::string& sig) {
    const std::string what =
        "signature '" + sig + "' of '" + model_path + "' (key id " + s.key_id.hex() + ")";
    ModelBinding b = ModelBinding::parse(s.trusted_comment, what);
    if (!policy.name.empty() && b.name != policy.name) {
        throw Error(Errc::name_mismatch,
                    what + " is for model '" + b.name + "', expected '" + policy.name + "'")
            .with_path(model_path);
    }
    if (b.version < policy.min_version) {
        throw Error(Errc::version_rollback, what + " is for version " + std::to_string(b.version) +
                                                " of '" + b.name + "', the minimum accepted is " +
                                                std::to_string(policy.min_version))
            .with_path(model_path);
    }
    return b;
}

/// Reads a model file once, verifies its signature, and returns its bytes for decoding.
inline HashedFile read_verified(const std::string& path, const TrustedKeys& keys,
                                const SignaturePolicy& policy, const LoadOptions& options,
                                ModelBinding& binding) {
    const std::string sig = sig_path(path, policy.signature_path);
    const MinisignSignature s = read_signature(path, sig);
    const PublicKey& key = check_signature(s, keys, path, sig);
    binding = check_binding(s, policy, path, sig);
    HashedFile file = HashedFile::read(path, options.max_file_bytes, true);
    check_digest(s, key, file.digest, path, sig);
    return file;
}

inline void check_kind(const ModelBinding& b, ModelKind kind, const std::string& path,
                       const std::string& sig) {
    if (b.kind != kind_name(kind)) {
        throw Error(Errc::kind_mismatch, "signature '" + sig + "' of '" + path +
                                             "' was made for a " + b.kind + ", the file holds a " +
                                             std::string(kind_name(kind)))
            .with_path(path);
    }
}

inline MinisignSignature make_signature(const SecretKey& key, const Digest& digest,
                                        const ModelBinding& binding, const SignOptions& o) {
    sodium_ready();
    MinisignSignature s;
    s.untrusted_comment = o.untrusted_comment;
    check_comment_text(s.untrusted_comment, "untrusted comment");
    if (s.untrusted_comment.size() + untrusted_prefix.size() > max_untrusted_comment)
        throw Error(Errc::invalid_argument, "untrusted comment is over 1000 bytes");
    const std::int64_t ts =
        o.timestamp ? *o.timestamp : static_cast<std::int64_t>(std::time(nullptr));
    s.trusted_comment = binding.to_comment("timestamp=" + std::to_string(ts));
    s.key_id = key.id();
    ::crypto_sign_detached(s.signature.data(), nullptr, digest.data(), digest.size(), key.bytes());
    std::string signed_comment(reinterpret_cast<const char*>(s.signature.data()), 64);
    signed_comment += s.trusted_comment;
    ::crypto_sign_detached(s.global_signature.data(), nullptr,
                           reinterpret_cast<const unsigned char*>(signed_comment.data()),
                           signed_comment.size(), key.bytes());
    return s;
}

inline ModelBinding binding_for(const SignOptions& o, ModelKind kind) {
    ModelBinding::check_name(o.name);
    ModelBinding b;
    b.name = o.name;
    b.version = o.version;
    b.kind = std::string(kind_name(kind));
    return b;
}

}  // namespace detail

/// Signs a saved model file: reads it once, checks that it is a brine file (its kind goes into the
/// signature), and writes `<path>.minisig` atomically. The file itself is not changed.
///
/// ```
/// auto key = brine::SecretKey::read("/run/secrets/brine.key");
/// brine::sign_file("model.brine", key, {"fraud-scorer", 42});
/// ```
/// Throws Error: Errc::invalid_argument (bad name), Errc::io, and any error inspect_bytes gives
/// for a file that is not a valid brine file.
inline void sign_file(const FilePath& path, const SecretKey& key, const SignOptions& options,
                      const Limits& limits = {}) {
    const auto file = detail::HashedFile::read(path, limits.max_file_bytes, true);
    const FileInfo info = inspect_bytes(file.view(), limits);
    const ModelBinding b = detail::binding_for(options, info.kind);
    const MinisignSignature s = detail::make_signature(key, file.digest, b, options);
    detail::write_file_atomic_bytes(detail::sig_path(path, options.signature_path), s.to_text(),
                                    0644);
}

/// Saves a model and signs it in one call: the model file first, then its signature, each
/// replaced atomically. The signature covers exactly the bytes written. A crash between the two
/// leaves the new model with no valid signature (the old one, or none), which a signed load
/// refuses; never a valid signature for bytes that were not signed.
template <class Model>
void save_signed(const Model& model, const FilePath& path, const SecretKey& key,
                 const SignOptions& sign_options, const SaveOptions& save_options = {}) {
    ModelKind kind;
    if constexpr (std::is_same_v<Model, AnyModel>)
        kind = model.kind();
    else
        kind = model_kind_v<Model>;
    const ModelBinding b = detail::binding_for(sign_options, kind);
    const Format f = save_options.format ? *save_options.format : format_for_path(path);
    const std::string bytes = to_bytes(model, f, save_options);
    detail::Blake2b512 h;
    h.update(bytes.data(), bytes.size());
    const MinisignSignature s = detail::make_signature(key, h.final(), b, sign_options);
    struct stat old {};
    const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
    detail::write_file_atomic_bytes(path, bytes, mode);
    detail::write_file_atomic_bytes(detail::sig_path(path, sign_options.signature_path),
                                    s.to_text(), 0644);
}

/// Verifies any file's minisign signature (prehashed "ED") against the trusted keys, reading the
/// file once in 1 MiB pieces and keeping none of it. The trusted comment need not be brine's.
/// Throws Errc::missing_signature, Errc::bad_algorithm, Errc::untrusted_key,
/// Errc::bad_signature (each naming the file and key id), and the parse errors of a hostile
/// `.minisig` (malformed, truncated, limit_exceeded).
inline SignatureInfo verify_file(const FilePath& path, const TrustedKeys& keys,
                                 const std::string& signature_path = {},
                                 std::uint64_t max_file_bytes = Limits{}.max_file_bytes) {
    const std::string sig = detail::sig_path(path, signature_path);
    const MinisignSignature s = detail::read_signature(path, sig);
    const PublicKey& key = detail::check_signature(s, keys, path, sig);
    const auto file = detail::HashedFile::read(path, max_file_bytes, false);
    detail::check_digest(s, key, file.digest, path, sig);
    SignatureInfo info;
    info.key_id = s.key_id;
    info.trusted_comment = s.trusted_comment;
    try {
        info.binding = ModelBinding::parse(s.trusted_comment, sig);
    } catch (const Error&) {
        // not a brine comment: the signature is still good
    }
    return info;
}

/// Loads a model only if a trusted key signed those exact bytes for this purpose: the signature
/// is checked (algorithm, key id, trusted comment, policy) before the model file is read, the
/// file is read once while its BLAKE2b-512 is computed, the signature is verified, and only then
/// are the same bytes decoded, with all of brine::load's checks.
///
/// ```
/// brine::TrustedKeys keys{brine::PublicKey::parse("RWQ…")};   // compiled in, or root-owned
/// auto m = brine::load_signed<brine::LogisticRegression>("model.brine", keys,
///                                                        {"fraud-scorer", 42});
/// ```
/// Throws Error: Errc::missing_signature, Errc::bad_algorithm (legacy "Ed"),
/// Errc::untrusted_key, Errc::bad_signature, Errc::name_mismatch, Errc::version_rollback,
/// Errc::kind_mismatch (signed as or holding another kind), Errc::malformed for a `.minisig` or
/// trusted comment of the wrong form, and every error of from_bytes.
template <class Model>
Model load_signed(const FilePath& path, const TrustedKeys& keys, const SignaturePolicy& policy = {},
                  const LoadOptions& options = {}) {
    const std::string sig = detail::sig_path(path, policy.signature_path);
    ModelBinding b;
    const detail::HashedFile file = detail::read_verified(path, keys, policy, options, b);
    detail::check_kind(b, model_kind_v<Model>, path, sig);
    return from_bytes<Model>(file.view(), options);
}

/// load_signed for whatever built-in kind the signed file holds; the kind must be the one the
/// signature binds.
inline AnyModel load_any_signed(const FilePath& path, const TrustedKeys& keys,
                                const SignaturePolicy& policy = {},
                                const LoadOptions& options = {}) {
    const std::string sig = detail::sig_path(path, policy.signature_path);
    ModelBinding b;
    const detail::HashedFile file = detail::read_verified(path, keys, policy, options, b);
    AnyModel m = from_bytes_any(file.view(), options);
    detail::check_kind(b, m.kind(), path, sig);
    return m;
}

}  // namespace brine
