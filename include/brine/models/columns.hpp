// brine::ColumnMapping and brine::map_columns: inputs matched to a model's features by name, the
// caller's columns put in the model's order once, then applied to every batch.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "brine/detail/text.hpp"
#include "brine/models/rows.hpp"

namespace brine {

/// A batch in a model's column order: column-major doubles, read by every form of every model
/// (the MatrixRef forms without a copy, and the Rows forms).
using ColumnView = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
/// One sample in a model's column order (a RowRef without a copy).
using RowView = Eigen::Map<const Eigen::RowVectorXd>;

/// Where each of a model's features is in a caller's columns: made once by brine::map_columns
/// (or `Loaded::columns`, `AnyModel::columns`) from the model's feature names and the caller's
/// column names, then applied to each batch. Columns the model does not use are left out, the
/// others put in the model's order; the model then predicts what it predicts on a batch whose
/// columns were in its order to begin with, bit for bit.
///
/// ```
/// auto m = brine::load_any("model.brine");
/// const brine::ColumnMapping cols = m.columns(csv_header);    // once; throws if one is missing
/// std::vector<double> buffer;                                 // reused: no allocation per call
/// Eigen::VectorXd y = m.predict(cols.apply(X, buffer));       // X in the CSV's column order
/// ```
/// A mapping is an immutable value: one may serve every thread, each with its own buffer.
class ColumnMapping {
public:
    /// The mapping of no columns to no features.
    ColumnMapping() = default;
    /// Model feature j reads the caller's column `source[j]` of `n_input_columns`. Throws
    /// Errc::invalid_argument unless every entry is in [0, n_input_columns) and none repeats.
    ColumnMapping(std::vector<Eigen::Index> source, Eigen::Index n_input_columns)
        : source_(std::move(source)), n_input_(n_input_columns) {
        if (n_input_ < 0) {
            throw Error(Errc::invalid_argument, "ColumnMapping: " + std::to_string(n_input_) +
                                                    " input columns: must not be negative");
        }
        std::vector<bool> used(static_cast<std::size_t>(n_input_), false);
        for (std::size_t j = 0; j < source_.size(); ++j) {
            const Eigen::Index s = source_[j];
            if (s < 0 || s >= n_input_ || used[static_cast<std::size_t>(s)]) {
                throw Error(Errc::invalid_argument,
                            "ColumnMapping: feature " + std::to_string(j) + " reads column " +
                                std::to_string(s) + ", expected a column in [0, " +
                                std::to_string(n_input_) + ") that no other feature reads");
            }
            used[static_cast<std::size_t>(s)] = true;
        }
    }

    /// Number of the model's features (the width of what apply returns).
    Eigen::Index n_features() const noexcept { return static_cast<Eigen::Index>(source_.size()); }
    /// Number of the caller's columns (the width apply takes).
    Eigen::Index n_input_columns() const noexcept { return n_input_; }
    /// For each of the model's features, the caller's column it reads.
    const std::vector<Eigen::Index>& source_columns() const noexcept { return source_; }
    /// The caller's columns the model does not read, in increasing order.
    std::vector<Eigen::Index> dropped_columns() const {
        std::vector<bool> used(static_cast<std::size_t>(n_input_), false);
        for (Eigen::Index s : source_) used[static_cast<std::size_t>(s)] = true;
        std::vector<Eigen::Index> out;
        for (Eigen::Index c = 0; c < n_input_; ++c)
            if (!used[static_cast<std::size_t>(c)]) out.push_back(c);
        return out;
    }
    /// True when the caller's columns are the model's, in its order (apply then copies nothing for
    /// column-major double input).
    bool is_identity() const noexcept {
        if (n_features() != n_input_) return false;
        for (std::size_t j = 0; j < source_.size(); ++j)
            if (source_[j] != static_cast<Eigen::Index>(j)) return false;
        return true;
    }

    /// The batch X (the caller's columns, any layout, double or float; see brine::Rows) in the
    /// model's columns, gathered into `buffer`, which grows to X.rows() * n_features() doubles if
    /// smaller and is otherwise reused: steady-state calls allocate nothing. Float values become
    /// the doubles they equal, as every model's float forms read them. The view is valid while
    /// `buffer` (or, for an identity mapping of column-major doubles, X's memory, read in place)
    /// is unchanged. Throws Errc::shape_mismatch if X does not have n_input_columns() columns.
    ColumnView apply(const Rows& X, std::vector<double>& buffer) const {
        check_input(X);
        if (const double* p = in_place(X))
            return ColumnView(p, X.rows(), n_features(), Eigen::OuterStride<>(outer(X)));
        const std::size_t needed = size_for(X.rows());
        if (buffer.size() < needed) buffer.resize(needed);
        gather(X, buffer.data());
        return ColumnView(buffer.data(), X.rows(), n_features(),
                          Eigen::OuterStride<>(std::max<Eigen::Index>(X.rows(), 1)));
    }
    /// apply into the caller's buffer of `size` doubles; throws Errc::shape_mismatch if it holds
    /// fewer than X.rows() * n_features() (nothing is written then).
    ColumnView apply(const Rows& X, double* buffer, Eigen::Index size) const {
        check_input(X);
        if (const double* p = in_place(X))
            return ColumnView(p, X.rows(), n_features(), Eigen::OuterStride<>(outer(X)));
        const std::size_t needed = size_for(X.rows());
        detail::check_output_size(size, static_cast<Eigen::Index>(needed), "ColumnMapping",
                                  "apply");
        gather(X, buffer);
        return ColumnView(buffer, X.rows(), n_features(),
                          Eigen::OuterStride<>(std::max<Eigen::Index>(X.rows(), 1)));
    }
    /// apply into a new matrix.
    Eigen::MatrixXd apply(const Rows& X) const {
        check_input(X);
        Eigen::MatrixXd out(X.rows(), n_features());
        if (out.size() > 0) gather(X, out.data());
        return out;
    }

    /// One sample x (the caller's columns) in the model's columns, written to out[0 ..
    /// n_features()). Throws Errc::shape_mismatch if x does not have n_input_columns() values or
    /// `size` < n_features() (nothing is written then).
    RowView apply_one(const RowRef& x, double* out, Eigen::Index size) const {
        if (x.size() != n_input_) {
            throw Error(Errc::shape_mismatch, "ColumnMapping expects " + std::to_string(n_input_) +
                                                  " columns (the names it was made from), got " +
                                                  std::to_string(x.size()));
        }
        detail::check_output_size(size, n_features(), "ColumnMapping", "apply_one");
        for (std::size_t j = 0; j < source_.size(); ++j) out[j] = x(source_[j]);
        return RowView(out, n_features());
    }
    /// apply_one into `buffer`, grown to n_features() doubles if smaller.
    RowView apply_one(const RowRef& x, std::vector<double>& buffer) const {
        if (buffer.size() < source_.size()) buffer.resize(source_.size());
        return apply_one(x, buffer.data(), static_cast<Eigen::Index>(buffer.size()));
    }

    friend bool operator==(const ColumnMapping& a, const ColumnMapping& b) {
        return a.n_input_ == b.n_input_ && a.source_ == b.source_;
    }
    friend bool operator!=(const ColumnMapping& a, const ColumnMapping& b) { return !(a == b); }

private:
    void check_input(const Rows& X) const {
        if (X.cols() != n_input_) {
            throw Error(Errc::shape_mismatch, "ColumnMapping expects " + std::to_string(n_input_) +
                                                  " columns (the names it was made from), got " +
                                                  std::to_string(X.cols()));
        }
    }
    std::size_t size_for(Eigen::Index rows) const {
        const Eigen::Index n = n_features();
        if (n > 0 && rows > std::numeric_limits<Eigen::Index>::max() / n) {
            throw Error(Errc::invalid_argument, "ColumnMapping: " + std::to_string(rows) +
                                                    " rows of " + std::to_string(n) +
                                                    " features do not fit in memory");
        }
        return static_cast<std::size_t>(rows * n);
    }
    /// X itself when it already is the model's columns as column-major doubles.
    const double* in_place(const Rows& X) const noexcept {
        if (X.element() != Element::f64 || X.row_stride() != 1 || X.rows() == 0 || X.cols() == 0 ||
            X.col_stride() < X.rows() || !is_identity())
            return nullptr;
        return static_cast<const double*>(X.data());
    }
    static Eigen::Index outer(const Rows& X) noexcept { return X.col_stride(); }

    /// out (column-major, X.rows() x n_features()) = X's columns source_[0], source_[1], ...
    void gather(const Rows& X, double* out) const {
        if (X.element() == Element::f64)
            gather_as(static_cast<const double*>(X.data()), X, out);
        else
            gather_as(static_cast<const float*>(X.data()), X, out);
    }
    template <class T>
    void gather_as(const T* in, const Rows& X, double* out) const {
        const Eigen::Index r = X.rows(), rs = X.row_stride(), cs = X.col_stride();
        const Eigen::Index n = n_features();
        if (r == 0 || n == 0) return;
        if (cs == 1) {  // row-major: read each row once, in order
            for (Eigen::Index i = 0; i < r; ++i) {
                const T* row = in + i * rs;
                for (Eigen::Index j = 0; j < n; ++j)
                    out[j * r + i] = static_cast<double>(row[source_[static_cast<std::size_t>(j)]]);
            }
            return;
        }
        for (Eigen::Index j = 0; j < n; ++j) {  // column by column
            const T* col = in + source_[static_cast<std::size_t>(j)] * cs;
            double* to = out + j * r;
            for (Eigen::Index i = 0; i < r; ++i) to[i] = static_cast<double>(col[i * rs]);
        }
    }

    std::vector<Eigen::Index> source_;
    Eigen::Index n_input_ = 0;
};

namespace detail {

/// How many names a message lists before it says how many more there are.
inline constexpr std::size_t names_in_message = 16;

/// "'a' (column 2), 'b' (column 5), and 3 more": at most names_in_message entries, each name
/// escaped and cut as brine cuts file text.
inline std::string list_names(const std::vector<std::pair<std::string_view, std::size_t>>& names,
                              const char* what) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < names_in_message; ++i) {
        if (i) out += ", ";
        out += ::brine::detail::quoted(names[i].first) + " (" + what + " " +
               std::to_string(names[i].second) + ")";
    }
    if (names.size() > names_in_message)
        out += ", and " + std::to_string(names.size() - names_in_message) + " more";
    return out;
}

/// Position of each name in `names`; refuses a name given twice (Error `code`, naming every
/// repeated name with both positions).
inline std::unordered_map<std::string_view, std::size_t> index_names(
    const std::vector<std::string_view>& names, Errc code, const char* whose, const char* what) {
    std::unordered_map<std::string_view, std::size_t> at;
    at.reserve(names.size());
    std::vector<std::pair<std::string_view, std::size_t>> repeated;
    std::string detail_text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto [it, fresh] = at.emplace(names[i], i);
        if (!fresh) {
            if (repeated.size() < names_in_message) {
                detail_text += (repeated.empty() ? "" : ", ") + ::brine::detail::quoted(names[i]) +
                               " (" + what + "s " + std::to_string(it->second) + " and " +
                               std::to_string(i) + ")";
            }
            repeated.emplace_back(names[i], i);
        }
    }
    if (!repeated.empty()) {
        if (repeated.size() > names_in_message)
            detail_text += ", and " + std::to_string(repeated.size() - names_in_message) + " more";
        throw Error(code, std::string("map_columns: ") + whose +
                              " names repeat, so columns cannot be matched "
                              "by name: " +
                              detail_text);
    }
    return at;
}

template <class Names>
std::vector<std::string_view> name_views(const Names& names) {
    std::vector<std::string_view> v;
    v.reserve(names.size());
    for (const auto& n : names) v.emplace_back(n);
    return v;
}

inline ColumnMapping map_column_views(const std::vector<std::string_view>& model,
                                      const std::vector<std::string_view>& caller) {
    index_names(model, Errc::invalid_model, "the model's feature", "feature");
    const auto caller_at =
        index_names(caller, Errc::shape_mismatch, "the input's column", "column");
    std::vector<Eigen::Index> source(model.size());
    std::vector<std::pair<std::string_view, std::size_t>> missing;
    for (std::size_t j = 0; j < model.size(); ++j) {
        const auto it = caller_at.find(model[j]);
        if (it == caller_at.end()) {
            missing.emplace_back(model[j], j);
        } else {
            source[j] = static_cast<Eigen::Index>(it->second);
        }
    }
    if (!missing.empty()) {
        throw Error(Errc::shape_mismatch, std::to_string(missing.size()) + " of the model's " +
                                              std::to_string(model.size()) + " features " +
                                              (missing.size() == 1 ? "is" : "are") +
                                              " missing from the " + std::to_string(caller.size()) +
                                              " input columns: " + list_names(missing, "feature"));
    }
    return ColumnMapping(std::move(source), static_cast<Eigen::Index>(caller.size()));
}

}  // namespace detail

/// The mapping from a caller's columns, named `caller_names` in the caller's order, to a model's
/// features, named `model_names` in the model's order (the file's metadata feature_names: see
/// Loaded::columns and AnyModel::columns, which also check them against the model). Names match
/// exactly (bytes, case and spaces included). Columns the model does not name are dropped.
///
/// Throws Errc::shape_mismatch naming every missing feature (up to 16 names, then how many more)
/// or the caller's names that repeat, Errc::invalid_model if a model's name repeats. Linear in the
/// number of names. Either list is any container of things that convert to std::string_view.
template <class ModelNames, class CallerNames>
ColumnMapping map_columns(const ModelNames& model_names, const CallerNames& caller_names) {
    return detail::map_column_views(detail::name_views(model_names),
                                    detail::name_views(caller_names));
}
template <class ModelNames>
ColumnMapping map_columns(const ModelNames& model_names,
                          std::initializer_list<std::string_view> caller_names) {
    return detail::map_column_views(detail::name_views(model_names),
                                    std::vector<std::string_view>(caller_names));
}

namespace detail {

/// map_columns for a model of `n_features` features whose file names them `names`: refuses a
/// model without names (Errc::invalid_argument) and names that do not count its features
/// (Errc::invalid_model).
template <class CallerNames>
ColumnMapping map_model_columns(const std::vector<std::string>& names, Eigen::Index n_features,
                                const CallerNames& caller_names) {
    if (names.empty()) {
        throw Error(Errc::invalid_argument,
                    "the model has no feature names (its file's metadata feature_names is "
                    "empty): its input columns can only be given by position");
    }
    if (static_cast<Eigen::Index>(names.size()) != n_features) {
        throw Error(Errc::invalid_model,
                    "the file's metadata names " + std::to_string(names.size()) +
                        " features, the model takes " + std::to_string(n_features));
    }
    return map_columns(names, caller_names);
}

}  // namespace detail
}  // namespace brine
