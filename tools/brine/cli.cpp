// The brine command: argument parsing, exit codes, JSON output and the progress line.
// SPDX-License-Identifier: MIT
#include "cli.hpp"

#include <unistd.h>
#include <brine/io/api.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

namespace brine::cli {

Exit exit_for(Errc code) noexcept {
    switch (code) {
        case Errc::io: return Exit::io;
        case Errc::not_brine_file:
        case Errc::unsupported_version:
        case Errc::kind_mismatch:
        case Errc::unsupported: return Exit::not_model;
        case Errc::checksum_mismatch:
        case Errc::truncated:
        case Errc::malformed:
        case Errc::limit_exceeded: return Exit::damaged;
        case Errc::invalid_model:
        case Errc::reference_mismatch: return Exit::invalid_model;
        case Errc::shape_mismatch:
        case Errc::invalid_input:
        case Errc::invalid_argument: return Exit::bad_input;
        case Errc::missing_signature:
        case Errc::untrusted_key:
        case Errc::bad_signature:
        case Errc::bad_algorithm:
        case Errc::name_mismatch:
        case Errc::version_rollback: return Exit::signature;
    }
    return Exit::internal;
}

Format output_format(const Args& args, const std::string& out) {
    const auto to = args.option("--to");
    if (!to) return format_for_path(out);
    if (*to == "json") return Format::json;
    if (*to == "binary") return Format::binary;
    throw UsageError("--to takes binary or json, not '" + *to + "'");
}

std::string error_detail(const Error& e) {
    const std::string prefix = std::string("brine: ") + errc_name(e.code()) + ": ";
    const std::string w = e.what();
    return w.rfind(prefix, 0) == 0 ? w.substr(prefix.size()) : w;
}

int report(const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return static_cast<int>(exit_for(e.code()));
}

Args::Args(const std::vector<std::string>& args, const std::vector<std::string>& flags,
           const std::vector<std::string>& options) {
    bool options_end = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (options_end || a.size() < 2 || a[0] != '-') {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            options_end = true;
            continue;
        }
        std::string name = a, value;
        const std::size_t eq = a.find('=');
        const bool has_value = a.rfind("--", 0) == 0 && eq != std::string::npos;
        if (has_value) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
        }
        if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
            if (has_value) throw UsageError(name + " takes no value");
            flags_.push_back(name);
        } else if (std::find(options.begin(), options.end(), name) != options.end()) {
            if (!has_value) {
                if (i + 1 == args.size()) throw UsageError(name + " needs a value");
                value = args[++i];
            }
            options_[name].push_back(value);
        } else {
            throw UsageError("unknown option " + name);
        }
    }
}

bool Args::flag(const std::string& name) const {
    return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}

std::optional<std::string> Args::option(const std::string& name) const {
    const auto it = options_.find(name);
    if (it == options_.end()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Args::options(const std::string& name) const {
    const auto it = options_.find(name);
    return it == options_.end() ? std::vector<std::string>{} : it->second;
}

int help_if_asked(const std::vector<std::string>& args, const char* text) {
    for (const std::string& a : args) {
        if (a == "--") break;
        if (a == "--help" || a == "-h") {
            std::fputs(text, stdout);
            return 0;
        }
    }
    return -1;
}

// ---- JSON ------------------------------------------------------------------------------------

namespace {

/// Length of the valid UTF-8 sequence at s[i], or 0 if there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (b(i + k) & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

}  // namespace

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            ++i;
        } else if (const std::size_t n = utf8_length(s, i)) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out + "\"";
}

std::string format_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

void JsonOut::comma() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ += ',';
        first_.back() = false;
    }
}

JsonOut& JsonOut::begin_object() {
    comma();
    out_ += '{';
    first_.push_back(true);
    return *this;
}
JsonOut& JsonOut::end_object() {
    out_ += '}';
    first_.pop_back();
    return *this;
}
JsonOut& JsonOut::begin_array() {
    comma();
    out_ += '[';
    first_.push_back(true);
    return *this;
}
JsonOut& JsonOut::end_array() {
    out_ += ']';
    first_.pop_back();
    return *this;
}
JsonOut& JsonOut::key(std::string_view k) {
    comma();
    out_ += json_quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
}
JsonOut& JsonOut::value(std::string_view s) {
    comma();
    out_ += json_quote(s);
    return *this;
}
JsonOut& JsonOut::value(double v) {
    comma();
    if (std::isnan(v))
        out_ += "\"NaN\"";
    else if (std::isinf(v))
        out_ += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    else
        out_ += format_number(v);
    return *this;
}
JsonOut& JsonOut::value(std::int64_t v) {
    comma();
    out_ += std::to_string(v);
    return *this;
}
JsonOut& JsonOut::value(std::uint64_t v) {
    comma();
    out_ += std::to_string(v);
    return *this;
}
JsonOut& JsonOut::value(bool v) {
    comma();
    out_ += v ? "true" : "false";
    return *this;
}
JsonOut& JsonOut::null() {
    comma();
    out_ += "null";
    return *this;
}

// ---- progress --------------------------------------------------------------------------------

namespace {
double seconds_now() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}
}  // namespace

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)), total_(total), active_(::isatty(2) == 1), last_(seconds_now()) {}

Progress::~Progress() { finish(); }

void Progress::update(std::uint64_t done, std::uint64_t rows) {
    if (!active_) return;
    const double now = seconds_now();
    if (now - last_ < 0.2) return;
    last_ = now;
    char line[160];
    if (total_ > 0) {
        const double f = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
        const int width = 30, filled = static_cast<int>(f * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::snprintf(line, sizeof line, "\r%s [%s] %3d%%", label_.c_str(), bar.c_str(),
                      static_cast<int>(f * 100));
    } else {
        std::snprintf(line, sizeof line, "\r%s ...", label_.c_str());
    }
    std::string text = line;
    if (rows) text += " " + std::to_string(rows) + " rows";
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::step(const std::string& what) {
    if (!active_) return;
    std::fprintf(stderr, "\r\033[K%s: %s", label_.c_str(), what.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::finish() {
    if (drawn_) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    }
    drawn_ = false;
    active_ = false;
}

}  // namespace brine::cli
