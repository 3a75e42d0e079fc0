// A tiny CSV reader for tests: one header row, then rows of numbers (no quoting).
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace brine::test {

/// A parsed CSV file: column names and the numbers, one matrix row per line.
struct Csv {
    std::vector<std::string> header;
    Eigen::MatrixXd data;

    /// Index of the column called `name`; throws std::runtime_error if there is none.
    Eigen::Index column(const std::string& name) const {
        for (std::size_t j = 0; j < header.size(); ++j) {
            if (header[j] == name) return static_cast<Eigen::Index>(j);
        }
        throw std::runtime_error("csv: no column '" + name + "'");
    }
};

namespace csv_detail {
inline std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
}
}  // namespace csv_detail

/// Reads `path`. Numbers are parsed with strtod, which rounds correctly, so values written with
/// Python's repr come back bit for bit. Throws std::runtime_error naming the file and line.
inline Csv read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("csv: cannot open " + path);
    Csv out;
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error("csv: " + path + " is empty");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.header = csv_detail::split(line);
    std::vector<double> values;
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const std::vector<std::string> cells = csv_detail::split(line);
        const std::string where = path + " line " + std::to_string(rows + 2);
        if (cells.size() != out.header.size()) {
            throw std::runtime_error("csv: " + where + " has " + std::to_string(cells.size()) +
                                     " cells, header has " + std::to_string(out.header.size()));
        }
        for (const std::string& cell : cells) {
            char* end = nullptr;
            errno = 0;
            const double v = std::strtod(cell.c_str(), &end);
            if (cell.empty() || *end != '\0' || (errno == ERANGE && std::abs(v) == HUGE_VAL)) {
                throw std::runtime_error("csv: " + where + ": '" + cell + "' is not a number");
            }
            values.push_back(v);
        }
        ++rows;
    }
    const auto r = static_cast<Eigen::Index>(rows),
               c = static_cast<Eigen::Index>(out.header.size());
    out.data =
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            values.data(), r, c);
    return out;
}

}  // namespace brine::test
