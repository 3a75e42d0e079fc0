// The brine command: reading CSV text in a stream of lines and fields, in bounded memory.
// SPDX-License-Identifier: MIT
#include "csv.hpp"

#include <brine/error.hpp>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace brine::cli {

LineReader::LineReader(std::FILE* f, std::size_t max_line)
    : f_(f), max_line_(max_line), buf_(std::size_t{1} << 20, '\0') {}

bool LineReader::fill() {
    if (eof_) return false;
    if (begin_ > 0) {  // keep the partial line at the front
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buf_.size()) {
        if (buf_.size() > max_line_) {
            throw Error(Errc::invalid_input, "line " + std::to_string(line_no_ + 1) +
                                                 " is longer than " + std::to_string(max_line_) +
                                                 " bytes");
        }
        buf_.resize(buf_.size() * 2);
    }
    const std::size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, f_);
    if (n == 0) {
        if (std::ferror(f_))
            throw Error(Errc::io, std::string("reading the CSV input: ") + std::strerror(errno));
        eof_ = true;
        return false;
    }
    end_ += n;
    return true;
}

bool LineReader::next(std::string_view& line) {
    std::size_t scanned = begin_;
    for (;;) {
        const void* nl = std::memchr(buf_.data() + scanned, '\n', end_ - scanned);
        if (nl) {
            const std::size_t at =
                static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data());
            std::size_t stop = at;
            if (stop > begin_ && buf_[stop - 1] == '\r') --stop;
            line = std::string_view(buf_.data() + begin_, stop - begin_);
            consumed_ += at + 1 - begin_;
            begin_ = at + 1;
            ++line_no_;
            return true;
        }
        const std::size_t offset = end_ - begin_;
        if (!fill()) {
            if (begin_ == end_) return false;
            std::size_t stop = end_;
            if (buf_[stop - 1] == '\r') --stop;
            line = std::string_view(buf_.data() + begin_, stop - begin_);
            consumed_ += end_ - begin_;
            begin_ = end_;
            ++line_no_;
            return true;
        }
        scanned = begin_ + offset;
    }
}

void FieldSplitter::split(std::string_view line, std::uint64_t line_no,
                          std::vector<std::string_view>& out) {
    out.clear();
    unescaped_.clear();
    std::size_t i = 0;
    for (;;) {
        std::size_t k = i;
        while (k < line.size() && (line[k] == ' ' || line[k] == '\t') && line[k] != delim_) ++k;
        if (k < line.size() && line[k] == '"') {
            std::string value;
            bool escaped = false;
            std::size_t j = k + 1;
            for (;; ++j) {
                if (j >= line.size()) {
                    throw Error(Errc::invalid_input,
                                "line " + std::to_string(line_no) + ", column " +
                                    std::to_string(out.size() + 1) +
                                    ": a quoted field does not end on its line");
                }
                if (line[j] == '"') {
                    if (j + 1 < line.size() && line[j + 1] == '"') {
                        escaped = true;
                        value += '"';
                        ++j;
                        continue;
                    }
                    break;
                }
                value += line[j];
            }
            std::string_view field = line.substr(k + 1, j - k - 1);
            if (escaped) {
                unescaped_.push_back(std::move(value));
                field = unescaped_.back();
            }
            ++j;
            while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
            if (j < line.size() && line[j] != delim_) {
                throw Error(Errc::invalid_input, "line " + std::to_string(line_no) + ", column " +
                                                     std::to_string(out.size() + 1) +
                                                     ": text after the closing quote");
            }
            out.push_back(field);
            if (j >= line.size()) return;
            i = j + 1;
            continue;
        }
        const std::size_t d = line.find(delim_, i);
        if (d == std::string_view::npos) {
            out.push_back(line.substr(i));
            return;
        }
        out.push_back(line.substr(i, d - i));
        i = d + 1;
    }
}

namespace {
bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != b[i]) return false;
    }
    return true;
}
}  // namespace

namespace {

/// Clinger's fast path: a plain decimal "ddd", "ddd.ddd" or ".ddd" of at most 19 digits whose
/// digits, read as an integer m, are below 2^53, with k <= 22 digits after the point. Then m and
/// 10^k are exact doubles and m / 10^k is one correctly rounded division: the double nearest the
/// decimal, the same as from_chars gives, at a fraction of its cost.
bool parse_plain_decimal(std::string_view s, double& out) {
    static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (s.size() > 20) return false;
    std::uint64_t m = 0;
    int digits = 0, after_point = -1;
    for (const char c : s) {
        if (c >= '0' && c <= '9') {
            m = m * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits;
            if (after_point >= 0) ++after_point;
        } else if (c == '.' && after_point < 0) {
            after_point = 0;
        } else {
            return false;
        }
    }
    if (digits == 0 || digits > 19 || m > (std::uint64_t{1} << 53)) return false;
    out = static_cast<double>(m) / pow10[after_point < 0 ? 0 : after_point];
    return true;
}

}  // namespace

bool parse_cell(std::string_view cell, double& out) {
    while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t')) cell.remove_suffix(1);
    if (cell.empty()) {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    bool negative = false;
    std::string_view body = cell;
    if (body.front() == '+' || body.front() == '-') {
        negative = body.front() == '-';
        body.remove_prefix(1);
        if (body.empty()) return false;
    }
    const char c0 = body.front();
    if (!((c0 >= '0' && c0 <= '9') || c0 == '.')) {
        if (iequals(cell, "nan") || cell == "NA") {
            out = std::numeric_limits<double>::quiet_NaN();
            return true;
        }
        if (iequals(body, "inf") || iequals(body, "infinity")) {
            out = negative ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity();
            return true;
        }
        return false;  // from_chars would also take "nan(...)" and hex forms: refused
    }
    double v = 0;
    if (!parse_plain_decimal(body, v)) {
        const auto r =
            std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
        if (r.ec == std::errc::result_out_of_range) {
            // Overflow gives an infinity (which the model may refuse), underflow a zero: as strtod.
            v = std::strtod(std::string(body).c_str(), nullptr);
        } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
            return false;
        }
    }
    out = negative ? -v : v;
    return true;
}

std::string csv_field(std::string_view s, char delimiter) {
    if (s.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos &&
        (s.empty() || (s.front() != ' ' && s.back() != ' ')))
        return std::string(s);
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

}  // namespace brine::cli
