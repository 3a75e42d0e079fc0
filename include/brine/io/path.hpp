// brine::FilePath: the path argument of every brine file function.
// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace brine {

namespace detail {

/// Types with a `native()` member that gives the path's bytes as a std::string
/// (std::filesystem::path on POSIX, boost::filesystem::path).
template <class P, class = void>
struct has_native_string : std::false_type {};
template <class P>
struct has_native_string<P, std::void_t<decltype(std::string(std::declval<const P&>().native()))>>
    : std::true_type {};

/// Types with a `path()` member that gives such a path (std::filesystem::directory_entry).
template <class P, class = void>
struct has_path_member : std::false_type {};
template <class P>
struct has_path_member<
    P, std::enable_if_t<has_native_string<std::remove_cv_t<
           std::remove_reference_t<decltype(std::declval<const P&>().path())>>>::value>>
    : std::true_type {};

}  // namespace detail

/// The path of a model file, as every brine file function takes it: a `std::filesystem::path` (or
/// anything with its `native()` string, such as a `std::filesystem::directory_entry` through its
/// `path()`), a `std::string`, a `std::string_view`, a string literal or a `const char*`. Built
/// implicitly at the call, so `brine::load<M>(dir / "m.brine")`, `brine::load<M>("m.brine")` and
/// `brine::load<M>(name_view)` all work; the bytes are kept as given (POSIX paths are bytes).
/// Defined without <filesystem>, so a program pays for that header only if it uses it.
class FilePath {
public:
    FilePath(const char* p) : s_(p ? p : "") {}               // NOLINT: implicit by design
    FilePath(const std::string& p) : s_(p) {}                 // NOLINT
    FilePath(std::string&& p) noexcept : s_(std::move(p)) {}  // NOLINT
    FilePath(std::string_view p) : s_(p) {}                   // NOLINT
    /// A std::filesystem::path (or any path type with a `native()` std::string).
    template <class P, std::enable_if_t<detail::has_native_string<P>::value &&
                                            !std::is_convertible_v<const P&, std::string_view>,
                                        int> = 0>
    FilePath(const P& p) : s_(p.native()) {}  // NOLINT
    /// A std::filesystem::directory_entry (or anything whose `path()` is such a path).
    template <class P, std::enable_if_t<detail::has_path_member<P>::value &&
                                            !detail::has_native_string<P>::value &&
                                            !std::is_convertible_v<const P&, std::string_view>,
                                        int> = 0>
    FilePath(const P& p) : s_(p.path().native()) {}  // NOLINT

    /// The path's bytes.
    const std::string& str() const noexcept { return s_; }
    const char* c_str() const noexcept { return s_.c_str(); }
    operator const std::string&() const noexcept { return s_; }  // NOLINT

private:
    std::string s_;
};

}  // namespace brine
