// brine::OneHotEncoder: one-hot encoding of numeric category values, as scikit-learn's
// OneHotEncoder.
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdio>

#include "brine/models/blocks.hpp"
#include "brine/models/common.hpp"

namespace brine {

/// What transform does with a value that is not one of its feature's categories (scikit-learn's
/// handle_unknown). The numbers are written into files: never renumber.
enum class HandleUnknown : std::uint8_t {
    error = 0,   ///< refuse it (Errc::invalid_input naming the row, column and value)
    ignore = 1,  ///< encode it as all zeros in its feature's block
};

/// The stable name of a HandleUnknown value ("error", "ignore"), as written in JSON files.
constexpr const char* handle_unknown_name(HandleUnknown h) noexcept {
    return h == HandleUnknown::error ? "error" : h == HandleUnknown::ignore ? "ignore" : "unknown";
}

/// One-hot encoding as scikit-learn 1.2's OneHotEncoder fitted on numeric columns: each input
/// feature j becomes a block of 0/1 columns, one per category of feature j in ascending order,
/// minus the dropped category if any; blocks follow the input features' order.
///
/// Fields (scikit-learn's fitted attributes, flattened):
///  - `categories`: every feature's categories, concatenated feature by feature. Each feature's
///    categories are strictly increasing finite values, optionally followed by one NaN (NaN is a
///    category of its own, sorted last, as numpy's unique sorts it) — scikit-learn's categories_.
///  - `n_categories`: per feature, how many entries of `categories` are its own (>= 1).
///  - `drop_idx`: empty (scikit-learn's drop_idx_ is None: nothing dropped), or per feature the
///    index within that feature's categories of the category whose column is left out, or -1
///    for none (drop_idx_[j] is None). A row whose value is the dropped category is all zeros
///    in that block. drop='first' is all 0; drop='if_binary' is 0 for two-category features and
///    -1 elsewhere; an explicit drop list is the index of each listed value.
///  - `handle_unknown`: see HandleUnknown. As in scikit-learn 1.2, an unknown value with
///    `ignore` is all zeros in its block even when the feature drops a category (so it reads as
///    the dropped category).
///
/// Values are matched by exact double comparison (so -0.0 matches 0.0, as numpy's does) in
/// O(log k) per value for k categories. NaN matches a NaN category and is otherwise unknown.
/// Infinities are refused (Errc::invalid_input) whatever handle_unknown says, as scikit-learn's
/// input check does. Every transform checks the fields' sizes agree (O(n_features)); validate()
/// checks the ordering that matching relies on for exact results.
///
/// ```
/// brine::OneHotEncoder enc({1, 2, 3, 0.5, NAN}, {3, 2}, {}, brine::HandleUnknown::ignore);
/// Eigen::MatrixXd Z = enc.transform(X);  // X.rows() x 5
/// ```
struct OneHotEncoder : RowsForms<OneHotEncoder> {
    /// The batch forms read every layout and float input in place (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    Eigen::VectorXd categories;  ///< every feature's categories, concatenated (see above)
    IndexVector n_categories;    ///< per feature: number of its categories
    IndexVector drop_idx;        ///< empty, or per feature: dropped category's index or -1
    HandleUnknown handle_unknown = HandleUnknown::error;

    OneHotEncoder() = default;
    OneHotEncoder(Eigen::VectorXd categories_, IndexVector n_categories_, IndexVector drop_idx_,
                  HandleUnknown handle_unknown_)
        : categories(std::move(categories_)),
          n_categories(std::move(n_categories_)),
          drop_idx(std::move(drop_idx_)),
          handle_unknown(handle_unknown_) {}

    /// Input width: the number of features.
    Eigen::Index n_features() const noexcept { return n_categories.size(); }
    /// Output width: the number of categories of all features, minus one per dropped category.
    /// Meaningful for a model whose sizes agree (validate() checks them).
    Eigen::Index n_features_out() const noexcept {
        Eigen::Index w = 0;
        for (Eigen::Index j = 0; j < n_categories.size(); ++j)
            w += static_cast<Eigen::Index>(n_categories(j)) - (dropped(j) >= 0 ? 1 : 0);
        return w;
    }
    /// Values per sample of transform: n_features_out().
    Eigen::Index n_outputs() const noexcept { return n_features_out(); }
    /// An encoder has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// An encoder has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }
    /// Offset of feature j's categories within `categories` (O(j)); requires j < n_features().
    Eigen::Index category_offset(Eigen::Index j) const noexcept {
        Eigen::Index o = 0;
        for (Eigen::Index i = 0; i < j; ++i) o += n_categories(i);
        return o;
    }

    /// Throws Error(Errc::invalid_model) unless >= 1 feature, every feature has >= 1 category, the
    /// counts add up to the length of `categories`, each feature's categories are strictly
    /// increasing finite values optionally followed by one NaN, drop_idx is empty or has one
    /// entry per feature each -1 or a valid category index, and handle_unknown is a known value.
    void validate() const {
        check_shape();
        if (handle_unknown != HandleUnknown::error && handle_unknown != HandleUnknown::ignore) {
            detail::invalid_model(name, "handle_unknown is " +
                                            std::to_string(static_cast<int>(handle_unknown)) +
                                            " (expected 0 for error or 1 for ignore)");
        }
        Eigen::Index offset = 0;
        for (Eigen::Index j = 0; j < n_features(); ++j) {
            const Eigen::Index k = n_categories(j);
            for (Eigen::Index c = 0; c < k; ++c) {
                const double v = categories(offset + c);
                // The message is built only for the category that fails, never once per category.
                const auto where = [&] {
                    return "feature " + std::to_string(j) + ": category " + std::to_string(c) +
                           " (categories[" + std::to_string(offset + c) + "])";
                };
                if (std::isinf(v)) detail::invalid_model(name, where() + " is infinite");
                if (std::isnan(v) && c != k - 1) {
                    detail::invalid_model(
                        name, where() + " is NaN but not the last (NaN sorts after every number)");
                }
                if (c > 0 && !(categories(offset + c - 1) < v) && !std::isnan(v)) {
                    detail::invalid_model(name, where() + " is " + format_value(v) +
                                                    ", not greater than the category before it (" +
                                                    format_value(categories(offset + c - 1)) +
                                                    "); categories must be sorted and unique");
                }
            }
            offset += k;
        }
    }

    /// transform for a row-major or float batch, or any Rows view (see brine::Rows), and into a
    /// row-major buffer of the caller's (RowsForms); every form gives the same bits as the
    /// column-major double form. Throw as transform, and Errc::shape_mismatch for a buffer smaller
    /// than the result (nothing is written then).
    using RowsForms<OneHotEncoder>::transform;

    /// The encoded rows: X.rows() x n_features_out(), every entry 0 or 1. Throws
    /// Errc::shape_mismatch unless X has n_features columns; Errc::invalid_input if X holds an
    /// infinity (the first in row order), or, with handle_unknown == error, a value that is not one
    /// of its feature's categories (the first in column order, then row order, as scikit-learn
    /// reports the first column with unknowns).
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        Eigen::MatrixXd Z(X.rows(), n_features_out());
        encode_block(detail::in_block(X), Z);
        return Z;
    }

    /// transform into `out` (X.rows() x n_features_out(); a caller's buffer that must not overlap
    /// X), without heap allocation. Throws as transform, and Errc::shape_mismatch unless `out` has
    /// that shape (nothing is written then). After an Errc::invalid_input, `out` holds partial
    /// results.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        transform_into(detail::in_block(X), out);
    }

    /// transform_into for a block of any layout, double or float (an InBlock, as a Pipeline and the
    /// Rows forms pass it), read in place: the same bits as the column-major double form of the
    /// same values. Throws as transform_into.
    template <class T>
    void transform_into(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        const Eigen::Index w = n_features_out();
        if (out.rows() != X.rows() || out.cols() != w) {
            throw Error(Errc::shape_mismatch,
                        std::string(name) + "::transform_into writes " + std::to_string(X.rows()) +
                            " x " + std::to_string(w) + " values, the output is " +
                            std::to_string(out.rows()) + " x " + std::to_string(out.cols()));
        }
        encode_block(X, out);
    }

    /// Encodes one sample into out[0 .. n_features_out()), without heap allocation; `out` must not
    /// overlap x. Throws Errc::shape_mismatch unless x has n_features entries and `size` >=
    /// n_features_out() (nothing is written then), Errc::invalid_input as transform (naming the
    /// column).
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        const Eigen::Index w = n_features_out();
        detail::check_output_size(size, w, name, "transform_one");
        for (Eigen::Index j = 0; j < x.size(); ++j) {
            if (std::isinf(x(j))) refuse_infinity(-1, j, x(j));
        }
        std::fill(out, out + w, 0.0);
        Eigen::Index offset = 0;
        Eigen::Index base = 0;
        for (Eigen::Index j = 0; j < x.size(); ++j) {
            const Eigen::Index k = n_categories(j);
            const Eigen::Index d = dropped(j);
            const Eigen::Index c = find(x(j), offset, k);
            if (c < 0) {
                if (handle_unknown == HandleUnknown::error) refuse_unknown(-1, j, x(j), k);
            } else if (c != d) {
                out[base + (d >= 0 && c > d ? c - 1 : c)] = 1.0;
            }
            offset += k;
            base += k - (d >= 0 ? 1 : 0);
        }
    }

    /// transform_one into a contiguous buffer of at least n_features_out() entries.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Index within feature j's categories (those at categories[offset .. offset + k)) of the
    /// value v, or -1 if v is none of them. Binary search with exact comparison: O(log k).
    Eigen::Index find(double v, Eigen::Index offset, Eigen::Index k) const noexcept {
        const double* first = categories.data() + offset;
        const bool has_nan = std::isnan(first[k - 1]);
        if (v != v) return has_nan ? k - 1 : -1;
        const double* last = first + (has_nan ? k - 1 : k);
        const double* it = std::lower_bound(first, last, v);
        return it != last && *it == v ? static_cast<Eigen::Index>(it - first) : -1;
    }

    friend bool operator==(const OneHotEncoder& a, const OneHotEncoder& b) {
        return detail::same_bits(a.categories, b.categories) && a.n_categories == b.n_categories &&
               a.drop_idx == b.drop_idx && a.handle_unknown == b.handle_unknown;
    }
    friend bool operator!=(const OneHotEncoder& a, const OneHotEncoder& b) { return !(a == b); }

private:
    static constexpr const char* name = "OneHotEncoder";
    friend class RowsForms<OneHotEncoder>;

    Eigen::Index dropped(Eigen::Index j) const noexcept {
        // Bounds-checked: n_features_out() may be called on a model whose sizes disagree.
        return j < drop_idx.size() ? static_cast<Eigen::Index>(drop_idx(j)) : -1;
    }

    /// Encodes X into `out` (shapes already checked), column block by column block.
    template <class T>
    void encode_block(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        detail::visit_layout(X, [&](const auto& M) { encode_into(M, out); });
    }

    /// Encodes X (any Eigen matrix of double or float) into `out` (shapes already checked), column
    /// by column.
    template <class M>
    void encode_into(const M& X, Eigen::Ref<Eigen::MatrixXd>& out) const {
        // Infinities first: scikit-learn's input check refuses them before it looks for unknowns.
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            if (detail::column_has(X, j, 0, X.rows(), true)) {
                for (Eigen::Index i = 0; i < X.rows(); ++i) {
                    for (Eigen::Index c = 0; c < X.cols(); ++c)
                        if (std::isinf(X(i, c))) refuse_infinity(i, c, double(X(i, c)));
                }
            }
        }
        out.setZero();
        Eigen::Index offset = 0;
        Eigen::Index base = 0;
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            const Eigen::Index k = n_categories(j);
            const Eigen::Index d = dropped(j);
            for (Eigen::Index i = 0; i < X.rows(); ++i) {
                const double v = static_cast<double>(X(i, j));
                const Eigen::Index c = find(v, offset, k);
                if (c < 0) {
                    if (handle_unknown == HandleUnknown::error) refuse_unknown(i, j, v, k);
                } else if (c != d) {
                    out(i, base + (d >= 0 && c > d ? c - 1 : c)) = 1.0;
                }
            }
            offset += k;
            base += k - (d >= 0 ? 1 : 0);
        }
    }

    static std::string format_value(double v) {
        if (std::isnan(v)) return "NaN";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        return buf;
    }

    static std::string where(Eigen::Index row, Eigen::Index col) {
        return row < 0 ? "input column " + std::to_string(col)
                       : "input row " + std::to_string(row + detail::input_row_base()) +
                             ", column " + std::to_string(col);
    }

    [[noreturn]] static void refuse_infinity(Eigen::Index row, Eigen::Index col, double v) {
        throw Error(Errc::invalid_input, std::string(name) + ": " + where(row, col) + " is " +
                                             detail::describe_value(v) + "; " + name +
                                             " takes finite values and NaN, not infinities");
    }

    [[noreturn]] static void refuse_unknown(Eigen::Index row, Eigen::Index col, double v,
                                            Eigen::Index k) {
        throw Error(Errc::invalid_input, std::string(name) + ": " + where(row, col) + " is " +
                                             format_value(v) + ", not one of the " +
                                             std::to_string(k) + " categories of feature " +
                                             std::to_string(col) + " (handle_unknown is error)");
    }

    /// What transforms rely on to stay in bounds, in O(n_features), checked on every call.
    void check_shape() const {
        if (n_categories.size() < 1) detail::invalid_model(name, "has no features");
        if (drop_idx.size() != 0 && drop_idx.size() != n_categories.size()) {
            detail::invalid_model(name, "drop_idx has " + std::to_string(drop_idx.size()) +
                                            " entries for " + std::to_string(n_categories.size()) +
                                            " features (expected that many, or none)");
        }
        Eigen::Index total = 0;
        for (Eigen::Index j = 0; j < n_categories.size(); ++j) {
            if (n_categories(j) < 1) {
                detail::invalid_model(name, "n_categories[" + std::to_string(j) + "] is " +
                                                std::to_string(n_categories(j)) +
                                                " (every feature has at least 1 category)");
            }
            total += n_categories(j);
            if (drop_idx.size() != 0 && (drop_idx(j) < -1 || drop_idx(j) >= n_categories(j))) {
                detail::invalid_model(name, "drop_idx[" + std::to_string(j) + "] is " +
                                                std::to_string(drop_idx(j)) +
                                                " (expected -1 for none, or 0 to " +
                                                std::to_string(n_categories(j) - 1) + ": feature " +
                                                std::to_string(j) + " has " +
                                                std::to_string(n_categories(j)) + " categories)");
            }
        }
        if (total != categories.size()) {
            detail::invalid_model(name, "n_categories add up to " + std::to_string(total) +
                                            ", categories has " +
                                            std::to_string(categories.size()) + " entries");
        }
    }
};

}  // namespace brine
