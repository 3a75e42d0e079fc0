// brine::binary: save, load, to_bytes and from_bytes of the binary encoding only, without
// brine's JSON reader and writer.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

#include "brine/io/api.hpp"
#include "brine/io/binary_codec.hpp"

namespace brine::binary {

template <class Model>
std::string to_bytes(const Model& model, const SaveOptions& options) {
    return std::string(detail::encode_binary_file(model, options).view());
}

template <class Model>
Model from_bytes(std::string_view bytes, const LoadOptions& options) {
    return detail::decode_binary_bytes<Model>(bytes, options);
}

template <class Tag>
AnyModel from_bytes_any(std::string_view bytes, const LoadOptions& options) {
    return detail::decode_binary_bytes_any(bytes, options);
}

template <class Model>
void save(const Model& model, const FilePath& path, const SaveOptions& options) {
    detail::save_binary_file(model, path, options);
}

template <class Model>
Model load(const FilePath& path, const LoadOptions& options) {
    return detail::load_binary_file<Model>(path, options);
}

template <class Tag>
AnyModel load_any(const FilePath& path, const LoadOptions& options) {
    return detail::load_binary_any_file(path, options);
}

}  // namespace brine::binary
