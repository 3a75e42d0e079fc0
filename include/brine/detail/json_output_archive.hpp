// brine::JsonOutputArchive: the cereal output archive writing brine's JSON documents.
// SPDX-License-Identifier: MIT
#pragma once

// Part of brine/serialization/json_archive.hpp, which documents the format; include that header.

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <cereal/cereal.hpp>

#include "brine/detail/json_writer.hpp"
#include "brine/error.hpp"

namespace brine {

/// Writes one JSON document into a std::string.
///
/// `finish()` completes the document and stores it in the string given to the constructor; until
/// then that string is left untouched, so an exception thrown half-way through a save never
/// leaves a partial document behind. The destructor does no work: an archive destroyed without
/// finish() produces nothing.
///
/// \code
///   std::string text;
///   brine::JsonOutputArchive ar(text);
///   ar(cereal::make_nvp("model", model));
///   ar.finish();  // text now holds the document
/// \endcode
///
/// Throws brine::Error with Errc::invalid_argument for values JSON cannot hold as asked: a string
/// that is not valid UTF-8, an unnamed value inside an object, a named value inside an array.
class JsonOutputArchive : public cereal::OutputArchive<JsonOutputArchive>,
                          public cereal::traits::TextArchive {
public:
    /// \param out receives the document when finish() is called.
    explicit JsonOutputArchive(std::string& out)
        : cereal::OutputArchive<JsonOutputArchive>(this), out_(out) {}

    JsonOutputArchive(const JsonOutputArchive&) = delete;
    JsonOutputArchive& operator=(const JsonOutputArchive&) = delete;

    /// Completes the document and moves it into the output string. Call once, after the last
    /// value; throws Errc::invalid_argument if called twice.
    void finish() {
        check_open();
        out_ = writer_.finish();
        finished_ = true;
    }

    /// Throws brine::Error(code, detail + " at " + current JSON path).
    [[noreturn]] BRINE_COLD void fail(Errc code, const std::string& detail) const {
        throw Error(code, detail + " at " + writer_.path());
    }

    /// \name cereal glue, called by the prologue/epilogue and save functions below.
    ///@{
    void set_next_name(const char* name) noexcept { next_name_ = name; }

    void start_node() {
        check_open();
        if (writer_.depth() == 1 && next_name_ == nullptr && !root_merged_ &&
            writer_.count() == 0) {
            root_merged_ = true;  // an unnamed class at the top level is the top-level object
            pushed_.push_back(false);
            return;
        }
        writer_.begin_value(take_name(), true);
        writer_.push_node();
        pushed_.push_back(true);
    }

    void finish_node() {
        const bool pushed = pushed_.back();
        pushed_.pop_back();
        if (pushed) writer_.pop_node();
    }

    void make_array() { writer_.make_array(); }

    template <class T>
    void save_value(const T& value) {
        static_assert(!std::is_same_v<T, long double>, "brine: long double is not supported");
        check_open();
        writer_.begin_value(take_name(), false);
        if constexpr (std::is_same_v<T, bool>) {
            writer_.write_bool(value);
        } else if constexpr (std::is_floating_point_v<T>) {
            writer_.write_double(static_cast<double>(value));
        } else {
            writer_.write_integer(value);
        }
    }

    void save_string(const std::string& value) {
        check_open();
        writer_.begin_value(take_name(), false);
        writer_.write_string(value.data(), value.size());
    }

    template <class T>
    void save_array(const T* data, std::size_t size) {
        check_open();
        writer_.begin_value(take_name(), true);
        writer_.write_array(data, size);
    }
    ///@}

private:
    const char* take_name() noexcept {
        const char* name = next_name_;
        next_name_ = nullptr;
        return name;
    }

    void check_open() const {
        if (finished_) throw Error(Errc::invalid_argument, "JSON archive used after finish()");
    }

    std::string& out_;
    detail::JsonWriter writer_;
    const char* next_name_ = nullptr;
    std::vector<bool> pushed_;  // per open class node: whether it opened a JSON object/array
    bool root_merged_ = false;
    bool finished_ = false;
};

}  // namespace brine
