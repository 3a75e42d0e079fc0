// Shared Eigen types and input checks used by every brine model.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "brine/error.hpp"

namespace brine {

/// Parameter matrices are stored row-major: the file layout is row-major, so every array
/// serializes in one bulk copy.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Node indices and feature indices of trees.
using IndexVector = Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>;
/// A batch of samples, one row each (any Eigen dense expression converts to it).
using MatrixRef = Eigen::Ref<const Eigen::MatrixXd>;
/// One sample: a row of a matrix (of either storage order) or a transposed vector, without a copy.
using RowRef = Eigen::Ref<const Eigen::RowVectorXd, 0, Eigen::InnerStride<>>;

namespace detail {

inline void check_columns(Eigen::Index got, Eigen::Index expected, const char* model) {
    if (got != expected) {
        throw Error(Errc::shape_mismatch, std::string(model) + " expects " +
                                              std::to_string(expected) + " feature columns, got " +
                                              std::to_string(got));
    }
}

[[noreturn]] inline void invalid_model(const char* model, const std::string& what) {
    throw Error(Errc::invalid_model, std::string(model) + ": " + what);
}

/// Linear index (in storage order) of the first non-finite entry, or -1.
template <class Derived>
Eigen::Index first_non_finite(const Eigen::DenseBase<Derived>& a) {
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        if (!std::isfinite(static_cast<double>(a.derived().coeff(i)))) return i;
    }
    return -1;
}

/// Throws Errc::invalid_model naming the first NaN or infinite entry of `field`, as
/// "field[i]" for a vector and "field[row, col]" for a matrix.
template <class Derived>
void require_finite(const Eigen::DenseBase<Derived>& a, const char* model, const char* field) {
    const Eigen::Index i = first_non_finite(a);
    if (i < 0) return;
    std::string where;
    if (a.rows() == 1 || a.cols() == 1) {
        where = std::to_string(i);
    } else {
        // coeff(i) walks storage order, so turn the linear index back into (row, col).
        const bool row_major = (Derived::Flags & Eigen::RowMajorBit) != 0;
        const Eigen::Index inner = row_major ? a.cols() : a.rows();
        const Eigen::Index r = row_major ? i / inner : i % inner;
        const Eigen::Index c = row_major ? i % inner : i / inner;
        where = std::to_string(r) + ", " + std::to_string(c);
    }
    invalid_model(model, std::string(field) + "[" + where + "] is not finite (NaN or infinity)");
}

/// Index of the largest of s[0 .. n), numpy.argmax's rule: the first maximum wins, and a NaN counts
/// as larger than every number (so the first NaN wins). Each s[k] is read once, so `s` may be a
/// functor-like object that computes scores lazily. Batch and single-row paths of every classifier
/// use this one function, so ties and NaN always resolve the same way. Requires n >= 1.
template <class Scores>
Eigen::Index argmax(const Scores& s, Eigen::Index n) {
    Eigen::Index best = 0;
    double best_v = static_cast<double>(s[0]);
    if (std::isnan(best_v)) return 0;
    for (Eigen::Index k = 1; k < n; ++k) {
        const double v = static_cast<double>(s[k]);
        if (std::isnan(v)) return k;
        if (v > best_v) {
            best_v = v;
            best = k;
        }
    }
    return best;
}

/// Bit-exact equality of two dense arrays: same shape and same bytes (so -0.0 != 0.0), except
/// that every NaN equals every other NaN: brine files keep no NaN sign or payload (they store one
/// canonical NaN). Used by the models' operator==, which round-trip tests rely on, and by the
/// same-build check of reference predictions.
template <class A, class B>
bool same_bits(const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    using Scalar = typename A::Scalar;
    static_assert(std::is_same_v<Scalar, typename B::Scalar>, "same scalar type required");
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            const Scalar x = a.derived().coeff(i, j);
            const Scalar y = b.derived().coeff(i, j);
            if constexpr (std::is_floating_point_v<Scalar>) {
                if (x != x && y != y) continue;  // both NaN
            }
            if (std::memcmp(&x, &y, sizeof(Scalar)) != 0) return false;
        }
    }
    return true;
}

}  // namespace detail
}  // namespace brine
