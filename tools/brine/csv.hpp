// The brine command: reading CSV text in a stream of lines and fields, in bounded memory.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace brine::cli {

/// Lines of a file or stream, read in chunks: memory is the chunk plus the longest line, whatever
/// the file's size. Line ends are "\n" or "\r\n".
class LineReader {
public:
    /// Reads from `f` (not owned). Lines over `max_line` bytes are refused.
    explicit LineReader(std::FILE* f, std::size_t max_line = std::size_t{64} << 20);

    /// The next line, without its end; false at the end of the input. The view is valid until
    /// the next call. Throws brine::Error (Errc::io) on a read error, Errc::invalid_input for a
    /// line over the limit.
    bool next(std::string_view& line);

    std::uint64_t line_number() const noexcept { return line_no_; }  ///< of the last line, from 1
    std::uint64_t bytes_consumed() const noexcept { return consumed_; }

private:
    bool fill();
    std::FILE* f_;
    std::size_t max_line_;
    std::string buf_;
    std::size_t begin_ = 0, end_ = 0;
    bool eof_ = false;
    std::uint64_t line_no_ = 0, consumed_ = 0;
};

/// Splits a CSV line into fields (RFC 4180 quoting within the line: "a ""b""" is a "b"). Views
/// point into `line` or, for fields with doubled quotes, into storage kept by the splitter.
class FieldSplitter {
public:
    explicit FieldSplitter(char delimiter) : delim_(delimiter) {}
    /// Throws Errc::invalid_input naming `line_no` and the column for a malformed quoted field.
    void split(std::string_view line, std::uint64_t line_no, std::vector<std::string_view>& out);

private:
    char delim_;
    std::deque<std::string> unescaped_;
};

/// Parses a CSV cell as a double: surrounding blanks ignored; empty, "NaN" (any case) and "NA"
/// are NaN (a missing value); "inf", "infinity" with an optional sign are infinities; anything
/// else must be a whole decimal number. Returns false when the cell is not a number.
bool parse_cell(std::string_view cell, double& out);

/// `s` as one CSV field: quoted when it holds the delimiter, a quote, or a line end.
std::string csv_field(std::string_view s, char delimiter);

}  // namespace brine::cli
