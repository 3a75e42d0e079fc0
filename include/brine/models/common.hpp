// Shared Eigen types and input checks used by every brine model.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "brine/error.hpp"

/// `inline` on the members that visit every kind (AnyModel's, Pipeline's and ColumnTransformer's
/// `template <class = void>` members, defined outside their classes) in the header-only mode, so
/// that the optimiser inlines a single-row call into its caller's loop as it did when they were
/// defined in their classes; nothing in compiled mode (BRINE_COMPILED), where
/// brine/models/extern.hpp declares them `extern` and src/brine_models.cpp defines them: a compiler
/// honours an `extern template` declaration only for a function that is not inline (an inline one
/// it instantiates anyway, to be able to inline it). Either way each is instantiated in COMDAT
/// sections, so translation units of both modes link together.
#if defined(BRINE_COMPILED)
#define BRINE_MODELS_INLINE
#else
#define BRINE_MODELS_INLINE inline
#endif

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

/// Throws Errc::shape_mismatch unless an output buffer of `size` doubles holds the `needed` values
/// `call` writes.
inline void check_output_size(Eigen::Index size, Eigen::Index needed, const char* model,
                              const char* call) {
    if (size < needed) {
        throw Error(Errc::shape_mismatch,
                    std::string(model) + "::" + call + " writes " + std::to_string(needed) +
                        " values, the output buffer holds " + std::to_string(size));
    }
}

/// Contiguous buffers of doubles whose size() is their number of doubles: what the sized output
/// overloads (`predict_proba_one(x, out)`, `transform_one(x, out)`) accept besides pointer + size.
/// Strided Eigen expressions (a row of a column-major matrix) are deliberately not among them.
template <class T>
struct is_double_buffer : std::false_type {};
template <class A>
struct is_double_buffer<std::vector<double, A>> : std::true_type {};
template <std::size_t N>
struct is_double_buffer<std::array<double, N>> : std::true_type {};
template <int R, int C, int O, int MR, int MC>
struct is_double_buffer<Eigen::Matrix<double, R, C, O, MR, MC>> : std::true_type {};
template <int R, int C, int O, int MR, int MC, int Align>
struct is_double_buffer<Eigen::Map<Eigen::Matrix<double, R, C, O, MR, MC>, Align>>
    : std::true_type {};
template <class T>
using enable_if_double_buffer =
    std::enable_if_t<is_double_buffer<std::remove_cv_t<std::remove_reference_t<T>>>::value, int>;

/// The class labels of a model that has none.
inline const Eigen::VectorXd& no_class_labels() {
    static const Eigen::VectorXd none;
    return none;
}

// ---- Non-finite inputs -------------------------------------------------------------------------
// The policy (README, "NaN and infinite inputs"): estimators refuse a row with a NaN or an infinity
// in any feature, as scikit-learn 1.2's predict does; scalers keep NaN (a missing value stays
// missing, as scikit-learn's transform) and refuse infinities. The checks below work on the bits
// of a double (exponent all ones: infinity or NaN); the checks of whole blocks are vectorized
// reductions (any_non_finite, any_infinite).

constexpr std::uint64_t exponent_mask = 0x7FF0000000000000ULL;

inline std::uint64_t bits_of(double v) noexcept {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

/// 1 if v is NaN or infinite (with `allow_nan`: if v is infinite), else 0.
inline std::uint64_t is_refused(double v, bool allow_nan) noexcept {
    const std::uint64_t b = bits_of(v) & ~(std::uint64_t{1} << 63);
    return allow_nan ? static_cast<std::uint64_t>(b == exponent_mask)
                     : static_cast<std::uint64_t>(b >= exponent_mask);
}

/// True if any of p[0 .. n) is NaN or infinite. Computed as the sum of p[i] * 0, which is NaN
/// exactly when some p[i] is (a finite value times 0 is 0): Eigen vectorizes the reduction, where
/// a loop of comparisons would run one value at a time.
inline bool any_non_finite(const double* p, Eigen::Index n) noexcept {
    if (n == 0) return false;
    const double s = (Eigen::Map<const Eigen::ArrayXd>(p, n) * 0.0).sum();
    return s != s;
}

/// True if any of p[0 .. n) is infinite (NaN does not count), vectorized as any_non_finite.
inline bool any_infinite(const double* p, Eigen::Index n) noexcept {
    if (n == 0) return false;
    const double m =
        Eigen::Map<const Eigen::ArrayXd>(p, n).abs().template maxCoeff<Eigen::PropagateNumbers>();
    return m > std::numeric_limits<double>::max();
}

inline std::string describe_value(double v) {
    return std::isnan(v) ? "NaN" : (v > 0 ? "+infinity" : "-infinity");
}

/// The number of the first row of the block a batch kernel is working on, within the caller's
/// batch (per thread): the batch forms that convert their input one block at a time set it, so
/// that a refusal names the caller's row.
inline Eigen::Index& input_row_base() noexcept {
    thread_local Eigen::Index base = 0;
    return base;
}

/// Sets input_row_base() to `first` rows further for its lifetime.
class InputRowBase {
public:
    explicit InputRowBase(Eigen::Index first) noexcept : saved_(input_row_base()) {
        input_row_base() = saved_ + first;
    }
    ~InputRowBase() { input_row_base() = saved_; }
    InputRowBase(const InputRowBase&) = delete;
    InputRowBase& operator=(const InputRowBase&) = delete;

private:
    Eigen::Index saved_;
};

/// Throws Errc::invalid_input for the value v at (row, col) of a model's input; row < 0 means a
/// single sample.
[[noreturn]] inline void refuse_input(const char* model, Eigen::Index row, Eigen::Index col,
                                      double v, bool allow_nan) {
    std::string where = row < 0
                            ? std::string("input column ")
                            : "input row " + std::to_string(row + input_row_base()) + ", column ";
    throw Error(Errc::invalid_input,
                std::string(model) + ": " + where + std::to_string(col) + " is " +
                    describe_value(v) + "; " + model +
                    (allow_nan ? " takes finite values and NaN (kept as missing), not infinities"
                               : " takes finite values only (no NaN or infinity)"));
}

/// Throws Errc::invalid_input for the first entry of the sample x that the model refuses.
inline void check_sample(const RowRef& x, const char* model, bool allow_nan = false) {
    for (Eigen::Index j = 0; j < x.size(); ++j) {
        if (is_refused(x(j), allow_nan)) refuse_input(model, -1, j, x(j), allow_nan);
    }
}

/// Throws Errc::invalid_input for the first (lowest row, then lowest column) entry of rows
/// [first, first + n) of X that the model refuses; returns if there is none. Rows are numbered
/// from `row_base` in the message. X is any Eigen double matrix (a MatrixRef, or a map of rows in
/// either storage order).
template <class M>
void check_rows(const M& X, Eigen::Index first, Eigen::Index n, const char* model,
                bool allow_nan = false, Eigen::Index row_base = 0) {
    for (Eigen::Index i = first; i < first + n; ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j) {
            if (is_refused(X(i, j), allow_nan))
                refuse_input(model, row_base + i, j, X(i, j), allow_nan);
        }
    }
}

/// The check of an estimator fused with its output: with finite parameters, an output (a sum of
/// products of every input of its row) is finite whenever its row's inputs are, so only the rows of
/// a non-finite output are searched, and a refusal happens exactly when an input is NaN or
/// infinite (a finite row whose result overflows keeps its infinite result, as in scikit-learn).
/// `Y` has one row per row of X.
template <class M, class Out>
void check_rows_of_non_finite_outputs(const M& X, const Out& Y, const char* model) {
    const Eigen::Index cols = Y.cols();
    bool any = false;
    for (Eigen::Index k = 0; k < cols && !any; ++k) {
        any = any_non_finite(Y.data() + k * Y.outerStride(), Y.rows());
    }
    if (!any) return;
    for (Eigen::Index i = 0; i < Y.rows(); ++i) {
        bool row_bad = false;
        for (Eigen::Index k = 0; k < cols; ++k) row_bad |= !std::isfinite(Y(i, k));
        if (row_bad) check_rows(X, i, 1, model);
    }
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
