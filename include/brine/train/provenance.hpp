// brine::train::provenance: records how a model was trained (options, data hash, metrics) as
// brine::Provenance, ready to be stored in the model file's metadata.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>

#include "brine/detail/xxhash64.hpp"
#include "brine/metadata.hpp"
#include "brine/models/any_model.hpp"
#include "brine/version.hpp"

namespace brine::train {

/// "xxh64:<16 hex digits>" of the training data: rows and columns of X (u64), X's values in
/// row-major order, then y's values, all little-endian. Equal data gives an equal hash on every
/// platform, whatever X's storage order.
inline std::string data_hash(const Eigen::Ref<const Eigen::MatrixXd>& X,
                             const Eigen::Ref<const Eigen::VectorXd>& y) {
    brine::detail::XxHash64 h;
    auto put_u64 = [&](std::uint64_t v) {
        unsigned char b[8];
        for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
        h.update(b, 8);
    };
    auto put_double = [&](double d) {
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        put_u64(bits);
    };
    put_u64(static_cast<std::uint64_t>(X.rows()));
    put_u64(static_cast<std::uint64_t>(X.cols()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j) put_double(X(i, j));
    }
    for (Eigen::Index i = 0; i < y.size(); ++i) put_double(y(i));
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h.digest()));
    return std::string("xxh64:") + buf;
}

namespace detail {

template <class Model>
bool predicts_classes(const Model& m) {
    if constexpr (std::is_same_v<Model, LogisticRegression>)
        return true;
    else if constexpr (std::is_same_v<Model, LinearRegression>)
        return false;
    else
        return m.is_classifier();
}

template <class Model>
std::string trainer_name(const Model& m) {
    if constexpr (std::is_same_v<Model, DecisionTree>) {
        return m.is_classifier() ? "brine::train::decision_tree_classifier"
                                 : "brine::train::decision_tree_regressor";
    } else {
        return "brine::train::" + std::string(kind_name(model_kind_v<Model>));
    }
}

}  // namespace detail

/// Provenance of `model`, trained on X and y with `options` (any brine::train options struct):
/// library version, trainer, the options as text, the data hash, the number of samples and
/// training metrics — accuracy for classifiers, r2 and mse for regressors.
template <class Options, class Model>
Provenance provenance(const Eigen::Ref<const Eigen::MatrixXd>& X,
                      const Eigen::Ref<const Eigen::VectorXd>& y, const Options& options,
                      const Model& model) {
    Provenance p;
    p.library_version = library_version_string;
    p.trainer = detail::trainer_name(model);
    for (const auto& [name, value] : options.describe()) p.options[name] = value;
    p.data_hash = data_hash(X, y);
    p.n_samples = static_cast<std::uint64_t>(X.rows());
    const Eigen::VectorXd pred = model.predict(X);
    const double n = static_cast<double>(y.size());
    if (detail::predicts_classes(model)) {
        p.metrics["accuracy"] = (pred.array() == y.array()).template cast<double>().sum() / n;
    } else {
        const double mse = (pred - y).squaredNorm() / n;
        const double var = (y.array() - y.mean()).square().sum() / n;
        p.metrics["mse"] = mse;
        if (var > 0) p.metrics["r2"] = 1.0 - mse / var;
    }
    return p;
}

}  // namespace brine::train
