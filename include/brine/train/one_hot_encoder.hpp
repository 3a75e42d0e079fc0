// brine::train::one_hot_encoder: the categories and dropped categories of numeric columns, as
// scikit-learn 1.2's OneHotEncoder.fit finds them.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "brine/models/one_hot_encoder.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// Options of one_hot_encoder(), as scikit-learn's OneHotEncoder's. Infrequent categories
/// (min_frequency, max_categories) are not represented by brine's encoder and have no option.
struct OneHotEncoderOptions {
    /// scikit-learn's drop: None, 'first', 'if_binary', or one category value per feature.
    enum class Drop : std::uint8_t { none, first, if_binary, values };
    Drop drop = Drop::none;
    /// With Drop::values: per feature, the category whose column is left out (NaN for a NaN
    /// category). Each must be one of its feature's categories, as scikit-learn requires.
    std::vector<double> drop_values;
    /// scikit-learn's handle_unknown ('error' or 'ignore').
    HandleUnknown handle_unknown = HandleUnknown::error;
    /// scikit-learn's categories: empty for 'auto' (the sorted unique values of each column, NaN
    /// last), else one list per feature, sorted, with NaN only last (as scikit-learn requires of
    /// numeric categories) and without repeats (brine's encoder needs unique categories).
    std::vector<std::vector<double>> categories;

    OptionList describe() const {
        static const char* const names[] = {"none", "first", "if_binary", "values"};
        OptionList o{{"drop", names[static_cast<int>(drop) & 3]},
                     {"handle_unknown", handle_unknown_name(handle_unknown)},
                     {"categories", categories.empty() ? "auto" : "given"}};
        if (drop == Drop::values) {
            std::string v;
            for (std::size_t j = 0; j < drop_values.size(); ++j)
                v += (j ? " " : "") + detail::number_text(drop_values[j]);
            o.emplace_back("drop_values", v);
        }
        return o;
    }

    void validate(const char* fn = "one_hot_encoder") const {
        if (drop != Drop::none && drop != Drop::first && drop != Drop::if_binary &&
            drop != Drop::values)
            detail::invalid(fn, "drop is " + std::to_string(static_cast<int>(drop)));
        if (handle_unknown != HandleUnknown::error && handle_unknown != HandleUnknown::ignore) {
            detail::invalid(fn, "handle_unknown is " +
                                    std::to_string(static_cast<int>(handle_unknown)) +
                                    " (expected error or ignore)");
        }
        if (drop != Drop::values && !drop_values.empty())
            detail::invalid(fn, "drop_values are given but drop is not Drop::values");
        for (std::size_t j = 0; j < categories.size(); ++j) {
            const std::vector<double>& c = categories[j];
            const std::string feature = "categories[" + std::to_string(j) + "]";
            if (c.empty()) detail::invalid(fn, feature + " is empty");
            for (std::size_t i = 0; i < c.size(); ++i) {
                if (std::isinf(c[i])) detail::invalid(fn, feature + " holds an infinity");
                if (std::isnan(c[i]) && i + 1 != c.size())
                    detail::invalid(fn, feature + " holds NaN before its end (NaN sorts last)");
                if (i > 0 && !std::isnan(c[i]) && !(c[i - 1] < c[i])) {
                    detail::invalid(fn, feature + " is not sorted and unique: " +
                                            detail::number_text(c[i - 1]) + " then " +
                                            detail::number_text(c[i]));
                }
            }
        }
    }
};

/// Fits a OneHotEncoder as scikit-learn 1.2's OneHotEncoder(drop, handle_unknown, categories)
/// .fit(X) on a numeric X: categories_ (np.unique's order: ascending, one NaN last when the column
/// has NaN) and drop_idx_ (empty for drop=None; for 'if_binary', -1 where a feature does not have
/// exactly two categories).
///
/// Throws Error(Errc::invalid_argument) for an empty X, an infinity in X (scikit-learn's input
/// check), invalid options, given categories of the wrong count, values of X outside the given
/// categories with handle_unknown error (scikit-learn's "Found unknown categories ... during
/// fit"), and drop values that are not categories of their feature.
///
/// The name matches the other training functions (simple_imputer, robust_scaler, ...);
/// fit_one_hot_encoder is the same function under its first name.
template <class = void>
OneHotEncoder one_hot_encoder(const Eigen::Ref<const Eigen::MatrixXd>& X,
                              const OneHotEncoderOptions& options = {}) {
    constexpr const char* fn = "one_hot_encoder";
    options.validate(fn);
    detail::check_nan_tolerant_features(X, fn);
    const bool given = !options.categories.empty();
    if (given && static_cast<Eigen::Index>(options.categories.size()) != X.cols()) {
        detail::invalid(fn, "categories has " + std::to_string(options.categories.size()) +
                                " lists for " + std::to_string(X.cols()) +
                                " features (scikit-learn: shape mismatch)");
    }
    if (options.drop == OneHotEncoderOptions::Drop::values &&
        static_cast<Eigen::Index>(options.drop_values.size()) != X.cols()) {
        detail::invalid(fn, "drop_values has " + std::to_string(options.drop_values.size()) +
                                " entries for " + std::to_string(X.cols()) + " features");
    }

    std::vector<double> all;
    IndexVector n_categories(X.cols());
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        std::vector<double> cats;
        if (given) {
            cats = options.categories[static_cast<std::size_t>(j)];
        } else {
            bool has_nan = false;
            cats.reserve(static_cast<std::size_t>(X.rows()));
            for (Eigen::Index i = 0; i < X.rows(); ++i) {
                if (std::isnan(X(i, j)))
                    has_nan = true;
                else
                    cats.push_back(X(i, j));
            }
            std::sort(cats.begin(), cats.end());
            cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
            if (has_nan) cats.push_back(std::numeric_limits<double>::quiet_NaN());
        }
        if (cats.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            detail::invalid(fn,
                            "column " + std::to_string(j) + " has more than 2^31 - 1 categories");
        n_categories(j) = static_cast<std::int32_t>(cats.size());
        all.insert(all.end(), cats.begin(), cats.end());
    }

    OneHotEncoder m(
        Eigen::Map<const Eigen::VectorXd>(all.data(), static_cast<Eigen::Index>(all.size())),
        std::move(n_categories), IndexVector(), options.handle_unknown);

    if (given && options.handle_unknown == HandleUnknown::error) {
        Eigen::Index offset = 0;
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            const Eigen::Index k = m.n_categories(j);
            for (Eigen::Index i = 0; i < X.rows(); ++i) {
                if (m.find(X(i, j), offset, k) < 0) {
                    detail::invalid(fn, "found unknown category " + detail::number_text(X(i, j)) +
                                            " in column " + std::to_string(j) +
                                            " during fit (row " + std::to_string(i) +
                                            "; handle_unknown is error)");
                }
            }
            offset += k;
        }
    }

    using Drop = OneHotEncoderOptions::Drop;
    if (options.drop != Drop::none) {
        m.drop_idx.resize(X.cols());
        Eigen::Index offset = 0;
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            const Eigen::Index k = m.n_categories(j);
            if (options.drop == Drop::first) {
                m.drop_idx(j) = 0;
            } else if (options.drop == Drop::if_binary) {
                m.drop_idx(j) = k == 2 ? 0 : -1;
            } else {
                const double v = options.drop_values[static_cast<std::size_t>(j)];
                const Eigen::Index c = m.find(v, offset, k);
                if (c < 0) {
                    detail::invalid(fn, "drop value " + detail::number_text(v) +
                                            " is not a category of feature " + std::to_string(j));
                }
                m.drop_idx(j) = static_cast<std::int32_t>(c);
            }
            offset += k;
        }
    }
    return m;
}

/// one_hot_encoder under its first name (kept so that code written against it still builds):
/// the same fit, the same errors (which name one_hot_encoder).
template <class = void>
OneHotEncoder fit_one_hot_encoder(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                  const OneHotEncoderOptions& options = {}) {
    return one_hot_encoder<>(X, options);
}

#ifdef BRINE_COMPILED
// The compiled mode (brine::compiled) instantiates it once, in src/brine_train.cpp.
extern template OneHotEncoder one_hot_encoder<>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                const OneHotEncoderOptions&);
#endif

}  // namespace brine::train
