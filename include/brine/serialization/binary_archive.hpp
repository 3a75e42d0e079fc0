// brine's binary archives: fixed-width little-endian values, one bulk copy per array, and a
// bounded reader that checks every length against the bytes that remain before allocating.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "brine/detail/text.hpp"
#include "brine/serialization/archive.hpp"

namespace brine {
namespace detail {

inline constexpr bool host_is_little_endian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

/// Copies n values of T from src to dst, converting between host order and little-endian.
template <class T>
void copy_le(void* dst, const void* src, std::size_t n) noexcept {
    // An empty Eigen matrix has a null data(); memcpy with a null pointer is undefined even for
    // n == 0 (UBSan's nonnull-attribute check).
    if (n == 0) return;
    if constexpr (host_is_little_endian || sizeof(T) == 1) {
        std::memcpy(dst, src, n * sizeof(T));
    } else {
        auto* d = static_cast<unsigned char*>(dst);
        const auto* s = static_cast<const unsigned char*>(src);
        for (std::size_t i = 0; i < n; ++i, d += sizeof(T), s += sizeof(T)) {
            for (std::size_t b = 0; b < sizeof(T); ++b) d[b] = s[sizeof(T) - 1 - b];
        }
    }
}

/// brine files hold a single NaN, the quiet NaN 0x7FF8000000000000: NaN's sign and payload mean
/// nothing in a model and JSON's "NaN" cannot keep them, so every writer stores this one (x86's
/// 0.0 / 0.0, for one, has its sign bit set). Without it a JSON file's checksum, taken over the
/// binary encoding, would not match what its "NaN" strings read back as.
inline constexpr std::uint64_t canonical_nan_bits = 0x7FF8000000000000ULL;

/// copy_le for values being written: doubles' NaNs become the canonical NaN. Copies in blocks and
/// checks each block while it is still in cache, so the check costs little beside the copy.
template <class T>
void copy_le_out(void* dst, const T* src, std::size_t n) noexcept {
    if constexpr (std::is_same_v<T, double>) {
        constexpr std::size_t block = 4096;  // 32 KiB: checked while still in L1/L2
        auto* d = static_cast<unsigned char*>(dst);
        for (std::size_t at = 0; at < n; at += block) {
            const std::size_t len = std::min(block, n - at);
            copy_le<double>(d + at * sizeof(double), src + at, len);
            bool any_nan = false;
            for (std::size_t i = at; i < at + len; ++i) any_nan |= src[i] != src[i];
            if (!any_nan) continue;
            for (std::size_t i = at; i < at + len; ++i) {
                if (src[i] != src[i]) {
                    copy_le<std::uint64_t>(d + i * sizeof(double), &canonical_nan_bits, 1);
                }
            }
        }
    } else {
        copy_le<T>(dst, src, n);
    }
}

template <class T>
inline constexpr bool is_wire_scalar_v =
    std::is_arithmetic_v<T> && !std::is_same_v<T, long double> && !std::is_same_v<T, char>;

/// A growable byte buffer whose new bytes are not zero-filled first (a std::string's resize would
/// write every byte of a large array twice).
class ByteBuffer {
public:
    /// Extends the buffer by n bytes and returns where they start.
    char* grow(std::size_t n) {
        // Slack after a large write keeps the small fields that follow a big array from forcing
        // another copy of it; untouched slack costs no page faults.
        if (n > cap_ - size_)
            reserve(std::max({size_ + n + (size_ + n) / 16 + 4096, cap_ * 2, std::size_t{256}}));
        char* p = data_.get() + size_;
        size_ += n;
        return p;
    }
    void reserve(std::size_t cap) {
        if (cap <= cap_) return;
        std::unique_ptr<char[]> d(new char[cap]);
        if (size_) std::memcpy(d.get(), data_.get(), size_);
        data_ = std::move(d);
        cap_ = cap;
    }
    char* data() noexcept { return data_.get(); }
    const char* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    std::string_view view() const noexcept { return {data_.get(), size_}; }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t cap_ = 0;
};

/// A sequential destination for a BinaryOutputArchive that passes its bytes on as they are
/// produced (brine::save of a large binary file writes them to the file) instead of keeping them.
class ByteSink {
public:
    /// Takes the next n bytes; `data` is only valid during the call.
    virtual void write(const void* data, std::size_t n) = 0;
    /// True for a sink that drops every byte: a writer that only needs the bytes' checksum then
    /// neither buffers nor copies them.
    virtual bool discards() const noexcept { return false; }

protected:
    ~ByteSink() = default;
};

/// Tag for a BinaryOutputArchive that only counts the bytes it would write.
struct CountOnly {};

struct EnsembleSchemas;  // brine/serialization/models.hpp

}  // namespace detail

/// Writes brine's binary encoding into a std::string, a detail::ByteBuffer or a detail::ByteSink.
/// Names of name-value pairs are not written: the field order is the layout. Integers and floats
/// are fixed-width little-endian, sizes are u64, strings are a u64 byte count then the bytes,
/// arrays are their elements back to back.
class BinaryOutputArchive
    : public cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision> {
public:
    explicit BinaryOutputArchive(std::string& out)
        : cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision>(this),
          string_(&out) {}
    explicit BinaryOutputArchive(detail::ByteBuffer& out)
        : cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision>(this),
          buffer_(&out) {}
    /// Arrays whose bytes need no change (little-endian host, no NaN to make canonical) go to the
    /// sink straight from the caller's memory, in spans of up to 1 MiB.
    explicit BinaryOutputArchive(detail::ByteSink& out)
        : cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision>(this),
          sink_(&out) {}
    /// Writes nothing, only counts: size() is then the length of the encoding (arrays are not
    /// read, so counting costs nothing per element).
    explicit BinaryOutputArchive(detail::CountOnly)
        : cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision>(this),
          count_only_(true) {}

    template <class T>
    void write_scalar(T v) {
        static_assert(detail::is_wire_scalar_v<T>, "fixed-width arithmetic types only");
        if (count_only_) {
            written_ += sizeof(T);
            return;
        }
        if (sink_) {
            char le[sizeof(T)];
            detail::copy_le_out<T>(le, &v, 1);
            put(le, sizeof(T));
            return;
        }
        detail::copy_le_out<T>(grow(sizeof(T)), &v, 1);
    }

    template <class T>
    void write_array(const T* data, std::size_t n) {
        if (count_only_) {
            written_ += n * sizeof(T);
            return;
        }
        if (sink_) {
            write_array_to_sink(data, n);
            return;
        }
        detail::copy_le_out<T>(grow(n * sizeof(T)), data, n);
    }

    void write_bytes(const char* data, std::size_t n) {
        if (count_only_) {
            written_ += n;
            return;
        }
        if (sink_) {
            if (n) put(data, n);
            return;
        }
        if (n) std::memcpy(grow(n), data, n);
    }

    /// The tree_ensemble schema versions to write, in order, instead of the current one (the
    /// re-encoding behind a JSON document's checksum; see detail::EnsembleSchemas). None: null.
    detail::EnsembleSchemas* ensemble_schemas() const noexcept { return ensemble_schemas_; }
    void replay_ensemble_schemas(detail::EnsembleSchemas* s) noexcept { ensemble_schemas_ = s; }

    /// Bytes written so far.
    std::size_t size() const noexcept {
        return sink_ || count_only_ ? written_ : buffer_ ? buffer_->size() : string_->size();
    }
    /// Where byte `at` of the output is (valid until the next write; not for a sink).
    char* at(std::size_t at) noexcept { return (buffer_ ? buffer_->data() : string_->data()) + at; }

private:
    char* grow(std::size_t n) {
        if (buffer_) return buffer_->grow(n);
        const std::size_t at = string_->size();
        string_->resize(at + n);
        return string_->data() + at;
    }

    void put(const void* data, std::size_t n) {
        sink_->write(data, n);
        written_ += n;
    }

    template <class T>
    void write_array_to_sink(const T* data, std::size_t n) {
        constexpr std::size_t span = (std::size_t{1} << 20) / sizeof(T);
        for (std::size_t at = 0; at < n; at += span) {
            const std::size_t len = std::min(span, n - at);
            bool as_is = detail::host_is_little_endian || sizeof(T) == 1;
            if constexpr (std::is_same_v<T, double>) {
                bool any_nan = false;
                for (std::size_t i = at; i < at + len; ++i) any_nan |= data[i] != data[i];
                as_is = as_is && !any_nan;
            }
            if (as_is) {
                put(data + at, len * sizeof(T));
            } else {
                if (!copy_) copy_.reset(new char[span * sizeof(T)]);
                detail::copy_le_out<T>(copy_.get(), data + at, len);
                put(copy_.get(), len * sizeof(T));
            }
        }
    }

    std::string* string_ = nullptr;
    detail::ByteBuffer* buffer_ = nullptr;
    detail::ByteSink* sink_ = nullptr;
    bool count_only_ = false;
    detail::EnsembleSchemas* ensemble_schemas_ = nullptr;
    std::size_t written_ = 0;
    std::unique_ptr<char[]> copy_;  // a span that needs converting, for a sink
};

namespace detail {

/// A sequential source of a known number of bytes, for a BinaryInputArchive that reads a file as
/// it goes (brine::load of a large binary file) instead of from memory.
class ByteSource {
public:
    /// Copies the next n bytes to dst; throws Error when they cannot be read.
    virtual void read(void* dst, std::size_t n) = 0;

protected:
    ~ByteSource() = default;
};

}  // namespace detail

/// Reads brine's binary encoding from a byte range it does not own, or from a ByteSource. Every
/// read is bounds-checked and every length is compared with the bytes left and with the Limits
/// before anything is allocated; failures are brine::Error with the field name and byte offset.
class BinaryInputArchive
    : public cereal::InputArchive<BinaryInputArchive, cereal::AllowEmptyClassElision> {
public:
    /// `base_offset` is the position of `bytes` inside the file, so messages give file offsets.
    BinaryInputArchive(std::string_view bytes, const Limits& limits, std::uint64_t base_offset = 0)
        : cereal::InputArchive<BinaryInputArchive, cereal::AllowEmptyClassElision>(this),
          bytes_(bytes),
          size_(bytes.size()),
          limits_(limits),
          base_(base_offset) {}

    /// Reads `size` bytes from `source` as they are needed; arrays go straight from the source
    /// into their storage, with no copy of the whole input in memory.
    BinaryInputArchive(detail::ByteSource& source, std::uint64_t size, const Limits& limits,
                       std::uint64_t base_offset = 0)
        : cereal::InputArchive<BinaryInputArchive, cereal::AllowEmptyClassElision>(this),
          source_(&source),
          size_(size),
          limits_(limits),
          base_(base_offset) {}

    const Limits& limits() const noexcept { return limits_; }
    std::uint64_t offset() const noexcept { return base_ + pos_; }
    std::uint64_t remaining() const noexcept { return size_ - pos_; }

    template <class T>
    T read_scalar() {
        static_assert(detail::is_wire_scalar_v<T>, "fixed-width arithmetic types only");
        need(sizeof(T));
        T v;
        if (source_) {
            char le[sizeof(T)];
            source_->read(le, sizeof(T));
            detail::copy_le<T>(&v, le, 1);
        } else {
            detail::copy_le<T>(&v, bytes_.data() + pos_, 1);
        }
        pos_ += sizeof(T);
        return v;
    }

    template <class T>
    void read_array(T* data, std::size_t n) {
        check_array(n, sizeof(T), nullptr);
        if (source_) {
            if (n == 0) return;
            source_->read(data, n * sizeof(T));
            if constexpr (!detail::host_is_little_endian && sizeof(T) > 1) {
                for (std::size_t i = 0; i < n; ++i) {
                    T v;
                    detail::copy_le<T>(&v, &data[i], 1);
                    data[i] = v;
                }
            }
        } else {
            detail::copy_le<T>(data, bytes_.data() + pos_, n);
        }
        pos_ += n * sizeof(T);
    }

    /// The next n bytes; the view is valid until the next read.
    std::string_view read_bytes(std::size_t n) {
        need(n);
        std::string_view s;
        if (source_) {
            scratch_.resize(n);
            if (n) source_->read(scratch_.data(), n);
            s = scratch_;
        } else {
            s = bytes_.substr(pos_, n);
        }
        pos_ += n;
        return s;
    }

    /// Throws unless `count` elements of `elem_size` bytes are within the limits and still in the
    /// input. Call before allocating storage for them.
    void check_array(std::uint64_t count, std::size_t elem_size, const char* /*name*/) {
        if (count > limits_.max_elements) {
            fail_over_limit(std::to_string(count) + " elements for '" + path() +
                                "' exceed the limit of " + std::to_string(limits_.max_elements),
                            limits_.max_elements, "max_elements");
        }
        std::uint64_t bytes = 0;
        if (detail::mul_overflows(count, elem_size, bytes)) {
            fail(Errc::malformed, "size of '" + path() + "' overflows");
        }
        need(bytes);
    }

    /// Size of a container whose every element takes at least one byte.
    std::uint64_t read_size(std::uint64_t min_bytes_per_element = 1) {
        const std::uint64_t n = read_scalar<std::uint64_t>();
        if (n > limits_.max_elements) {
            fail_over_limit("container '" + path() + "' claims " + std::to_string(n) +
                                " elements, limit " + std::to_string(limits_.max_elements),
                            limits_.max_elements, "max_elements");
        }
        if (min_bytes_per_element > 0 && n > remaining() / min_bytes_per_element) {
            fail(Errc::truncated, "container '" + path() + "' claims " + std::to_string(n) +
                                      " elements but only " + std::to_string(remaining()) +
                                      " bytes are left");
        }
        return n;
    }

    [[noreturn]] BRINE_COLD void fail(Errc code, const std::string& detail) const {
        throw Error(code, detail + " at byte " + std::to_string(offset()))
            .with_byte_offset(offset());
    }

    /// fail(code, detail) with more of the error's fields, set by `fields(Error&)` (the limit or
    /// the versions involved).
    template <class Fields>
    [[noreturn]] void fail(Errc code, const std::string& detail, Fields&& fields) const {
        Error e(code, detail + " at byte " + std::to_string(offset()));
        e.with_byte_offset(offset());
        fields(e);
        throw e;
    }

    /// fail(Errc::limit_exceeded, detail), with the limit (and its name) as the error's fields.
    [[noreturn]] BRINE_COLD void fail_over_limit(const std::string& detail, std::uint64_t limit,
                                                 std::string limit_name = {}) const {
        throw Error(Errc::limit_exceeded, detail + " at byte " + std::to_string(offset()))
            .with_byte_offset(offset())
            .with_limit(limit, std::move(limit_name));
    }

    void push_name(const char* name) { names_.push_back(name); }
    void pop_name() { names_.pop_back(); }

    /// Dotted names of the fields being read, e.g. "coef.data".
    std::string path() const {
        std::string p;
        for (const char* n : names_) {
            if (!p.empty()) p += '.';
            p += n;
        }
        return p.empty() ? std::string("value") : p;
    }

private:
    void need(std::uint64_t n) const {
        if (n > remaining()) {
            throw Error(Errc::truncated, "needed " + std::to_string(n) + " bytes for '" + path() +
                                             "' at byte " + std::to_string(offset()) + ", " +
                                             std::to_string(remaining()) + " left")
                .with_byte_offset(offset());
        }
    }

    std::string_view bytes_;
    detail::ByteSource* source_ = nullptr;
    std::string scratch_;  // read_bytes from a source
    std::uint64_t size_;
    const Limits& limits_;
    std::uint64_t base_;
    std::uint64_t pos_ = 0;
    std::vector<const char*> names_;
};

// ---- cereal hooks: how each kind of value maps onto the binary encoding -------------------

template <class T, std::enable_if_t<detail::is_wire_scalar_v<T>, int> = 0>
void CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const T& v) {
    ar.write_scalar(v);
}

template <class T, std::enable_if_t<detail::is_wire_scalar_v<T>, int> = 0>
void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        const auto b = ar.read_scalar<std::uint8_t>();
        if (b > 1)
            ar.fail(Errc::malformed,
                    "boolean '" + ar.path() + "' is " + std::to_string(b) + ", not 0 or 1");
        v = b != 0;
    } else {
        v = ar.read_scalar<T>();
    }
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const cereal::NameValuePair<T>& nvp) {
    ar(nvp.value);
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, cereal::NameValuePair<T>& nvp) {
    ar.push_name(nvp.name);
    ar(nvp.value);
    ar.pop_name();
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const cereal::SizeTag<T>& tag) {
    ar.write_scalar(static_cast<std::uint64_t>(tag.size));
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, cereal::SizeTag<T>& tag) {
    const std::uint64_t n = ar.read_size();
    using Size = std::remove_reference_t<T>;
    if (n > static_cast<std::uint64_t>(std::numeric_limits<Size>::max())) {
        ar.fail(Errc::malformed, "size of '" + ar.path() + "' out of range");
    }
    tag.size = static_cast<Size>(n);
}

inline void CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const std::string& s) {
    // Refused as the JSON encoding refuses it, and as loading refuses it.
    const std::size_t bad = detail::invalid_utf8_offset(s);
    if (bad != std::string::npos) {
        throw Error(Errc::invalid_argument, "string " + detail::quoted(s) +
                                                " is not valid UTF-8 (byte " + std::to_string(bad) +
                                                ")");
    }
    ar.write_scalar(static_cast<std::uint64_t>(s.size()));
    ar.write_bytes(s.data(), s.size());
}

inline void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, std::string& s) {
    const auto n = ar.read_scalar<std::uint64_t>();
    if (n > ar.limits().max_string_length) {
        ar.fail_over_limit("string '" + ar.path() + "' of " + std::to_string(n) +
                               " bytes exceeds the limit of " +
                               std::to_string(ar.limits().max_string_length),
                           ar.limits().max_string_length, "max_string_length");
    }
    const std::string_view bytes = ar.read_bytes(static_cast<std::size_t>(n));
    // Every string must be UTF-8, as in a JSON file: any file that loads can be saved as JSON.
    const std::size_t bad = detail::invalid_utf8_offset(bytes);
    if (bad != std::string_view::npos) {
        throw Error(Errc::malformed, "string '" + ar.path() + "' is not valid UTF-8: byte " +
                                         std::to_string(bad) + " of the string, at byte " +
                                         std::to_string(ar.offset() - n + bad) +
                                         " of the file, is 0x" +
                                         detail::hex_byte(static_cast<unsigned char>(bytes[bad])));
    }
    s.assign(bytes.data(), bytes.size());
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const detail::ArrayView<T>& a) {
    ar.write_array(a.data, a.size);
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, detail::ArrayView<T>& a) {
    ar.read_array(a.data, a.size);
}

}  // namespace brine

CEREAL_REGISTER_ARCHIVE(brine::BinaryOutputArchive)
CEREAL_REGISTER_ARCHIVE(brine::BinaryInputArchive)
CEREAL_SETUP_ARCHIVE_TRAITS(brine::BinaryInputArchive, brine::BinaryOutputArchive)
