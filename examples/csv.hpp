// A small numeric CSV reader and writer for brine's examples (header row of names, then numbers).
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace examples {

struct Table {
    std::vector<std::string> names;  // column names, empty when the file has no header row
    Eigen::MatrixXd values;          // one row per data line
};

inline std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
}

inline bool parse_number(const std::string& s, double& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

/// Reads a CSV of numbers; the first line is taken as a header when any cell is not a number.
inline Table read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open '" + path + "'");
    Table t;
    std::vector<std::vector<double>> rows;
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const auto cells = split(line);
        std::vector<double> row(cells.size());
        bool numeric = true;
        for (std::size_t j = 0; j < cells.size(); ++j)
            numeric = numeric && parse_number(cells[j], row[j]);
        if (!numeric) {
            if (rows.empty() && t.names.empty()) {
                t.names = cells;
                continue;
            }
            throw std::runtime_error(path + ":" + std::to_string(line_no) +
                                     ": not a row of numbers");
        }
        if (!rows.empty() && row.size() != rows.front().size()) {
            throw std::runtime_error(path + ":" + std::to_string(line_no) + ": " +
                                     std::to_string(row.size()) + " columns, expected " +
                                     std::to_string(rows.front().size()));
        }
        rows.push_back(std::move(row));
    }
    const std::size_t cols = rows.empty() ? t.names.size() : rows.front().size();
    t.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = 0; j < cols; ++j) {
            t.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
        }
    }
    return t;
}

inline void write_csv(const std::string& path, const std::vector<std::string>& names,
                      const Eigen::MatrixXd& X) {
    std::ofstream out(path);
    for (std::size_t j = 0; j < names.size(); ++j) out << (j ? "," : "") << names[j];
    out << "\n";
    out.precision(17);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j) out << (j ? "," : "") << X(i, j);
        out << "\n";
    }
    if (!out) throw std::runtime_error("cannot write '" + path + "'");
}

}  // namespace examples
