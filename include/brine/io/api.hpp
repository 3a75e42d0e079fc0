// Declarations of brine's file API (save, load, load_any, inspect, to_bytes, from_bytes and their
// binary-only forms in brine::binary); the definitions are in io/codec.hpp, io/files.hpp and
// io/binary.hpp. With BRINE_COMPILED (the brine::compiled CMake target) a program includes these
// declarations only and links the definitions for every built-in kind from the brine library.
// SPDX-License-Identifier: MIT
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "brine/io/options.hpp"
#include "brine/io/path.hpp"

namespace brine {

/// The format `save` uses for `path` when SaveOptions::format is unset: JSON for a ".json"
/// extension (any case), binary otherwise.
inline Format format_for_path(const FilePath& file) {
    const std::string& path = file.str();
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
void save(const Model& model, const FilePath& path, const SaveOptions& options = {});

/// Loads a model of type Model from `path` (binary or JSON, detected from the content): checks the
/// container, the versions, the checksum, the model's invariants and its reference predictions.
/// Throws Error with Errc::io for a missing, unreadable or non-regular path, Errc::kind_mismatch
/// when the file holds another kind, and the code of any other failure.
///
/// Large binary files are read straight into the model's arrays, with no copy of the whole file in
/// memory; the result and the errors are the same as from_bytes on the file's bytes.
template <class Model>
Model load(const FilePath& path, const LoadOptions& options = {});

/// Loads whatever built-in model `path` holds.
template <class Tag = void>
AnyModel load_any(const FilePath& path, const LoadOptions& options = {});

/// Header, versions and metadata of a model file without decoding its parameters. For a binary
/// file only the prefix and header are read (the checksum, which covers the whole file, is not
/// verified: FileInfo::checksum_verified is false).
template <class Tag = void>
FileInfo inspect(const FilePath& path, const Limits& limits = {});

/// A model together with the information of the file it came from (header, versions, metadata,
/// reference, size, stored checksum and `checksum_verified`, always true after a load outside a
/// fuzzing build), from one read of the file.
template <class Model>
struct Loaded {
    Model model;
    FileInfo info;

    /// The model's feature names, as the file's metadata gives them (empty when it names none).
    const std::vector<std::string>& feature_names() const noexcept {
        return info.metadata.feature_names;
    }
    /// The mapping from a caller's columns, named `caller_names` in the caller's order, to the
    /// model's features (brine::map_columns with feature_names()), made once and applied to each
    /// batch:
    /// ```
    /// auto loaded = brine::load_with_info<brine::Pipeline>("m.brine");
    /// const brine::ColumnMapping cols = loaded.columns(csv_header);
    /// std::vector<double> buffer;
    /// Eigen::VectorXd y = loaded.model.predict(cols.apply(X, buffer));
    /// ```
    /// Throws Errc::shape_mismatch naming the features missing from caller_names (or the
    /// caller's names that repeat), Errc::invalid_argument if the file has no feature names,
    /// Errc::invalid_model if its names repeat or do not count the model's features.
    template <class CallerNames>
    ColumnMapping columns(const CallerNames& caller_names) const {
        return detail::map_model_columns(feature_names(), model.n_features(), caller_names);
    }
    ColumnMapping columns(std::initializer_list<std::string_view> caller_names) const {
        return detail::map_model_columns(feature_names(), model.n_features(),
                                         std::vector<std::string_view>(caller_names));
    }
};

/// brine::load, also returning the file's information (what inspect gives, with the checksum
/// verified), from the same single read of the file: a serving program gets the model and its
/// feature names and class labels without opening the file twice.
///
/// ```
/// auto [model, info] = brine::load_with_info<brine::Pipeline>("m.brine");
/// const auto& names = info.metadata.feature_names;
/// ```
/// Throws as load.
template <class Model>
Loaded<Model> load_with_info(const FilePath& path, const LoadOptions& options = {});

/// brine::load_any, also returning the file's information. Throws as load_any.
template <class Tag = void>
Loaded<AnyModel> load_any_with_info(const FilePath& path, const LoadOptions& options = {});

/// brine::from_bytes, also returning the file's information. Throws as from_bytes.
template <class Model>
Loaded<Model> from_bytes_with_info(std::string_view bytes, const LoadOptions& options = {});

/// brine::from_bytes_any, also returning the file's information. Throws as from_bytes_any.
template <class Tag = void>
Loaded<AnyModel> from_bytes_any_with_info(std::string_view bytes, const LoadOptions& options = {});

// ---- Without exceptions --------------------------------------------------------------------

/// The outcome of a non-throwing call (try_load and friends): a value, or the brine::Error the
/// throwing form would have thrown, with its code, message and fields.
///
/// ```
/// auto r = brine::try_load<brine::Pipeline>(path);
/// if (!r) { log(r.error().what()); return r.error_code(); }
/// r->predict(X);
/// ```
template <class T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}      // NOLINT: implicit, as std::expected
    Result(Error error) : error_(std::move(error)) {}  // NOLINT

    bool ok() const noexcept { return value_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }

    /// The value; throws the error if there is none.
    T& value() & {
        if (!ok()) throw *error_;
        return *value_;
    }
    const T& value() const& {
        if (!ok()) throw *error_;
        return *value_;
    }
    T&& value() && {
        if (!ok()) throw *error_;
        return std::move(*value_);
    }
    /// The value, unchecked: requires ok().
    T& operator*() & noexcept { return *value_; }
    const T& operator*() const& noexcept { return *value_; }
    T* operator->() noexcept { return &*value_; }
    const T* operator->() const noexcept { return &*value_; }

    /// The error: requires !ok().
    const Error& error() const noexcept { return *error_; }
    /// The error's code, or an empty std::error_code when ok().
    std::error_code error_code() const noexcept {
        return ok() ? std::error_code() : error_->error_code();
    }

private:
    std::optional<T> value_;
    std::optional<Error> error_;
};

namespace detail {

/// f()'s value, or the brine::Error it threw. Other exceptions (std::bad_alloc outside a load's
/// own guard) pass through.
template <class F>
auto capture(F&& f) -> Result<decltype(f())> {
    try {
        return f();
    } catch (const Error& e) {
        return e;
    }
}

/// f()'s value with `ec` cleared, or no value with `ec` set to the code of the brine::Error f
/// threw.
template <class F>
auto capture_code(std::error_code& ec, F&& f) -> std::optional<decltype(f())> {
    try {
        auto v = f();
        ec.clear();
        return std::optional<decltype(f())>(std::move(v));
    } catch (const Error& e) {
        ec = e.error_code();
        return std::nullopt;
    }
}

}  // namespace detail

/// brine::load without exceptions: the model, or the Error load would throw.
template <class Model>
Result<Model> try_load(const FilePath& path, const LoadOptions& options = {}) {
    return detail::capture([&] { return load<Model>(path, options); });
}

/// brine::load_any without exceptions.
template <class Tag = void>
Result<AnyModel> try_load_any(const FilePath& path, const LoadOptions& options = {}) {
    return detail::capture([&] { return load_any<Tag>(path, options); });
}

/// brine::load_with_info without exceptions.
template <class Model>
Result<Loaded<Model>> try_load_with_info(const FilePath& path, const LoadOptions& options = {}) {
    return detail::capture([&] { return load_with_info<Model>(path, options); });
}

/// brine::load_any_with_info without exceptions.
template <class Tag = void>
Result<Loaded<AnyModel>> try_load_any_with_info(const FilePath& path,
                                                const LoadOptions& options = {}) {
    return detail::capture([&] { return load_any_with_info<Tag>(path, options); });
}

/// brine::from_bytes without exceptions.
template <class Model>
Result<Model> try_from_bytes(std::string_view bytes, const LoadOptions& options = {}) {
    return detail::capture([&] { return from_bytes<Model>(bytes, options); });
}

/// brine::from_bytes_any without exceptions.
template <class Tag = void>
Result<AnyModel> try_from_bytes_any(std::string_view bytes, const LoadOptions& options = {}) {
    return detail::capture([&] { return from_bytes_any<Tag>(bytes, options); });
}

/// brine::inspect without exceptions.
template <class Tag = void>
Result<FileInfo> try_inspect(const FilePath& path, const Limits& limits = {}) {
    return detail::capture([&] { return inspect<Tag>(path, limits); });
}

/// brine::load reporting failure through `ec` (cleared on success), as std::filesystem does: the
/// model, or std::nullopt with `ec` set to the brine::Errc of the failure (try_load keeps the
/// message and fields too).
template <class Model>
std::optional<Model> load(const FilePath& path, std::error_code& ec,
                          const LoadOptions& options = {}) {
    return detail::capture_code(ec, [&] { return load<Model>(path, options); });
}

/// brine::load_any reporting failure through `ec`, as load(path, ec).
template <class Tag = void>
std::optional<AnyModel> load_any(const FilePath& path, std::error_code& ec,
                                 const LoadOptions& options = {}) {
    return detail::capture_code(ec, [&] { return load_any<Tag>(path, options); });
}

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
void save(const Model& model, const FilePath& path, const SaveOptions& options = {});

/// brine::load for a binary file.
template <class Model>
Model load(const FilePath& path, const LoadOptions& options = {});

/// brine::load_any for a binary file.
template <class Tag = void>
AnyModel load_any(const FilePath& path, const LoadOptions& options = {});

}  // namespace binary
}  // namespace brine

#if defined(BRINE_COMPILED)
#include "brine/io/extern.hpp"
#endif
