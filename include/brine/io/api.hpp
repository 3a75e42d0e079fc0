// Declarations of brine's file API (save, load, load_any, inspect, to_bytes, from_bytes and their
// binary-only forms in brine::binary); the definitions are in io/codec.hpp, io/files.hpp and
// io/binary.hpp. With BRINE_COMPILED (the brine::compiled CMake target) a program includes these
// declarations only and links the definitions for every built-in kind from the brine library.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

#include "brine/io/options.hpp"

namespace brine {

/// The format `save` uses for `path` when SaveOptions::format is unset: JSON for a ".json"
/// extension (any case), binary otherwise.
inline Format format_for_path(const std::string& path) {
    if (path.size() >= 5) {
        std::string ext = path.substr(path.size() - 5);
        for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (ext == ".json") return Format::json;
    }
    return Format::binary;
}

/// Encodes a model as a complete brine file in memory.
///
/// Throws Error(Errc::invalid_model) if the model does not validate, Errc::shape_mismatch if
/// reference inputs have the wrong width.
template <class Model>
std::string to_bytes(const Model& model, Format format = Format::binary,
                     const SaveOptions& options = {});

/// Decodes a brine file held in memory as a Model; the format is detected from the content.
/// Throws Error: Errc::kind_mismatch if the file holds another kind, and every container, payload,
/// validation and reference error.
template <class Model>
Model from_bytes(std::string_view bytes, const LoadOptions& options = {});

/// Decodes a brine file held in memory, whatever built-in kind it holds. (A template only so that
/// a program compiles the decoders of every kind only where it calls it.)
template <class Tag = void>
AnyModel from_bytes_any(std::string_view bytes, const LoadOptions& options = {});

/// Header and metadata of a brine file held in memory, without decoding the model's parameters.
/// For a binary file the checksum is verified (the whole file is at hand); a JSON file's checksum
/// covers the decoded payload, so inspect cannot verify it.
template <class Tag = void>
FileInfo inspect_bytes(std::string_view bytes, const Limits& limits = {});

/// Saves a model to `path`, atomically: the path holds either its old content or the complete new
/// file, even if the process is killed or the disk fills up.
///
/// ```
/// brine::save(model, "model.brine");                 // binary
/// brine::SaveOptions so; so.format = brine::Format::json;
/// brine::save(model, "model.json", so);
/// ```
/// Throws Error: Errc::invalid_model (model does not validate), Errc::io (OS error, with reason).
template <class Model>
void save(const Model& model, const std::string& path, const SaveOptions& options = {});

/// Loads a model of type Model from `path` (binary or JSON, detected from the content): checks the
/// container, the versions, the checksum, the model's invariants and its reference predictions.
/// Throws Error with Errc::io for a missing, unreadable or non-regular path, Errc::kind_mismatch
/// when the file holds another kind, and the code of any other failure.
///
/// Large binary files are read straight into the model's arrays, with no copy of the whole file in
/// memory; the result and the errors are the same as from_bytes on the file's bytes.
template <class Model>
Model load(const std::string& path, const LoadOptions& options = {});

/// Loads whatever built-in model `path` holds.
template <class Tag = void>
AnyModel load_any(const std::string& path, const LoadOptions& options = {});

/// Header, versions and metadata of a model file without decoding its parameters. For a binary
/// file only the prefix and header are read (the checksum, which covers the whole file, is not
/// verified: FileInfo::checksum_verified is false).
template <class Tag = void>
FileInfo inspect(const std::string& path, const Limits& limits = {});

/// The binary encoding only: the same files, checks and errors as the functions of the same names
/// in brine, but a JSON document is refused (Errc::invalid_argument) and a program that uses only
/// these never compiles brine's JSON reader or writer (include <brine/binary.hpp>).
namespace binary {

/// brine::to_bytes in the binary encoding.
template <class Model>
std::string to_bytes(const Model& model, const SaveOptions& options = {});

/// brine::from_bytes for a binary file.
template <class Model>
Model from_bytes(std::string_view bytes, const LoadOptions& options = {});

/// brine::from_bytes_any for a binary file.
template <class Tag = void>
AnyModel from_bytes_any(std::string_view bytes, const LoadOptions& options = {});

/// brine::save in the binary encoding, whatever the path's extension and SaveOptions::format.
template <class Model>
void save(const Model& model, const std::string& path, const SaveOptions& options = {});

/// brine::load for a binary file.
template <class Model>
Model load(const std::string& path, const LoadOptions& options = {});

/// brine::load_any for a binary file.
template <class Tag = void>
AnyModel load_any(const std::string& path, const LoadOptions& options = {});

}  // namespace binary
}  // namespace brine

#if defined(BRINE_COMPILED)
#include "brine/io/extern.hpp"
#endif
