// The brine command: shared parts of the subcommands (arguments, exit codes, messages, JSON
// output, the progress line).
// SPDX-License-Identifier: MIT
#pragma once

#include <brine/error.hpp>
#include <brine/io/options.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace brine::cli {

/// The exit status of every subcommand, by class of failure (documented in `brine --help` and
/// docs/cli.md). When several files fail, the first failure's status is returned.
enum class Exit : int {
    ok = 0,
    differ = 1,         ///< diff: the files differ; verify: never (see the other codes)
    usage = 2,          ///< bad command line
    io = 3,             ///< a file cannot be opened, read or written
    not_model = 4,      ///< not a brine file, or a version or kind this build does not read
    damaged = 5,        ///< truncated, malformed, checksum mismatch, over a limit
    invalid_model = 6,  ///< the model's invariants or reference predictions do not hold
    bad_input = 7,      ///< predict: bad CSV, missing columns, input the model refuses
    signature = 8,      ///< a signature is missing, bad, untrusted or binds something else
    internal = 9,       ///< anything else (a bug: please report it)
};

/// The exit status for an error code.
Exit exit_for(Errc code) noexcept;

/// A bad command line: printed with the subcommand's name and a pointer to its --help.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A parsed command line of one subcommand: flags (no value), options (one value each, may repeat)
/// and positional arguments. "--name=value" and "--name value" are both accepted, "--" ends the
/// options, and "-" is a positional argument (standard input or output).
class Args {
public:
    Args(const std::vector<std::string>& args, const std::vector<std::string>& flags,
         const std::vector<std::string>& options);

    bool flag(const std::string& name) const;
    std::optional<std::string> option(const std::string& name) const;  ///< the last one given
    std::vector<std::string> options(const std::string& name) const;   ///< every one given
    const std::vector<std::string>& positional() const noexcept { return positional_; }

private:
    std::vector<std::string> flags_;
    std::map<std::string, std::vector<std::string>> options_;
    std::vector<std::string> positional_;
};

/// The encoding a subcommand writes its output file `out` in (convert, import-xgboost): the
/// --to option (binary or json) when given, else by the name (JSON for a name ending in .json,
/// binary otherwise). Throws UsageError for another --to value. The writing itself is brine's
/// atomic save (temporary file, fsync, rename).
Format output_format(const Args& args, const std::string& out);

/// The part of a brine::Error's message after "brine: <class>: ".
std::string error_detail(const Error& e);

/// Prints a brine::Error (its message is already "brine: <class>: <detail>") on stderr and returns
/// its exit status.
int report(const Error& e);

/// Runs a subcommand's body, turning every exception into a message on stderr and an exit status.
template <class F>
int run_guarded(const char* command, F&& f) {
    try {
        return f();
    } catch (const UsageError& e) {
        std::fprintf(stderr, "brine %s: %s (see brine %s --help)\n", command, e.what(), command);
        return static_cast<int>(Exit::usage);
    } catch (const Error& e) {
        return report(e);
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "brine: out of memory\n");
        return static_cast<int>(Exit::internal);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "brine: internal error: %s\n", e.what());
        return static_cast<int>(Exit::internal);
    }
}

/// A JSON text written in order: objects, arrays, keys and values, with commas placed for the
/// caller. Doubles round-trip; NaN and infinities are written as brine's JSON files write them
/// ("NaN", "Infinity", "-Infinity").
class JsonOut {
public:
    JsonOut& begin_object();
    JsonOut& end_object();
    JsonOut& begin_array();
    JsonOut& end_array();
    JsonOut& key(std::string_view k);
    JsonOut& value(std::string_view s);
    JsonOut& value(const char* s) { return value(std::string_view(s)); }
    JsonOut& value(const std::string& s) { return value(std::string_view(s)); }
    JsonOut& value(double v);
    JsonOut& value(std::int64_t v);
    JsonOut& value(std::uint64_t v);
    JsonOut& value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonOut& value(bool v);
    JsonOut& null();
    const std::string& str() const noexcept { return out_; }

private:
    void comma();
    std::string out_;
    std::vector<bool> first_;  ///< per open container: nothing written in it yet
    bool after_key_ = false;
};

/// `s` as a JSON string literal (quotes, escapes; bytes that are not valid UTF-8 become U+FFFD).
std::string json_quote(std::string_view s);

/// Shortest decimal text of a double that reads back to the same value; "NaN", "inf", "-inf" for
/// the others.
std::string format_number(double v);

/// A progress line on stderr, drawn only when stderr is a terminal and at most a few times a
/// second; cleared when done.
class Progress {
public:
    /// `total` in the unit of update(), 0 when unknown.
    Progress(std::string label, std::uint64_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void update(std::uint64_t done, std::uint64_t rows = 0);
    /// Shows `what` after the label at once (a step of a task that reports no progress itself).
    void step(const std::string& what);
    void finish();

private:
    std::string label_;
    std::uint64_t total_;
    bool active_;
    bool drawn_ = false;
    double last_ = 0;
};

/// Help texts and bodies of the subcommands.
int cmd_inspect(const std::vector<std::string>& args);
int cmd_verify(const std::vector<std::string>& args);
int cmd_convert(const std::vector<std::string>& args);
int cmd_reseal(const std::vector<std::string>& args);
int cmd_predict(const std::vector<std::string>& args);
int cmd_diff(const std::vector<std::string>& args);
int cmd_import_xgboost(const std::vector<std::string>& args);
#if defined(BRINE_CLI_SIGNING)
int cmd_keygen(const std::vector<std::string>& args);
int cmd_sign(const std::vector<std::string>& args);
#endif

/// Prints `text` and returns 0 when "--help" or "-h" is among `args`; returns -1 otherwise.
int help_if_asked(const std::vector<std::string>& args, const char* text);

}  // namespace brine::cli
