// Reference predictions: computing them at save time and checking them again at load time, within
// the rounding bound of the model's arithmetic and a work budget checked before any of it runs.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "brine/detail/text.hpp"
#include "brine/io/load_cost.hpp"
#include "brine/io/options.hpp"
#include "brine/models/any_model.hpp"
#include "brine/version.hpp"

namespace brine::detail {

/// Identifies the code that computes predictions: brine version, compiler, architecture and the
/// floating-point options that change results. Equal strings do not mean bit-identical results
/// (SIMD width and vectorization flags are not in it); a different string adds the file's stored
/// tolerance to the rounding bound of the check.
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

/// The unit roundoff of double and gamma(n) = n u / (1 - n u): a sum of n products computed in
/// any order, with or without fused multiply-adds, is within gamma(n) x (sum of |products|) of the
/// exact sum (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., section 3.1).
constexpr double unit_roundoff = 0x1p-53;
inline double rounding_gamma(Eigen::Index n) {
    const double nu = static_cast<double>(n) * unit_roundoff;
    return nu < 0.5 ? nu / (1 - nu) : std::numeric_limits<double>::infinity();
}

/// Outputs of a model for some rows and, per output, a bound on its distance from the exact
/// result (`err`); any two builds of the same source compute outputs within 2 err of each other.
struct Evaluation {
    Eigen::MatrixXd out;
    Eigen::MatrixXd err;
};

// The error-propagating evaluation. `Z` holds the values a part receives, `E` a bound on their
// distance from the exact values (an empty E means exact inputs).

inline double err_at(const Eigen::MatrixXd& E, Eigen::Index i, Eigen::Index j) {
    return E.size() == 0 ? 0.0 : E(i, j);
}

/// A scaler: each output is two correctly rounded operations on one input, so its error is the
/// input's error scaled, plus gamma(2) of the magnitudes involved.
template <class Scaler>
void step_with_bound(const Scaler& s, Eigen::MatrixXd& Z, Eigen::MatrixXd& E) {
    const double g = rounding_gamma(2);
    Eigen::MatrixXd next(Z.rows(), Z.cols());
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        for (Eigen::Index j = 0; j < Z.cols(); ++j) {
            const double z = std::abs(Z(i, j)), e = err_at(E, i, j);
            if constexpr (std::is_same_v<Scaler, StandardScaler>) {
                const double a = 1.0 / std::abs(s.scale(j));  // (z - mean) / scale
                next(i, j) = (e + g * (z + std::abs(s.mean(j)))) * a;
            } else if constexpr (std::is_same_v<Scaler, MaxAbsScaler>) {  // z / scale
                next(i, j) = (e + g * z) / std::abs(s.scale(j));
            } else if constexpr (std::is_same_v<Scaler, RobustScaler>) {
                // (z - center) / scale, either operation left out when fitted without it
                const double c = s.with_centering() ? std::abs(s.center(j)) : 0.0;
                const double a = s.with_scaling() ? 1.0 / std::abs(s.scale(j)) : 1.0;
                next(i, j) = (e + g * (z + c)) * a;
            } else {  // z * scale + min
                const double a = std::abs(s.scale(j));
                next(i, j) = (e + g * z) * a + g * std::abs(s.min(j));
            }
        }
    }
    Z = s.transform(Z);
    E = std::move(next);
}

/// An imputer copies a value or replaces a missing one by its statistic: a copied value keeps its
/// input's bound, a filled one and an indicator are exact. With a numeric marker, an input within
/// twice its bound of the marker may be missing on another build: its row's bound is infinite.
template <class = void>
void step_with_bound(const SimpleImputer& s, Eigen::MatrixXd& Z, Eigen::MatrixXd& E) {
    Eigen::MatrixXd out = s.transform(Z);
    Eigen::MatrixXd err = Eigen::MatrixXd::Zero(out.rows(), out.cols());
    if (E.size() != 0) {
        const auto missing = [&](double v) {
            return s.missing_is_nan() ? std::isnan(v) : v == s.missing_value;
        };
        Eigen::Index k = 0;
        for (Eigen::Index j = 0; j < s.statistics.size(); ++j) {
            const bool kept = !std::isnan(s.statistics(j));
            for (Eigen::Index i = 0; i < Z.rows(); ++i) {
                const double z = Z(i, j), e = E(i, j);
                if (!s.missing_is_nan() && !std::isnan(z) &&
                    std::abs(z - s.missing_value) <= 2 * e && e > 0) {
                    err.row(i).setConstant(std::numeric_limits<double>::infinity());
                } else if (kept && !missing(z) && std::isfinite(err(i, k))) {
                    err(i, k) = e;
                }
            }
            k += kept ? 1 : 0;
        }
    }
    Z = std::move(out);
    E = std::move(err);
}

/// A one-hot encoder's outputs are 0 or 1, exact; but an input carrying a rounding error (after
/// other steps) may match another category on another build: its row's bound is infinite.
template <class = void>
void step_with_bound(const OneHotEncoder& s, Eigen::MatrixXd& Z, Eigen::MatrixXd& E) {
    Eigen::MatrixXd out = s.transform(Z);
    Eigen::MatrixXd err = Eigen::MatrixXd::Zero(out.rows(), out.cols());
    for (Eigen::Index i = 0; i < Z.rows() && E.size() != 0; ++i) {
        for (Eigen::Index j = 0; j < Z.cols(); ++j) {
            if (E(i, j) > 0 && !std::isnan(Z(i, j))) {
                err.row(i).setConstant(std::numeric_limits<double>::infinity());
                break;
            }
        }
    }
    Z = std::move(out);
    E = std::move(err);
}

/// A ColumnTransformer: each branch's columns (and their bounds) through its chain, with the bounds
/// of each step; passthrough columns keep theirs.
template <class = void>
void step_with_bound(const ColumnTransformer& ct, Eigen::MatrixXd& Z, Eigen::MatrixXd& E) {
    Eigen::MatrixXd out(Z.rows(), ct.n_features_out());
    Eigen::MatrixXd err = Eigen::MatrixXd::Zero(Z.rows(), ct.n_features_out());
    Eigen::Index at = 0;
    for_each_branch(ct, [&](const ColumnBranch& b, const std::string&) {
        const Eigen::Index bw = branch_width_out(b);
        if (b.action == ColumnBranch::Action::drop || bw == 0) return;
        Eigen::MatrixXd z(Z.rows(), b.columns.size()), e;
        if (E.size() != 0) e.resize(Z.rows(), b.columns.size());
        for (Eigen::Index k = 0; k < b.columns.size(); ++k) {
            z.col(k) = Z.col(b.columns(k));
            if (E.size() != 0) e.col(k) = E.col(b.columns(k));
        }
        for (const auto& s : b.steps)
            std::visit([&](const auto& t) { step_with_bound(t, z, e); }, s);
        out.middleCols(at, bw) = z;
        if (e.size() != 0) err.middleCols(at, bw) = e;
        at += bw;
    });
    Z = std::move(out);
    E = std::move(err);
}

/// |C| (E + gamma |Z|)^T + gamma |b| with gamma = gamma(n_features + 2): the error bound of the
/// scores Z C^T + b.
template <class = void>
Eigen::MatrixXd linear_bound(const RowMatrix& coef, const Eigen::VectorXd& intercept,
                             const Eigen::MatrixXd& Z, const Eigen::MatrixXd& E) {
    // Plain loops rather than an Eigen matrix product: the reference rows are few, and the product
    // would compile Eigen's whole general matrix-product kernel into every program that loads.
    const double g = rounding_gamma(coef.cols() + 2);
    Eigen::MatrixXd bound(Z.rows(), coef.rows());
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        for (Eigen::Index k = 0; k < coef.rows(); ++k) {
            double sum = 0;
            for (Eigen::Index j = 0; j < coef.cols(); ++j) {
                double a = g * std::abs(Z(i, j));
                if (E.size() != 0) a += E(i, j);
                sum += a * std::abs(coef(k, j));
            }
            bound(i, k) = sum + g * std::abs(intercept(k));
        }
    }
    return bound;
}

template <class = void>
Evaluation evaluate_part(const LinearRegression& m, const Eigen::MatrixXd& Z,
                         const Eigen::MatrixXd& E) {
    return {m.predict_targets(Z), linear_bound(m.coef, m.intercept, Z, E)};
}

/// Probabilities move by at most half the largest score error (the softmax's Jacobian has rows of
/// absolute sum 2 p (1 - p) <= 1/2; the sigmoid's slope is <= 1/4); exp, the sum of n_classes
/// terms and the division add a few ulps of a value <= 1.
template <class = void>
Evaluation evaluate_part(const LogisticRegression& m, const Eigen::MatrixXd& Z,
                         const Eigen::MatrixXd& E) {
    Evaluation r{m.predict_proba(Z), Eigen::MatrixXd()};
    const Eigen::MatrixXd scores = linear_bound(m.coef, m.intercept, Z, E);
    const double ulps = 4.0 * static_cast<double>(m.n_classes() + 4) * unit_roundoff;
    r.err.resize(r.out.rows(), r.out.cols());
    for (Eigen::Index i = 0; i < r.out.rows(); ++i)
        r.err.row(i).setConstant(scores.row(i).maxCoeff() + ulps);
    return r;
}

/// A tree's outputs for Z: probabilities for a classifier, else the targets.
template <class Tree>
void tree_outputs(const Tree& m, const Eigen::MatrixXd& Z, Evaluation& r) {
    if (m.is_classifier()) {
        r.out = m.predict_proba(Z);
    } else {
        r.out = m.predict(Z);
    }
}

/// Whether row i of Z, on its walk down the tree whose nodes start at `first` (0 for a
/// DecisionTree, tree_offsets(t) for a TreeEnsemble's tree t), passes a threshold closer than
/// twice its input's error bound E(i, f), plus a float32 ulp of the threshold when the tree
/// compares in float32 (an input moves to the other side only that much closer): on another build
/// such a row may reach another leaf. A missing value stays missing: only numbers can cross.
template <class Tree>
bool walks_near_threshold(const Tree& m, Eigen::Index first, const Eigen::MatrixXd& Z,
                          const Eigen::MatrixXd& E, Eigen::Index i) {
    const bool f32 = m.compare != TreeCompare::double_le;
    std::int32_t node = 0;
    while (m.children_left(first + node) != Tree::leaf) {
        const Eigen::Index g = first + node;
        const std::int32_t f = m.feature(g);
        const double z = Z(i, f), t = m.threshold(g);
        const double slack = f32 ? std::abs(t) * 0x1p-23 + 0x1p-149 : 0.0;
        if (!std::isnan(z) && std::abs(z - t) <= 2 * E(i, f) + slack) return true;
        const bool missing_left = m.default_left.size() != 0 && m.default_left(g) != 0;
        node = detail::goes_left(z, t, m.compare, missing_left) ? m.children_left(g)
                                                                : m.children_right(g);
    }
    return false;
}

/// A tree copies a leaf's stored values, so its outputs are exact; but when its inputs carry a
/// rounding error (after a pipeline's transforms), a row whose walk passes a threshold closer
/// than twice that error may reach another leaf on another build: its bound is infinite.
template <class = void>
Evaluation evaluate_part(const DecisionTree& m, const Eigen::MatrixXd& Z,
                         const Eigen::MatrixXd& E) {
    Evaluation r;
    tree_outputs(m, Z, r);
    r.err = Eigen::MatrixXd::Zero(r.out.rows(), r.out.cols());
    if (E.size() == 0) return r;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        if (walks_near_threshold(m, 0, Z, E, i))
            r.err.row(i).setConstant(std::numeric_limits<double>::infinity());
    }
    return r;
}

/// An ensemble adds its leaves in a fixed order with no multiplication, so its scores are the same
/// on every IEEE build; the link's exp, the softmax's sum and division add a few ulps of a value
/// <= 1. When its inputs carry a rounding error (after a pipeline's transforms), a row that passes
/// a threshold closer than twice that error (plus a float32 ulp of the threshold when the ensemble
/// compares in float32) may reach another leaf on another build: its bound is infinite.
template <class = void>
Evaluation evaluate_part(const TreeEnsemble& m, const Eigen::MatrixXd& Z,
                         const Eigen::MatrixXd& E) {
    Evaluation r;
    tree_outputs(m, Z, r);
    const double ulps = m.link == TreeEnsemble::Link::identity
                            ? 0.0
                            : 4.0 * static_cast<double>(m.n_classes() + 4) * unit_roundoff;
    r.err = Eigen::MatrixXd::Constant(r.out.rows(), r.out.cols(), ulps);
    if (E.size() == 0) return r;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        bool near = false;
        for (Eigen::Index t = 0; t < m.n_trees() && !near; ++t)
            near = walks_near_threshold(m, m.tree_offsets(t), Z, E, i);
        if (near) r.err.row(i).setConstant(std::numeric_limits<double>::infinity());
    }
    return r;
}

template <class Scaler>
Evaluation evaluate_scaler(const Scaler& m, const Eigen::MatrixXd& X) {
    Evaluation r{X, Eigen::MatrixXd()};
    step_with_bound(m, r.out, r.err);
    return r;
}

/// The outputs a reference check compares, with their error bounds: predict_proba for
/// classifiers, the targets for regressors, transform for scalers. Pipelines run in blocks of
/// rows, so intermediate values take memory proportional to one block.
template <class = void>
Evaluation evaluate(const StandardScaler& m, const Eigen::MatrixXd& X) {
    return evaluate_scaler(m, X);
}
template <class = void>
Evaluation evaluate(const MinMaxScaler& m, const Eigen::MatrixXd& X) {
    return evaluate_scaler(m, X);
}
template <class = void>
Evaluation evaluate(const MaxAbsScaler& m, const Eigen::MatrixXd& X) {
    return evaluate_scaler(m, X);
}
template <class = void>
Evaluation evaluate(const RobustScaler& m, const Eigen::MatrixXd& X) {
    return evaluate_scaler(m, X);
}
template <class = void>
Evaluation evaluate(const ColumnTransformer& m, const Eigen::MatrixXd& X) {
    return evaluate_scaler(m, X);
}
/// An imputer copies or replaces each value: its outputs are exact.
template <class = void>
Evaluation evaluate(const SimpleImputer& m, const Eigen::MatrixXd& X) {
    Evaluation r{m.transform(X), Eigen::MatrixXd()};
    r.err = Eigen::MatrixXd::Zero(r.out.rows(), r.out.cols());
    return r;
}
/// A one-hot encoder's outputs are 0 or 1, exact on every build.
template <class = void>
Evaluation evaluate(const OneHotEncoder& m, const Eigen::MatrixXd& X) {
    Evaluation r{m.transform(X), Eigen::MatrixXd()};
    r.err = Eigen::MatrixXd::Zero(r.out.rows(), r.out.cols());
    return r;
}
template <class = void>
Evaluation evaluate(const LinearRegression& m, const Eigen::MatrixXd& X) {
    return evaluate_part(m, X, Eigen::MatrixXd());
}
template <class = void>
Evaluation evaluate(const LogisticRegression& m, const Eigen::MatrixXd& X) {
    return evaluate_part(m, X, Eigen::MatrixXd());
}
template <class = void>
Evaluation evaluate(const DecisionTree& m, const Eigen::MatrixXd& X) {
    return evaluate_part(m, X, Eigen::MatrixXd());
}
template <class = void>
Evaluation evaluate(const TreeEnsemble& m, const Eigen::MatrixXd& X) {
    return evaluate_part(m, X, Eigen::MatrixXd());
}
/// Rows per block of a pipeline's reference check: the pipeline's own rule
/// (Pipeline::block_rows_for) for a block that holds each value of the widest step's output with
/// its error bound, so a block's values are at most Pipeline::block_values / 2 = 2^15 (one row
/// when a row is wider) and at most Pipeline::block_rows rows. A step can make rows far wider
/// than the stored inputs (a one-hot encoder's categories, a ColumnTransformer's repeated
/// columns): with 256 such rows, the work budget's fixed allowance let a file of a few hundred
/// KiB take some 100 MiB here. A width is at most the parameter values that make it, so each
/// buffer is at most max(2^15, E) values (docs/threat-model.md). Rows are computed
/// independently: the results do not depend on the block.
template <class = void>
Eigen::Index reference_block_rows(const Pipeline& m) {
    const Eigen::Index widest = detail::chain_max_width(m.steps, m.n_features());
    return Pipeline::block_rows_for(2 * std::max<Eigen::Index>(1, widest));
}

template <class = void>
Evaluation evaluate(const Pipeline& m, const Eigen::MatrixXd& X) {
    Evaluation r;
    r.out.resize(X.rows(), reference_width(m));
    r.err.resize(X.rows(), reference_width(m));
    const Eigen::Index block = reference_block_rows(m);
    for (Eigen::Index first = 0; first < X.rows(); first += block) {
        const Eigen::Index n = std::min(block, X.rows() - first);
        Eigen::MatrixXd Z = X.middleRows(first, n), E;
        for (const auto& s : m.steps)
            std::visit([&](const auto& t) { step_with_bound(t, Z, E); }, s);
        const Evaluation b =
            std::visit([&](const auto& e) { return evaluate_part(e, Z, E); }, m.estimator);
        r.out.middleRows(first, n) = b.out;
        r.err.middleRows(first, n) = b.err;
    }
    return r;
}

/// The outputs stored as reference predictions (see evaluate).
template <class Model>
RowMatrix reference_outputs(const Model& m, const Eigen::MatrixXd& X) {
    return evaluate(m, X).out;
}

/// check_reference_work's error: one function for every kind.
[[noreturn]] BRINE_COLD inline void reference_work_error(Eigen::Index rows, std::uint64_t work,
                                                         std::uint64_t per_row,
                                                         std::uint64_t budget, const LoadOptions& o,
                                                         std::uint64_t values, bool saving) {
    const std::string what = std::to_string(rows) + " reference rows cost " + std::to_string(work) +
                             " operations to check (" + std::to_string(per_row) +
                             " per row), over the budget of " + std::to_string(budget) +
                             " (reference_work_base " + std::to_string(o.reference_work_base) +
                             " + " + std::to_string(o.reference_work_per_element) + " x " +
                             std::to_string(values) + " parameter and reference values)";
    if (saving) {
        throw Error(Errc::invalid_argument, "reference_inputs: " + what +
                                                "; the default LoadOptions would refuse the "
                                                "file: store fewer reference rows");
    }
    throw Error(Errc::limit_exceeded,
                what +
                    "; raise LoadOptions::reference_work_per_element, or set "
                    "LoadOptions::verify_reference = false to load without the check")
        .with_limit(budget, "reference_work");
}

/// Errc::limit_exceeded (load) or Errc::invalid_argument (save) when checking `rows` reference
/// rows would take more work than the budget allows; nothing is computed before this check.
template <class Model>
void check_reference_work(const Model& m, Eigen::Index rows, std::uint64_t reference_values,
                          const LoadOptions& o, bool saving) {
    const std::uint64_t work = reference_work(m, rows);
    const std::uint64_t elems = model_elements(m);
    const std::uint64_t budget = reference_budget(
        o.reference_work_base, o.reference_work_per_element, elems, reference_values);
    if (work <= budget) return;
    reference_work_error(rows, work, reference_work(m, 1), budget, o,
                         cost_add(elems, reference_values), saving);
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
    // Never write a file that the default LoadOptions refuse.
    check_reference_work(
        m, X.rows(),
        cost_add(count(X.size()), cost_mul(count(X.rows()), count(reference_width(m)))),
        LoadOptions{}, true);
    r.inputs = X;
    r.outputs = reference_outputs(m, X);
    r.tolerance = tolerance;
    r.build = current_build();
    return r;
}

/// The reference rows a load can recompute: every row, except those holding an input the model
/// refuses at prediction (NaN or infinity for an estimator, infinity for a scaler or a tree
/// ensemble, which takes NaN as a missing value; a pipeline's rule follows).
template <class Model>
std::vector<Eigen::Index> checkable_reference_rows(const Model& m, const RowMatrix& X) {
    // A transformer without predict (a scaler) and a tree ensemble keep NaN (a missing value);
    // other estimators and pipelines refuse it, and so does an imputer with a numeric marker.
    bool scaler = !detail::has_predict<Model>::value || std::is_same_v<Model, TreeEnsemble>;
    if constexpr (std::is_same_v<Model, SimpleImputer>) scaler = m.missing_is_nan();
    (void)m;
    std::vector<Eigen::Index> rows;
    rows.reserve(static_cast<std::size_t>(X.rows()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        bool ok = true;
        for (Eigen::Index j = 0; j < X.cols() && ok; ++j) {
            const double v = X(i, j);
            ok = std::isfinite(v) || (scaler && std::isnan(v));
        }
        if (ok) rows.push_back(i);
    }
    return rows;
}

/// A pipeline: every finite row, and a row holding a NaN or an infinity when the pipeline
/// predicts it (its steps impute or encode the value before its estimator sees it), tried one row
/// at a time, so rows a C++ or Python writer stored for an imputing pipeline are checked too. Those
/// trials cost no more than the check itself, whose budget is charged before.
template <class = void>
std::vector<Eigen::Index> checkable_reference_rows(const Pipeline& m, const RowMatrix& X) {
    std::vector<Eigen::Index> rows;
    rows.reserve(static_cast<std::size_t>(X.rows()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        if (X.row(i).allFinite()) {
            rows.push_back(i);
            continue;
        }
        try {
            (void)m.predict_one(X.row(i));
        } catch (const Error& e) {
            if (e.code() != Errc::invalid_input) throw;
            continue;
        }
        rows.push_back(i);
    }
    return rows;
}

/// A one-hot encoder refuses infinities, and with handle_unknown == error the values that are none
/// of their feature's categories: those rows are not recomputed (save refuses them).
inline std::vector<Eigen::Index> checkable_reference_rows(const OneHotEncoder& m,
                                                          const RowMatrix& X) {
    std::vector<Eigen::Index> rows;
    rows.reserve(static_cast<std::size_t>(X.rows()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        bool ok = true;
        Eigen::Index offset = 0;
        for (Eigen::Index j = 0; j < X.cols() && ok; ++j) {
            const double v = X(i, j);
            const Eigen::Index k = m.n_categories(j);
            ok = !std::isinf(v) &&
                 (m.handle_unknown != HandleUnknown::error || m.find(v, offset, k) >= 0);
            offset += k;
        }
        if (ok) rows.push_back(i);
    }
    return rows;
}

/// check_reference's first step, the same for every kind: Errc::malformed unless the reference
/// block has inputs of `n_features` columns, `width` outputs per row, and a usable tolerance.
/// (A template only so that it is compiled only where a program loads.)
template <class = void>
void check_reference_block(const Reference& r, Eigen::Index n_features, Eigen::Index width) {
    if (r.inputs.cols() != n_features || r.outputs.rows() != r.inputs.rows() ||
        r.outputs.cols() != width) {
        throw Error(Errc::malformed,
                    "reference block has inputs " + std::to_string(r.inputs.rows()) + " x " +
                        std::to_string(r.inputs.cols()) + " and outputs " +
                        std::to_string(r.outputs.rows()) + " x " +
                        std::to_string(r.outputs.cols()) + "; the model needs inputs of " +
                        std::to_string(n_features) + " columns and gives " + std::to_string(width) +
                        " outputs per row");
    }
    if (!(r.tolerance >= 0) || !std::isfinite(r.tolerance)) {
        throw Error(Errc::malformed, "reference tolerance is not a finite number >= 0");
    }
}

/// The reference inputs of `rows`, in order.
template <class = void>
Eigen::MatrixXd reference_rows(const Reference& r, const std::vector<Eigen::Index>& rows) {
    Eigen::MatrixXd inputs(static_cast<Eigen::Index>(rows.size()), r.inputs.cols());
    for (std::size_t k = 0; k < rows.size(); ++k)
        inputs.row(static_cast<Eigen::Index>(k)) = r.inputs.row(rows[k]);
    return inputs;
}

/// compare_reference's error.
[[noreturn]] BRINE_COLD inline void reference_mismatch(const Reference& r, Eigen::Index i,
                                                       Eigen::Index j, double want, double have,
                                                       double rounding, double stored,
                                                       bool other_build) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "row %lld output %lld: stored %.17g, model gives %.17g, a difference of "
                  "%.3g over the tolerance %.3g (rounding bound %.3g of the model's "
                  "arithmetic",
                  static_cast<long long>(i), static_cast<long long>(j), want, have,
                  std::abs(want - have), rounding + stored, rounding);
    std::string msg = buf;
    if (other_build) {
        std::snprintf(buf, sizeof buf, " + the file's tolerance %.3g x max(1, |stored|)",
                      r.tolerance);
        msg += std::string(buf) +
               ", as it was written by another build: " + ::brine::detail::quoted(r.build);
    } else {
        msg +=
            "; the file was written by this build, so its stored tolerance does not "
            "apply";
    }
    throw Error(Errc::reference_mismatch,
                msg +
                    "); set LoadOptions::verify_reference = false to load without the "
                    "check");
}

/// check_reference's last step, the same for every kind: Errc::reference_mismatch unless `got`,
/// the model's outputs on the reference `rows`, agree with the stored ones.
template <class = void>
void compare_reference(const Reference& r, const std::vector<Eigen::Index>& rows,
                       const Evaluation& got) {
    const bool other_build = r.build != current_build();
    for (Eigen::Index k = 0; k < got.out.rows(); ++k) {
        const Eigen::Index i = rows[static_cast<std::size_t>(k)];
        for (Eigen::Index j = 0; j < got.out.cols(); ++j) {
            const double want = r.outputs(i, j), have = got.out(k, j);
            if (want == have || (std::isnan(want) && std::isnan(have))) continue;
            const double rounding = 2 * got.err(k, j);
            const double stored = other_build ? r.tolerance * std::max(1.0, std::abs(want)) : 0.0;
            if (std::abs(want - have) <= rounding + stored) continue;
            reference_mismatch(r, i, j, want, have, rounding, stored, other_build);
        }
    }
}

/// Throws Errc::reference_mismatch (or Errc::malformed for an inconsistent reference block, or
/// Errc::limit_exceeded for one whose check would cost more than the budget) unless the model
/// reproduces the stored outputs. Shapes and the budget are checked before anything is computed.
/// The steps that do not depend on the model's kind are compiled once, not once per kind.
template <class Model>
void check_reference(const Model& m, const Reference& r, const LoadOptions& o = {}) {
    if (r.inputs.rows() == 0 && r.outputs.size() == 0) return;
    check_reference_block(r, m.n_features(), reference_width(m));
    check_reference_work(m, r.inputs.rows(),
                         cost_add(count(r.inputs.size()), count(r.outputs.size())), o, false);
    // Rows the model refuses as input (NaN or infinity for an estimator, infinity for a scaler)
    // cannot be recomputed: save refuses them, but files written before inputs were checked may
    // hold them, and such a file stays loadable, checked on its other rows.
    const std::vector<Eigen::Index> rows = checkable_reference_rows(m, r.inputs);
    compare_reference(r, rows, evaluate(m, reference_rows(r, rows)));
}

}  // namespace brine::detail
