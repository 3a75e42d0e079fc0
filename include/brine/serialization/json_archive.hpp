// brine's JSON archives for cereal: exact, readable output; strict, bounded input.
// SPDX-License-Identifier: MIT
#pragma once

/// \file
/// `brine::JsonOutputArchive` and `brine::JsonInputArchive` plug into cereal's dispatch, so the
/// same `serialize`/`save`/`load` functions work with them and with brine's binary archive.
/// They replace cereal's JSONInputArchive, which ignores parse errors, lets the first duplicate
/// key win, recurses (a stack overflow at ~100k nested arrays) and reports type errors as
/// "rapidjson internal assertion failure".
///
/// The document (RFC 8259 JSON, readable by any JSON parser):
///  - The top level is one object. Each `cereal::make_nvp(name, value)` is a member `"name"`, in
///    the order written; a class value is a nested object; an unnamed class value at the top level
///    contributes its members to the top-level object itself (`ar(model)` writes `{"coef": …}`).
///    Every other value inside an object must be named (brine always names its fields); a value
///    inside an array (a cereal sequence, `brine::detail::ArrayView`) must not be.
///  - Objects are written one member per line, indented by two spaces; arrays whose first
///    element is a number, string, boolean or null on one line (`[1.0, 2.5, "NaN"]`); arrays of
///    objects or arrays one element per line. The document ends with a newline.
///  - Integers are JSON integers. Doubles are written so that they read back bit-exactly, always
///    with a '.' or an exponent (`1.0`, `-0.0`, `5e-324`); NaN, +infinity and -infinity are the
///    strings "NaN", "Infinity" and "-Infinity" (NaN's sign and payload are not kept). A float is
///    written as the double it widens to, so it too reads back exactly.
///  - cereal sequences (std::vector, std::map, …) are arrays (their size is the array's length);
///    cereal class versions appear as a `"cereal_class_version"` member, as with cereal's JSON.
///  - `cereal::BinaryData` is not supported (JSON has no binary blobs), so cereal's containers
///    fall back to one value per element.
///
/// Reading accepts exactly that grammar, strictly: fields are found by name in any order; a
/// missing field, an unread ("unknown") field unless `set_allow_unknown_fields(true)`, a value of
/// the wrong JSON type, an integer that does not fit the target type (or has a fraction or
/// exponent), a duplicate key, invalid UTF-8, trailing bytes after the document and non-standard
/// tokens (`NaN` unquoted) are all `Errc::malformed`; nesting, string and array sizes over
/// `brine::Limits` are `Errc::limit_exceeded`. Messages carry the JSON path
/// (`$.payload.steps[0].mean.data[3]`) or, for syntax errors, the byte offset. Every error is a
/// brine::Error; RapidJSON assertions are never relied on. A double field accepts any JSON number
/// (an integer token such as `-0` is an integer, so it reads as +0.0) and the three strings above.

#include <cstdint>
#include <string>
#include <type_traits>

#include <cereal/cereal.hpp>

#include "brine/detail/json_input_archive.hpp"
#include "brine/detail/json_output_archive.hpp"
#include "brine/serialization/archive.hpp"

namespace brine {

namespace detail {
template <class T>
struct is_json_leaf : std::false_type {};
template <class T>
struct is_json_leaf<cereal::NameValuePair<T>> : std::true_type {};
template <class T>
struct is_json_leaf<cereal::SizeTag<T>> : std::true_type {};
template <class T>
struct is_json_leaf<ArrayView<T>> : std::true_type {};
template <>
struct is_json_leaf<std::string> : std::true_type {};

/// Class types that become a JSON object or array: everything but the archive's own leaves and
/// types cereal serializes as a single "minimal" value.
template <class T, class Archive, template <class, class> class HasMinimal>
inline constexpr bool is_json_node_v =
    std::is_class_v<T> && !is_json_leaf<T>::value &&
    !cereal::traits::has_minimal_base_class_serialization<T, HasMinimal, Archive>::value &&
    !HasMinimal<T, Archive>::value;
}  // namespace detail

// cereal finds these through argument-dependent lookup on the archive type.

template <class T,
          std::enable_if_t<detail::is_json_node_v<T, JsonOutputArchive,
                                                  cereal::traits::has_minimal_output_serialization>,
                           int> = 0>
void prologue(JsonOutputArchive& ar, const T&) {
    ar.start_node();
}
template <class T,
          std::enable_if_t<detail::is_json_node_v<T, JsonOutputArchive,
                                                  cereal::traits::has_minimal_output_serialization>,
                           int> = 0>
void epilogue(JsonOutputArchive& ar, const T&) {
    ar.finish_node();
}
template <class T,
          std::enable_if_t<detail::is_json_node_v<T, JsonInputArchive,
                                                  cereal::traits::has_minimal_input_serialization>,
                           int> = 0>
void prologue(JsonInputArchive& ar, const T&) {
    ar.start_node();
}
template <class T,
          std::enable_if_t<detail::is_json_node_v<T, JsonInputArchive,
                                                  cereal::traits::has_minimal_input_serialization>,
                           int> = 0>
void epilogue(JsonInputArchive& ar, const T&) {
    ar.finish_node();
}

// A size tag turns the node its sequence opened into an array.
template <class T>
void prologue(JsonOutputArchive& ar, const cereal::SizeTag<T>&) {
    ar.make_array();
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive& ar, const cereal::NameValuePair<T>& nvp) {
    ar.set_next_name(nvp.name);
    ar(nvp.value);
}
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, cereal::NameValuePair<T>& nvp) {
    ar.set_next_name(nvp.name);
    ar(nvp.value);
}

template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive& ar, const T& value) {
    ar.save_value(value);
}
template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, T& value) {
    ar.load_value(value);
}

inline void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive& ar, const std::string& value) {
    ar.save_string(value);
}
inline void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, std::string& value) {
    ar.load_string(value);
}

// The size of a sequence is the length of its JSON array, so nothing is written for it.
template <class T>
void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive&, const cereal::SizeTag<T>&) {}
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, cereal::SizeTag<T>& tag) {
    std::uint64_t size = 0;
    ar.load_size(size);
    tag.size = static_cast<std::remove_reference_t<T>>(size);
}

inline void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive& ar,
                                      const detail::ArrayView<const double>& view) {
    ar.save_array(view.data, view.size);
}
inline void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive& ar,
                                      const detail::ArrayView<const std::int32_t>& view) {
    ar.save_array(view.data, view.size);
}
inline void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, detail::ArrayView<double>& view) {
    ar.load_array(view.data, view.size);
}
inline void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, detail::ArrayView<std::int32_t>& view) {
    ar.load_array(view.data, view.size);
}
inline void CEREAL_SAVE_FUNCTION_NAME(JsonOutputArchive& ar,
                                      const detail::ArrayView<const std::uint8_t>& view) {
    ar.save_array(view.data, view.size);
}
inline void CEREAL_LOAD_FUNCTION_NAME(JsonInputArchive& ar, detail::ArrayView<std::uint8_t>& view) {
    ar.load_array(view.data, view.size);
}

}  // namespace brine

CEREAL_REGISTER_ARCHIVE(brine::JsonOutputArchive)
CEREAL_REGISTER_ARCHIVE(brine::JsonInputArchive)
CEREAL_SETUP_ARCHIVE_TRAITS(brine::JsonInputArchive, brine::JsonOutputArchive)
