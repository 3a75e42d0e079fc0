// Loading large binary files without a copy of the whole file in memory: the payload is read from
// the file straight into the model's arrays, and hashed as it arrives.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "brine/io/codec.hpp"
#include "brine/io/file.hpp"

namespace brine::detail {

/// Binary files at least this large are loaded through a HashingFileSource; smaller ones are read
/// whole with one read call, which is quicker for them.
inline constexpr std::uint64_t stream_threshold = std::uint64_t{1} << 20;

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

/// Decodes the binary file `file`, whose first binary_prefix_size bytes were read into `head`,
/// reading the payload with `decode_payload(BinaryInputArchive&, const Header&)`.
///
/// Errors come in the order decode() gives them for the same bytes in memory: layout (magic,
/// version, lengths, trailing bytes), then the checksum, then header, kind and payload. The
/// checksum can only be known at the end, so a header or payload error is held until the whole
/// file has been hashed, and a damaged file is reported as damaged whichever path loads it.
/// Returns the decoded (not yet validated) payload and the header.
template <class Result, class DecodePayload>
std::pair<Result, Header> decode_binary_streamed(InputFile& file, std::string_view head,
                                                 const Limits& limits,
                                                 DecodePayload&& decode_payload) {
    const std::uint64_t size = file.size();
    BinaryLayout layout = check_binary_prefix(head, size);
    XxHash64 hash;
    hash.update(head.data(), head.size());
    // Header and payload length: no larger than the file, which is within the size limit.
    std::string header(static_cast<std::size_t>(layout.header_len) + 8, '\0');
    file.read_exact(header.data(), header.size());
    hash.update(header.data(), header.size());
    check_binary_payload_len(layout, get_u64(header, header.size() - 8), size);

    std::exception_ptr deferred;
    Header h;
    std::optional<Result> result;
    try {
        h = decode_binary_header(
            std::string_view(header).substr(0, static_cast<std::size_t>(layout.header_len)),
            limits);
    } catch (...) {
        deferred = std::current_exception();
    }
    HashingFileSource source(file, hash, layout.payload_len);
    if (!deferred) {
        try {
            BinaryInputArchive ar(source, layout.payload_len, limits, layout.payload_offset);
            result.emplace(decode_payload(ar, h));
            if (ar.remaining() != 0) {
                ar.fail(Errc::malformed,
                        std::to_string(ar.remaining()) + " unread bytes at the end of the payload");
            }
        } catch (...) {
            deferred = std::current_exception();
        }
    }
    source.skip_rest();
    char stored_le[checksum_size];
    file.read_exact(stored_le, sizeof stored_le);
    file.check_at_end();
#if !defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
    const std::uint64_t stored = get_u64(std::string_view(stored_le, sizeof stored_le), 0);
    const std::uint64_t computed = hash.digest();
    if (computed != stored) checksum_error(stored, computed, layout.checksum_offset);
#endif
    if (deferred) std::rethrow_exception(deferred);
    return {std::move(*result), std::move(h)};
}

/// Reads one payload of kind `kind` as whichever AnyModel alternative has it.
template <std::size_t I = 0>
AnyModel read_any_payload(BinaryInputArchive& ar, ModelKind kind) {
    using V = AnyModel::Variant;
    if constexpr (I == std::variant_size_v<V>) {
        throw Error(Errc::unsupported_version, "unknown model kind");
    } else {
        using Alt = std::variant_alternative_t<I, V>;
        if (model_kind_v<Alt> != kind) return read_any_payload<I + 1>(ar, kind);
        Alt m;
        ar(cereal::make_nvp("payload", m));
        return AnyModel(std::move(m));
    }
}

/// Opens `path` and loads it: binary files of at least `stream_from` bytes through
/// decode_binary_streamed (`streamed(file, head)`), every other file read whole into memory and
/// passed to `in_memory(bytes)`.
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
            return guarded("loading", [&] { return streamed(file, head_view); });
        }
        // A JSON file over its limit is refused before it is read (the same error as in memory).
        if (detect_format(head_view) == Format::json) check_json_size(file.size(), o);
    }
    const FileBytes bytes = FileBytes::read_rest(file, head_view);
    return in_memory(bytes.view());
}

template <class Model>
Model load_model_file(const std::string& path, const LoadOptions& o,
                      std::uint64_t stream_from = stream_threshold) {
    return load_file(
        path, o, stream_from,
        [&](InputFile& file, std::string_view head) {
            auto [m, h] = decode_binary_streamed<Model>(
                file, head, o, [](BinaryInputArchive& ar, const Header& header) {
                    require_kind<Model>(header);
                    Model model;
                    ar(cereal::make_nvp("payload", model));
                    return model;
                });
            return finish_model(std::move(m), h, o);
        },
        [&](std::string_view bytes) { return decode<Model>(bytes, o); });
}

inline AnyModel load_any_file(const std::string& path, const LoadOptions& o,
                              std::uint64_t stream_from = stream_threshold) {
    return load_file(
        path, o, stream_from,
        [&](InputFile& file, std::string_view head) {
            auto [any, h] = decode_binary_streamed<AnyModel>(
                file, head, o, [](BinaryInputArchive& ar, const Header& header) {
                    return read_any_payload(ar, header.kind);
                });
            std::visit([&, &hdr = h](auto& m) { m = finish_model(std::move(m), hdr, o); },
                       any.variant());
            return any;
        },
        [&](std::string_view bytes) {
            return guarded("loading", [&] {
                Reader r(bytes, o);
                return decode_any_as(r, o);
            });
        });
}

}  // namespace brine::detail

namespace brine::detail {

/// Counts the bytes an archive writes (the payload's length, before it is written).
class CountingSink final : public ByteSink {
public:
    void write(const void*, std::size_t n) override { count += n; }
    std::uint64_t count = 0;
};

/// Passes bytes on to `emit(data, n)` in order, through a 64 KiB buffer for small writes (large
/// ones go straight through), and feeds each to the checksum.
template <class Emit>
class HashingSink final : public ByteSink {
public:
    HashingSink(Emit& emit, XxHash64& hash) : emit_(emit), hash_(hash) {}

    void write(const void* data, std::size_t n) override {
        hash_.update(data, n);
        if (len_ + n <= buffer_size) {
            std::memcpy(buf_.get() + len_, data, n);
            len_ += n;
            return;
        }
        flush();
        if (n >= buffer_size) {
            emit_(data, n);
        } else {
            std::memcpy(buf_.get(), data, n);
            len_ = n;
        }
    }

    void flush() {
        if (len_) emit_(buf_.get(), len_);
        len_ = 0;
    }

private:
    static constexpr std::size_t buffer_size = std::size_t{64} << 10;
    Emit& emit_;
    XxHash64& hash_;
    std::unique_ptr<char[]> buf_{new char[buffer_size]};
    std::size_t len_ = 0;
};

/// Bytes of the model's binary payload.
template <class Model>
std::uint64_t binary_payload_size(const Model& m) {
    CountingSink count;
    BinaryOutputArchive ar(count);
    ar(m);
    return count.count;
}

/// The binary file of m with header h, passed in order to `emit(data, n)` without being held in
/// memory: the same bytes as encode_binary. Arrays go from the model's storage to `emit`.
template <class Model, class Emit>
void stream_binary(const Model& m, const Header& h, std::uint64_t payload_size, Emit& emit) {
    ByteBuffer head;
    {
        BinaryOutputArchive ar(head);
        encode_binary_head(ar, h, format_version_major, format_version_minor);
        ar.write_scalar(payload_size);
    }
    XxHash64 hash;
    HashingSink<Emit> sink(emit, hash);
    sink.write(head.data(), head.size());
    BinaryOutputArchive ar(sink);
    ar(m);
    if (ar.size() != payload_size) {  // the counting pass and this one run the same code
        throw Error(Errc::invalid_model, "the payload changed size while being written");
    }
    sink.flush();
    const std::uint64_t sum = hash.digest();
    char le[checksum_size];
    copy_le<std::uint64_t>(le, &sum, 1);
    emit(le, sizeof le);
}

/// brine::save: binary payloads of at least `stream_from` bytes are written to the file as they
/// are encoded (no copy of the file in memory); everything else is encoded whole, then written.
template <class Model>
void save_model_file(const Model& m, const std::string& path, Format f, const SaveOptions& o,
                     std::uint64_t stream_from = stream_threshold) {
    if constexpr (std::is_same_v<Model, AnyModel>) {
        std::visit([&](const auto& alt) { save_model_file(alt, path, f, o, stream_from); },
                   m.variant());
    } else {
        if (f == Format::binary) {
            m.validate();
            const std::uint64_t payload_size =
                guarded("saving", [&] { return binary_payload_size(m); });
            if (payload_size >= stream_from) {
                const Header h = make_header(m, o);
                write_file_atomic_with(path, [&](auto& emit) {
                    guarded("saving", [&] { stream_binary(m, h, payload_size, emit); });
                });
                return;
            }
        }
        const Encoded e = encode(m, f, o);
        write_file_atomic(path, e.view());
    }
}

}  // namespace brine::detail
