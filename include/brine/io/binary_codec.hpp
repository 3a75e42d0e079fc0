// The binary encoding of a whole brine file: one encoder, writing to a buffer in memory or to a
// file as it is encoded, and one decoder, reading bytes in memory or a file in chunks. No JSON.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "brine/io/binary_header.hpp"
#include "brine/io/container.hpp"
#include "brine/io/file.hpp"

namespace brine::detail {

/// Rethrows the exception being handled as a brine::Error (guarded's handler). One function, not
/// inlined, so that the handler is compiled once rather than in every instantiation of guarded.
[[noreturn]] BRINE_COLD inline void rethrow_as_error(const char* action) {
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(Errc::limit_exceeded, std::string(action) + ": out of memory");
    } catch (const std::exception& e) {
        throw Error(Errc::malformed, std::string(action) + ": " + e.what());
    }
}

/// Runs f, turning anything that is not a brine::Error into one: no cereal, RapidJSON or standard
/// library exception crosses brine's API.
template <class F>
decltype(auto) guarded(const char* action, F&& f) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const std::exception&) {
        rethrow_as_error(action);
    }
}

/// The format of a buffer, from its first bytes: the binary magic's first byte, or a JSON object
/// (after optional whitespace or a UTF-8 byte-order mark).
inline Format detect_format(std::string_view bytes) {
    if (!bytes.empty() && bytes[0] == binary_magic[0]) return Format::binary;
    std::size_t i = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < bytes.size() &&
           (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r'))
        ++i;
    if (i < bytes.size() && bytes[i] == '{') return Format::json;
    if (bytes.empty())
        throw Error(Errc::truncated, "empty input: 0 bytes, a brine file has at least 36");
    not_brine(bytes);
}

inline void check_size(std::string_view bytes, const Limits& limits) {
    if (bytes.size() > limits.max_file_bytes) {
        throw Error(Errc::limit_exceeded, "input of " + std::to_string(bytes.size()) +
                                              " bytes exceeds the limit of " +
                                              std::to_string(limits.max_file_bytes))
            .with_limit(limits.max_file_bytes, "max_file_bytes");
    }
}

/// Errc::invalid_argument for a JSON document given to brine::binary, which reads the binary
/// encoding only (and so never compiles the JSON decoder).
[[noreturn]] BRINE_COLD inline void json_not_read_here() {
    throw Error(Errc::invalid_argument,
                "brine::binary reads the binary encoding only, and this is a JSON brine document: "
                "load it with brine::load or brine::from_bytes (<brine/brine.hpp>)");
}

/// Errc::kind_mismatch unless the header announces a Model.
template <class Model>
void require_kind(const Header& h) {
    if (h.kind != model_kind_v<Model>) {
        throw Error(Errc::kind_mismatch, "the file holds a " + std::string(kind_name(h.kind)) +
                                             ", not a " +
                                             std::string(kind_name(model_kind_v<Model>)));
    }
}

/// The last steps of every load, whatever the encoding: validate(), then the reference check.
template <class Model>
Model finish_model(Model m, const Header& h, const LoadOptions& o) {
    m.validate();
    check_expected_shape(m, o);
    if (o.verify_reference) check_reference(m, h.reference, o);
    return m;
}

// ---- the encoder ---------------------------------------------------------------------------

/// Appends what it is given to a ByteBuffer.
class BufferSink final : public ByteSink {
public:
    explicit BufferSink(ByteBuffer& out) : out_(out) {}
    void write(const void* data, std::size_t n) override {
        if (n) std::memcpy(out_.grow(n), data, n);
    }

private:
    ByteBuffer& out_;
};

/// Drops what it is given (for a checksum of bytes nobody keeps).
class NullSink final : public ByteSink {
public:
    void write(const void*, std::size_t) override {}
    bool discards() const noexcept override { return true; }
};

/// Passes what it is given to `emit(data, n)`, e.g. the writer of write_file_atomic_with.
template <class Emit>
class EmitSink final : public ByteSink {
public:
    explicit EmitSink(Emit& emit) : emit_(emit) {}
    void write(const void* data, std::size_t n) override { emit_(data, n); }

private:
    Emit& emit_;
};

/// Passes bytes on to another sink in order, through a 64 KiB buffer for small writes (large ones
/// go straight through), and feeds each to the checksum while it is still in cache. To a sink that
/// discards them (a JSON document's checksum) it only hashes: no buffer, no copy.
class HashingSink final : public ByteSink {
public:
    HashingSink(ByteSink& out, XxHash64& hash)
        : out_(out), hash_(hash), buf_(out.discards() ? nullptr : new char[buffer_size]) {}

    void write(const void* data, std::size_t n) override {
        hash_.update(data, n);
        if (!buf_) return;
        if (len_ + n <= buffer_size) {
            if (n) std::memcpy(buf_.get() + len_, data, n);
            len_ += n;
            return;
        }
        flush();
        if (n >= buffer_size) {
            out_.write(data, n);
        } else {
            std::memcpy(buf_.get(), data, n);
            len_ = n;
        }
    }

    void flush() {
        if (len_) out_.write(buf_.get(), len_);
        len_ = 0;
    }

private:
    static constexpr std::size_t buffer_size = std::size_t{64} << 10;
    ByteSink& out_;
    XxHash64& hash_;
    std::unique_ptr<char[]> buf_;  // null when out_ discards
    std::size_t len_ = 0;
};

/// Bytes of the model's binary payload (counted, not written).
/// With `ensembles`, the tree ensembles are written at the schema versions it lists (see
/// EnsembleSchemas), as in write_binary.
template <class Model>
std::uint64_t binary_payload_size(const Model& m, const EnsembleSchemas* ensembles = nullptr) {
    BinaryOutputArchive ar(CountOnly{});
    EnsembleSchemas replay;
    if (ensembles) {
        replay.versions = ensembles->versions;
        ar.replay_ensemble_schemas(&replay);
    }
    ar(m);
    return ar.size();
}

/// The binary encoding of m with header h, whose payload is `payload_size` bytes
/// (binary_payload_size), passed to `out` in order: prefix, header, payload length, payload and,
/// when `append_checksum`, the XXH64 of everything before it. Returns that XXH64. Arrays go from
/// the model's storage to `out` with no copy of the whole file in memory. The JSON encoding's
/// checksum is this XXH64 too, so both encodings of a model share a checksum.
/// With `ensembles`, its tree ensembles are written at the schema versions it lists, in order
/// (a JSON document's checksum covers each at the version it was written with).
template <class Model>
std::uint64_t write_binary(const Model& m, const Header& h, std::uint64_t payload_size,
                           ByteSink& out, std::uint16_t major = format_version_major,
                           std::uint16_t minor = format_version_minor, bool append_checksum = true,
                           const EnsembleSchemas* ensembles = nullptr) {
    ByteBuffer head;
    {
        BinaryOutputArchive ar(head);
        encode_binary_head(ar, h, major, minor);
        ar.write_scalar(payload_size);
    }
    XxHash64 hash;
    HashingSink sink(out, hash);
    sink.write(head.data(), head.size());
    BinaryOutputArchive ar(sink);
    EnsembleSchemas replay;
    if (ensembles) {
        replay.versions = ensembles->versions;
        ar.replay_ensemble_schemas(&replay);
    }
    ar(m);
    if (ar.size() != payload_size) {  // the counting pass and this one run the same code
        throw Error(Errc::invalid_model, "the payload changed size while being written");
    }
    sink.flush();
    const std::uint64_t sum = hash.digest();
    if (append_checksum) {
        char le[checksum_size];
        copy_le<std::uint64_t>(le, &sum, 1);
        out.write(le, sizeof le);
    }
    return sum;
}

/// The complete binary file, appended to `out`.
template <class Model>
void encode_binary(ByteBuffer& out, const Model& m, const Header& h) {
    const std::uint64_t payload_size = binary_payload_size(m);
    out.reserve(out.size() + static_cast<std::size_t>(payload_size) + 4096);
    BufferSink sink(out);
    write_binary(m, h, payload_size, sink);
}

/// XXH64 of the binary encoding of m and h without its checksum (the JSON encoding's checksum);
/// with `ensembles`, the tree ensembles at the schema versions it lists.
template <class Model>
std::uint64_t binary_body_checksum(const Model& m, const Header& h, std::uint16_t major,
                                   std::uint16_t minor,
                                   const EnsembleSchemas* ensembles = nullptr) {
    NullSink none;
    return write_binary(m, h, binary_payload_size(m, ensembles), none, major, minor, false,
                        ensembles);
}

// ---- the decoder ---------------------------------------------------------------------------

/// Reads the payload of a binary file from the archive, as the type it names.
class PayloadReader {
public:
    virtual void read(BinaryInputArchive& ar, const Header& h) = 0;

protected:
    ~PayloadReader() = default;
};

/// Where decode_binary reads a binary file from: bytes in memory (MemoryInput) or a file read in
/// chunks (FileInput). Calls come in the order of the file: head, header, payload, checksums.
class BinaryInput {
public:
    /// The first min(size(), binary_prefix_size) bytes, or more.
    virtual std::string_view head() const = 0;
    virtual std::uint64_t size() const = 0;
    /// The header and the payload length after it (checked to be in the file).
    virtual std::string_view header(const BinaryLayout& l) = 0;
    /// Runs `reader` on an archive over the payload.
    virtual void payload(const BinaryLayout& l, const Limits& limits, const Header& h,
                         PayloadReader& reader) = 0;
    /// The stored checksum and the one computed over bytes 0 to l.checksum_offset.
    virtual std::pair<std::uint64_t, std::uint64_t> checksums(const BinaryLayout& l) = 0;

protected:
    ~BinaryInput() = default;
};

/// A binary file held in memory.
class MemoryInput final : public BinaryInput {
public:
    explicit MemoryInput(std::string_view bytes) noexcept : bytes_(bytes) {}

    std::string_view head() const override { return bytes_; }
    std::uint64_t size() const override { return bytes_.size(); }

    std::string_view header(const BinaryLayout& l) override {
        return bytes_.substr(binary_prefix_size, static_cast<std::size_t>(l.header_len) + 8);
    }

    void payload(const BinaryLayout& l, const Limits& limits, const Header& h,
                 PayloadReader& reader) override {
        BinaryInputArchive ar(bytes_.substr(static_cast<std::size_t>(l.payload_offset),
                                            static_cast<std::size_t>(l.payload_len)),
                              limits, l.payload_offset);
        read_all(ar, h, reader);
    }

    std::pair<std::uint64_t, std::uint64_t> checksums(const BinaryLayout& l) override {
        const std::uint64_t stored = get_u64(bytes_, static_cast<std::size_t>(l.checksum_offset));
#if defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
        return {stored, stored};
#else
        return {stored, XxHash64::hash(bytes_.data(), static_cast<std::size_t>(l.checksum_offset))};
#endif
    }

    /// The payload must be consumed exactly.
    static void read_all(BinaryInputArchive& ar, const Header& h, PayloadReader& reader) {
        reader.read(ar, h);
        if (ar.remaining() != 0) {
            ar.fail(Errc::malformed,
                    std::to_string(ar.remaining()) + " unread bytes at the end of the payload");
        }
    }

private:
    std::string_view bytes_;
};

/// Hands out the next `size` bytes of an InputFile in order, feeding each to the checksum as it is
/// consumed. Small reads go through a 64 KiB buffer; large ones land directly in the caller's
/// storage a chunk at a time, each chunk hashed while it is still in cache.
class HashingFileSource final : public ByteSource {
public:
    HashingFileSource(InputFile& file, XxHash64& hash, std::uint64_t size)
        : file_(file), hash_(hash), unread_(size) {}

    void read(void* dst, std::size_t n) override {
        char* d = static_cast<char*>(dst);
        const std::size_t from_buffer = std::min(n, buffered());
        if (from_buffer) {
            std::memcpy(d, buf_.get() + at_, from_buffer);
            hash_.update(d, from_buffer);
            at_ += from_buffer;
            d += from_buffer;
            n -= from_buffer;
        }
        if (n == 0) return;
        if (n > unread_) {  // the archive checks every size against the payload's length first
            throw Error(Errc::truncated, "read past the end of the payload at byte " +
                                             std::to_string(file_.position()));
        }
        if (n >= buffer_size) {
            direct(d, n);
            return;
        }
        fill();
        std::memcpy(d, buf_.get(), n);
        hash_.update(d, n);
        at_ = n;
    }

    /// Consumes (and hashes) whatever the decoder did not read.
    void skip_rest() {
        hash_.update(buf_.get() + at_, buffered());
        at_ = len_;
        while (unread_) {
            fill();
            hash_.update(buf_.get(), len_);
            at_ = len_;
        }
    }

private:
    static constexpr std::size_t buffer_size = std::size_t{64} << 10;
    static constexpr std::size_t chunk_size = std::size_t{1} << 20;

    std::size_t buffered() const noexcept { return len_ - at_; }

    void fill() {
        len_ = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size, unread_));
        file_.read_exact(buf_.get(), len_);
        unread_ -= len_;
        at_ = 0;
    }

    void direct(char* d, std::size_t n) {
        while (n) {
            const std::size_t c = std::min(chunk_size, n);
            file_.read_exact(d, c);
            hash_.update(d, c);
            unread_ -= c;
            d += c;
            n -= c;
        }
    }

    InputFile& file_;
    XxHash64& hash_;
    std::uint64_t unread_;
    std::unique_ptr<char[]> buf_{new char[buffer_size]};
    std::size_t at_ = 0, len_ = 0;
};

/// A binary file read in chunks: the payload goes from the file straight into the model's arrays,
/// and every byte is hashed as it arrives. `head` holds the file's first binary_prefix_size
/// bytes, already read.
class FileInput final : public BinaryInput {
public:
    FileInput(InputFile& file, std::string_view head) : file_(file), head_(head) {
        hash_.update(head.data(), head.size());
    }

    std::string_view head() const override { return head_; }
    std::uint64_t size() const override { return file_.size(); }

    std::string_view header(const BinaryLayout& l) override {
        // No larger than the file, which is within the size limit.
        header_.resize(static_cast<std::size_t>(l.header_len) + 8);
        file_.read_exact(header_.data(), header_.size());
        hash_.update(header_.data(), header_.size());
        return header_;
    }

    void payload(const BinaryLayout& l, const Limits& limits, const Header& h,
                 PayloadReader& reader) override {
        BinaryInputArchive ar(source(l), l.payload_len, limits, l.payload_offset);
        MemoryInput::read_all(ar, h, reader);
    }

    std::pair<std::uint64_t, std::uint64_t> checksums(const BinaryLayout& l) override {
        source(l).skip_rest();
        char stored_le[checksum_size];
        file_.read_exact(stored_le, sizeof stored_le);
        file_.check_at_end();
        const std::uint64_t stored = get_u64(std::string_view(stored_le, sizeof stored_le), 0);
#if defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
        return {stored, stored};
#else
        return {stored, hash_.digest()};
#endif
    }

private:
    HashingFileSource& source(const BinaryLayout& l) {
        if (!source_) source_.emplace(file_, hash_, l.payload_len);
        return *source_;
    }

    InputFile& file_;
    std::string_view head_;
    XxHash64 hash_;
    std::string header_;
    std::optional<HashingFileSource> source_;
};

inline FileInfo info_from(Format f, std::uint16_t major, std::uint16_t minor, const Header& h,
                          std::uint64_t size, std::uint64_t checksum, bool verified) {
    FileInfo i;
    i.format = f;
    i.format_major = major;
    i.format_minor = minor;
    i.kind = h.kind;
    i.schema_version = h.schema_version;
    i.library_version = h.library_version;
    i.created = h.created;
    i.metadata = h.metadata;
    i.reference = h.reference;
    i.file_size = size;
    i.checksum = checksum;
    i.checksum_verified = verified;
    return i;
}

/// Decodes a binary file from `in`, reading the payload with `reader`; returns the header. The
/// one binary decoder: from_bytes, load and load_any of every kind, in memory or from a file.
///
/// Errors come in one order whatever the input: layout (magic, version, lengths, trailing bytes),
/// then the checksum, then header, kind and payload. A file read in chunks is hashed as it is
/// decoded, so the checksum is known only at the end: a header or payload error is held until the
/// whole file has been hashed, and a damaged file is reported as damaged however it is read.
/// (A template only so that it is compiled only where a program decodes.)
/// With `info`, the file's information is stored there once the checksum is verified.
template <class Tag = void>
Header decode_binary(BinaryInput& in, const Limits& limits, PayloadReader& reader,
                     FileInfo* info = nullptr) {
    const std::uint64_t size = in.size();
    BinaryLayout layout = check_binary_prefix(in.head(), size);
    const std::string_view header = in.header(layout);
    check_binary_payload_len(layout, get_u64(header, header.size() - 8), size);

    std::exception_ptr deferred;
    Header h;
    try {
        h = decode_binary_header(header.substr(0, static_cast<std::size_t>(layout.header_len)),
                                 limits);
    } catch (...) {
        deferred = std::current_exception();
    }
    if (!deferred) {
        try {
            in.payload(layout, limits, h, reader);
        } catch (...) {
            deferred = std::current_exception();
        }
    }
    const auto [stored, computed] = in.checksums(layout);
    if (computed != stored) checksum_error(stored, computed, layout.checksum_offset);
    if (deferred) std::rethrow_exception(deferred);
    if (info) *info = info_from(Format::binary, layout.major, layout.minor, h, size, stored, true);
    return h;
}

/// Reads a payload that must be a Model.
template <class Model>
class ReadAs final : public PayloadReader {
public:
    void read(BinaryInputArchive& ar, const Header& h) override {
        require_kind<Model>(h);
        ar(cereal::make_nvp("payload", model));
    }
    Model model;
};

/// Reads one payload of the header's kind as whichever AnyModel alternative has it.
template <std::size_t I = 0>
AnyModel read_any_payload(BinaryInputArchive& ar, const Header& h) {
    using V = AnyModel::Variant;
    if constexpr (I == std::variant_size_v<V>) {
        throw Error(Errc::unsupported_version, "unknown model kind");
    } else {
        using Alt = std::variant_alternative_t<I, V>;
        if (model_kind_v<Alt> != h.kind) return read_any_payload<I + 1>(ar, h);
        Alt m;
        ar(cereal::make_nvp("payload", m));
        return AnyModel(std::move(m));
    }
}

/// Reads a payload of any built-in kind. (A template so that the readers of every kind are
/// compiled only where a program calls load_any or from_bytes_any.)
template <class Tag = void>
class ReadAny final : public PayloadReader {
public:
    void read(BinaryInputArchive& ar, const Header& h) override { model = read_any_payload(ar, h); }
    AnyModel model;
};

/// A whole binary file from `in` as a Model: container, kind, payload, validate(), reference.
template <class Model>
Model decode_binary_model(BinaryInput& in, const LoadOptions& o, FileInfo* info = nullptr) {
    ReadAs<Model> r;
    const Header h = decode_binary(in, o, r, info);
    return finish_model(std::move(r.model), h, o);
}

/// A whole binary file from `in`, whatever built-in kind it holds.
template <class Tag = void>
AnyModel decode_binary_any(BinaryInput& in, const LoadOptions& o, FileInfo* info = nullptr) {
    ReadAny<Tag> r;
    const Header h = decode_binary(in, o, r, info);
    std::visit([&](auto& m) { m = finish_model(std::move(m), h, o); }, r.model.variant());
    r.model.set_feature_names(h.metadata.feature_names);
    return std::move(r.model);
}

/// A binary file held in memory as a Model (a JSON document is refused: json_not_read_here).
template <class Model>
Model decode_binary_bytes(std::string_view bytes, const LoadOptions& o) {
    return guarded("loading", [&]() -> Model {
        check_size(bytes, o);
        if (detect_format(bytes) == Format::json) json_not_read_here();
        MemoryInput in(bytes);
        return decode_binary_model<Model>(in, o);
    });
}

template <class Tag = void>
AnyModel decode_binary_bytes_any(std::string_view bytes, const LoadOptions& o) {
    return guarded("loading", [&] {
        check_size(bytes, o);
        if (detect_format(bytes) == Format::json) json_not_read_here();
        MemoryInput in(bytes);
        return decode_binary_any(in, o);
    });
}

// ---- files ---------------------------------------------------------------------------------

/// Binary files at least this large are loaded through a FileInput (read in chunks straight into
/// the model's arrays); smaller ones are read whole with one read call, which is quicker for them.
/// Saves of binary payloads at least this large are written to the file as they are encoded.
inline constexpr std::uint64_t stream_threshold = std::uint64_t{1} << 20;

/// Opens `path` and loads it: binary files of at least `stream_from` bytes are decoded from a
/// FileInput (`streamed(FileInput&)`), every other file read whole into memory and passed to
/// `in_memory(bytes)`.
template <class Streamed, class InMemory>
decltype(auto) load_file(const std::string& path, const LoadOptions& o, std::uint64_t stream_from,
                         Streamed&& streamed, InMemory&& in_memory) {
    InputFile file = InputFile::open(path, o.max_file_bytes);
    char head[binary_prefix_size];
    std::string_view head_view;
    if (file.size() >= stream_from && file.size() >= binary_prefix_size) {
        file.read_exact(head, sizeof head);
        head_view = std::string_view(head, sizeof head);
        if (head_view.substr(0, sizeof binary_magic) ==
            std::string_view(binary_magic, sizeof binary_magic)) {
            return guarded("loading", [&] {
                FileInput in(file, head_view);
                return streamed(in);
            });
        }
        // A JSON file over its limit is refused before it is read (the same error as in memory).
        if (detect_format(head_view) == Format::json) check_json_size(file.size(), o);
    }
    const FileBytes bytes = FileBytes::read_rest(file, head_view);
    return in_memory(bytes.view());
}

/// brine::binary::load.
template <class Model>
Model load_binary_file(const std::string& path, const LoadOptions& o,
                       std::uint64_t stream_from = stream_threshold) {
    return load_file(
        path, o, stream_from, [&](FileInput& in) { return decode_binary_model<Model>(in, o); },
        [&](std::string_view bytes) { return decode_binary_bytes<Model>(bytes, o); });
}

template <class Tag = void>
AnyModel load_binary_any_file(const std::string& path, const LoadOptions& o,
                              std::uint64_t stream_from = stream_threshold) {
    return load_file(
        path, o, stream_from, [&](FileInput& in) { return decode_binary_any(in, o); },
        [&](std::string_view bytes) { return decode_binary_bytes_any(bytes, o); });
}

/// Saves m in the binary encoding: payloads of at least `stream_from` bytes are written to the
/// file as they are encoded (no copy of the file in memory), smaller ones encoded whole, then
/// written. The bytes are the same either way.
template <class Model>
void save_binary_file(const Model& m, const std::string& path, const SaveOptions& o,
                      std::uint64_t stream_from = stream_threshold) {
    if constexpr (std::is_same_v<Model, AnyModel>) {
        std::visit([&](const auto& alt) { save_binary_file(alt, path, o, stream_from); },
                   m.variant());
    } else {
        m.validate();
        const std::uint64_t payload_size =
            guarded("saving", [&] { return binary_payload_size(m); });
        const Header h = make_header(m, o);
        if (payload_size >= stream_from) {
            write_file_atomic_with(path, [&](auto& emit) {
                EmitSink<std::remove_reference_t<decltype(emit)>> out(emit);
                guarded("saving", [&] { write_binary(m, h, payload_size, out); });
            });
            return;
        }
        ByteBuffer buf;
        guarded("saving", [&] {
            BufferSink out(buf);
            buf.reserve(static_cast<std::size_t>(payload_size) + 4096);
            write_binary(m, h, payload_size, out);
        });
        write_file_atomic(path, buf.view());
    }
}

/// The binary file of a model, in memory (brine::binary::to_bytes, and to_bytes of binary).
template <class Model>
ByteBuffer encode_binary_file(const Model& m, const SaveOptions& o) {
    if constexpr (std::is_same_v<Model, AnyModel>) {
        return std::visit([&](const auto& alt) { return encode_binary_file(alt, o); }, m.variant());
    } else {
        m.validate();
        const Header h = make_header(m, o);
        ByteBuffer out;
        guarded("saving", [&] { encode_binary(out, m, h); });
        return out;
    }
}

}  // namespace brine::detail
