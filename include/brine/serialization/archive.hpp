// The contract between brine's serializers and its archives: array views, limits, archive traits.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "brine/error.hpp"

namespace brine {

/// Bounds on what one load may read and allocate. Every length found in a file is checked against
/// these and against the bytes that remain before anything is allocated. The defaults admit any
/// model brine itself writes up to 4 GiB while keeping a hostile file from asking for more.
struct Limits {
    std::uint64_t max_file_bytes = std::uint64_t{1} << 32;  ///< whole file or buffer (4 GiB)
    /// A JSON document (256 MiB). Decoding JSON builds a document tree first, which for crafted
    /// input (`[0,0,0,...]`) takes up to ~24 bytes of memory per byte of text, so JSON gets a
    /// lower bound than binary files, which need about one byte per byte. Raise it to load larger
    /// JSON files, or save large models in the binary encoding.
    std::uint64_t max_json_bytes = std::uint64_t{1} << 28;
    std::uint64_t max_elements = std::uint64_t{1} << 29;       ///< entries in one array (2^29)
    std::uint64_t max_nodes = std::uint64_t{1} << 26;          ///< nodes of one tree
    std::uint64_t max_string_length = std::uint64_t{1} << 20;  ///< bytes in one string (1 MiB)
    std::uint32_t max_nesting = 64;                            ///< JSON nesting depth
    /// ColumnTransformers nested in one another (a ColumnTransformer that no other holds is at
    /// depth 1); checked before a nested one is read, so a deep binary file cannot exhaust the
    /// stack. validate() refuses more than ColumnTransformer::max_nesting (32) whatever this is.
    std::uint32_t max_transform_depth = 8;
    /// Transform steps in one model, counting those of every pipeline and ColumnTransformer
    /// branch, nested ones included; checked as each step is read.
    std::uint64_t max_transform_steps = 4096;
};

class BinaryOutputArchive;
class BinaryInputArchive;
class JsonOutputArchive;
class JsonInputArchive;

namespace detail {

/// True for brine's own archives, the only ones brine's serializers are defined for (cereal's
/// stock archives neither bound lengths nor know ArrayView).
template <class A>
inline constexpr bool is_brine_output_archive_v =
    std::is_same_v<A, BinaryOutputArchive> || std::is_same_v<A, JsonOutputArchive>;
template <class A>
inline constexpr bool is_brine_input_archive_v =
    std::is_same_v<A, BinaryInputArchive> || std::is_same_v<A, JsonInputArchive>;

/// A contiguous array saved or loaded as one unit: the binary archive writes its bytes in one
/// copy (little-endian), the JSON archive writes a JSON array. T is `double`, `std::int32_t` or
/// `std::uint8_t` (const-qualified when saving).
///
/// The archives' common interface, beyond cereal's (name-value pairs, arithmetic values,
/// std::string, size tags, class versions):
///  - output: `ar(ArrayView<const T>)`.
///  - input:  `ar(ArrayView<T>)` fills exactly `size` entries (a JSON array of any other length
///            is Errc::malformed);
///            `ar.limits()` returns the Limits in force;
///            `ar.check_array(count, sizeof(T), "data")`, called before allocating `count`
///            entries that the next field named "data" (JSON) or the next bytes (binary) will
///            fill: throws Errc::limit_exceeded when count > max_elements, and Errc::truncated
///            (binary: fewer bytes left) or Errc::malformed (JSON: no such array, or another
///            length) when the data cannot be there;
///            `ar.fail(Errc, detail)` throws brine::Error with the archive's current position
///            (byte offset or JSON path) appended to `detail`.
template <class T>
struct ArrayView {
    T* data;
    std::size_t size;
};

template <class T>
ArrayView<T> make_array(T* data, std::size_t size) noexcept {
    return ArrayView<T>{data, size};
}

/// Checked a * b for sizes read from files.
inline bool mul_overflows(std::uint64_t a, std::uint64_t b, std::uint64_t& out) noexcept {
    return __builtin_mul_overflow(a, b, &out);
}

}  // namespace detail
}  // namespace brine
