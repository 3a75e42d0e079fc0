// Reference predictions: computing them at save time and checking them again at load time.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "brine/io/options.hpp"
#include "brine/models/any_model.hpp"
#include "brine/version.hpp"

namespace brine::detail {

/// Identifies the code that computes predictions: brine version, compiler, architecture and the
/// floating-point options that change results. Equal strings mean bit-identical predictions.
inline std::string current_build() {
    std::string b = std::string("brine ") + library_version_string;
#if defined(__clang__)
    b += "; clang " __clang_version__;
#elif defined(__GNUC__)
    b += "; gcc " __VERSION__;
#elif defined(_MSC_VER)
    b += "; msvc " + std::to_string(_MSC_VER);
#endif
#if defined(__x86_64__) || defined(_M_X64)
    b += "; x86_64";
#elif defined(__aarch64__) || defined(_M_ARM64)
    b += "; aarch64";
#else
    b += "; other-arch";
#endif
#if defined(__FMA__)
    b += "; fma";
#endif
#if defined(__FAST_MATH__)
    b += "; fast-math";
#endif
    return b;
}

/// The outputs a reference check compares: predict_proba for classifiers, predict for regressors,
/// transform for scalers.
template <class Model>
RowMatrix reference_outputs(const Model& m, const Eigen::MatrixXd& X) {
    if constexpr (std::is_same_v<Model, StandardScaler> || std::is_same_v<Model, MinMaxScaler>) {
        return m.transform(X);
    } else if constexpr (std::is_same_v<Model, LinearRegression>) {
        return m.predict_targets(X);
    } else if constexpr (std::is_same_v<Model, LogisticRegression>) {
        return m.predict_proba(X);
    } else {
        if (m.is_classifier()) return m.predict_proba(X);
        return m.predict(X);
    }
}

template <class Model>
Reference make_reference(const Model& m, const Eigen::MatrixXd& X, double tolerance) {
    Reference r;
    if (X.size() == 0) return r;
    if (X.cols() != m.n_features()) {
        throw Error(Errc::shape_mismatch, "reference_inputs have " + std::to_string(X.cols()) +
                                              " columns, the model expects " +
                                              std::to_string(m.n_features()));
    }
    if (!(tolerance >= 0) || !std::isfinite(tolerance)) {
        throw Error(Errc::invalid_argument, "reference_tolerance must be finite and >= 0");
    }
    r.inputs = X;
    r.outputs = reference_outputs(m, X);
    r.tolerance = tolerance;
    r.build = current_build();
    return r;
}

/// Throws Errc::reference_mismatch (or Errc::malformed for an inconsistent reference block) unless
/// the model reproduces the stored outputs.
template <class Model>
void check_reference(const Model& m, const Reference& r) {
    if (r.empty()) return;
    if (r.inputs.cols() != m.n_features() || r.outputs.rows() != r.inputs.rows()) {
        throw Error(Errc::malformed, "reference block has inputs " +
                                         std::to_string(r.inputs.rows()) + " x " +
                                         std::to_string(r.inputs.cols()) + " and outputs " +
                                         std::to_string(r.outputs.rows()) + " x " +
                                         std::to_string(r.outputs.cols()) + " for a model with " +
                                         std::to_string(m.n_features()) + " features");
    }
    if (!(r.tolerance >= 0) || !std::isfinite(r.tolerance)) {
        throw Error(Errc::malformed, "reference tolerance is not a finite number >= 0");
    }
    const RowMatrix got = reference_outputs(m, Eigen::MatrixXd(r.inputs));
    if (got.cols() != r.outputs.cols()) {
        throw Error(Errc::malformed, "reference outputs have " + std::to_string(r.outputs.cols()) +
                                         " columns, the model gives " + std::to_string(got.cols()));
    }
    const bool exact = r.build == current_build();
    for (Eigen::Index i = 0; i < got.rows(); ++i) {
        for (Eigen::Index j = 0; j < got.cols(); ++j) {
            const double want = r.outputs(i, j), have = got(i, j);
            const bool ok =
                exact ? same_bits(Eigen::Matrix<double, 1, 1>(want),
                                  Eigen::Matrix<double, 1, 1>(have))
                      : std::abs(want - have) <= r.tolerance * std::max(1.0, std::abs(want));
            if (!ok) {
                char buf[160];
                std::snprintf(buf, sizeof buf,
                              "row %lld output %lld: stored %.17g, model gives %.17g",
                              static_cast<long long>(i), static_cast<long long>(j), want, have);
                throw Error(Errc::reference_mismatch,
                            std::string(buf) +
                                (exact ? " (same build: must be bit-identical)"
                                       : " (tolerance " + std::to_string(r.tolerance) + ")"));
            }
        }
    }
}

}  // namespace brine::detail
