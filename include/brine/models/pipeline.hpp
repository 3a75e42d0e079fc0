// brine::Pipeline: preprocessing steps followed by one estimator, each from a closed set of kinds.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <variant>
#include <vector>

#include "brine/models/column_transformer.hpp"
#include "brine/models/decision_tree.hpp"
#include "brine/models/linear_regression.hpp"
#include "brine/models/logistic_regression.hpp"
#include "brine/models/tree_ensemble.hpp"

namespace brine {

/// The final step of a pipeline.
using Estimator = std::variant<LinearRegression, LogisticRegression, DecisionTree, TreeEnsemble>;

/// Zero or more transforms, then one estimator (scikit-learn's Pipeline with those steps). A step
/// may change the width (a ColumnTransformer): each step's n_features_out() is the next step's
/// n_features() (validate() checks it), and batches run in blocks of rows through two buffers of
/// one block each, never through a copy of X per step.
///
/// Non-finite inputs: the transforms keep NaN and the estimators refuse it, so, as in
/// scikit-learn 1.2, predict and predict_proba refuse a row holding a NaN or an infinity
/// (Errc::invalid_input, naming the pipeline's input row and column); transform refuses only
/// infinities. An estimator that takes NaN as a missing value (a TreeEnsemble, a DecisionTree with
/// default_left) receives it: then only infinities are refused. That is for steps that are all
/// scalers; with other steps (a ColumnTransformer), each step takes and refuses what its own
/// transform does (a passthrough column keeps a NaN or an infinity for the next part to refuse),
/// and a refusal names the step, the caller's row and the column of that step's input. Every part
/// checks its own shape on every call, so no change to the public fields makes a prediction read
/// or write out of bounds.
///
/// ```
/// brine::Pipeline pipe({scaler}, logistic);
/// Eigen::MatrixXd p = pipe.predict_proba(X);
/// ```
struct Pipeline : RowsForms<Pipeline> {
    /// The batch forms read every layout and float input in place: the first step reads each
    /// block of rows where the caller holds it (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    std::vector<Transform> steps;
    Estimator estimator;

    Pipeline() = default;
    template <class = void>
    Pipeline(std::vector<Transform> steps_, Estimator estimator_);

    /// Number of input features: the first step's, or the estimator's when there are no steps.
    template <class = void>
    Eigen::Index n_features() const;

    /// Values per sample of the estimator's output (see its n_outputs).
    template <class = void>
    Eigen::Index n_outputs() const;

    /// The class labels of a classifying estimator, in the order of predict_proba's columns;
    /// empty otherwise.
    template <class = void>
    const Eigen::VectorXd& class_labels() const noexcept;

    bool is_classifier() const {
        if (std::holds_alternative<LogisticRegression>(estimator)) return true;
        if (const auto* t = std::get_if<DecisionTree>(&estimator)) return t->is_classifier();
        if (const auto* e = std::get_if<TreeEnsemble>(&estimator)) return e->is_classifier();
        return false;
    }

    /// Validates every step and the estimator, and that each step's output width is the next
    /// step's input width. Throws Error(Errc::invalid_model) naming the step.
    template <class = void>
    void validate() const;

    /// Number of classes of a classifying estimator (the width of predict_proba), else 0.
    Eigen::Index n_classes() const noexcept {
        if (const auto* l = std::get_if<LogisticRegression>(&estimator)) return l->n_classes();
        if (const auto* t = std::get_if<DecisionTree>(&estimator))
            return t->is_classifier() ? t->n_classes() : 0;
        if (const auto* e = std::get_if<TreeEnsemble>(&estimator))
            return e->is_classifier() ? e->n_classes() : 0;
        return 0;
    }

    /// Output width of transform: the last step's n_features_out (n_features without steps).
    template <class = void>
    Eigen::Index n_features_out() const;

    /// Runs the transforms only (a copy of X when there are none), in blocks of rows.
    /// Throws Errc::shape_mismatch unless X has n_features columns, Errc::invalid_input for an
    /// input a step refuses (an infinity; see each step).
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const;

    /// Predictions (values or class labels) for every row of X.
    /// Throws Errc::shape_mismatch unless X has n_features columns, Errc::invalid_input if a row
    /// holds a NaN or an infinity.
    template <class = void>
    Eigen::VectorXd predict(const MatrixRef& X) const;

    /// Class probabilities; the estimator must be a classifier (else Errc::invalid_argument).
    /// Throws as predict.
    template <class = void>
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const;

    /// Rows per block in predict and predict_proba: the transformed block (block x n_features
    /// doubles) stays in cache and is the only intermediate, instead of a transformed copy of X.
    static constexpr Eigen::Index block_rows = 256;

    /// At most this many values per intermediate block: a pipeline whose steps widen the rows (an
    /// encoder of many categories) runs fewer rows per block, so its buffers stay bounded by this
    /// (times two halves) instead of growing with block_rows x width.
    static constexpr Eigen::Index block_values = Eigen::Index{1} << 16;

    /// Rows per block for a chain whose widest step has `widest` columns: block_rows, or fewer
    /// so that a block holds at most block_values values (at least one row).
    static Eigen::Index block_rows_for(Eigen::Index widest) {
        return std::clamp<Eigen::Index>(block_values / std::max<Eigen::Index>(widest, 1), 1,
                                        block_rows);
    }

    /// predict and predict_proba for a row-major or float batch, or any Rows view, read in place
    /// (see brine::Rows), and into caller buffers (RowsForms; the probability buffer is row-major,
    /// sample i's values together): each block of rows goes through the transforms into a
    /// per-thread buffer, and every form gives the same bits as the column-major double form of
    /// the same values (a float is converted to double exactly). No heap allocation in steady
    /// state (per-thread buffers of block_rows x n_features grow once). Throw as predict, and
    /// Errc::shape_mismatch for a buffer smaller than the result (nothing is written then).
    using RowsForms<Pipeline>::predict;
    using RowsForms<Pipeline>::predict_proba;

    /// transform for a row-major or float batch, or any Rows view, read in place, and into a
    /// row-major buffer of the caller's (`transform(rows, out, size)`, `transform(rows, buffer)`;
    /// sample i's n_features_out() values together) (RowsForms): each block of rows goes through
    /// the steps in per-thread buffers, with the same bits as the column-major double form of the
    /// same values and no heap allocation in steady state for the buffer forms. Throw as
    /// transform, and Errc::shape_mismatch for a buffer smaller than the result (nothing is
    /// written then).
    using RowsForms<Pipeline>::transform;

    /// The batch kernels behind the Rows forms (the same contract as each estimator's). X is any
    /// Eigen matrix of double or float with direct access, read in place.
    template <class M>
    void predict_into(const M& X, double* out) const {
        detail::check_columns(X.cols(), n_features(), "Pipeline");
        if (steps.empty()) {
            std::visit(
                [&](const auto& e) {
                    estimator_blocks(e, X, [&](const auto& B, Eigen::Index first) {
                        e.predict_into(B, out + first);
                    });
                },
                estimator);
            return;
        }
        for_each_block_into(detail::in_block(X), [&](const detail::ColMap& Z, Eigen::Index first) {
            std::visit([&](const auto& e) { e.predict_into(Z, out + first); }, estimator);
        });
    }
    template <class M>
    void predict_proba_into(const M& X, double* out, Eigen::Index row_stride,
                            Eigen::Index col_stride) const {
        require_classifier_estimator();
        detail::check_columns(X.cols(), n_features(), "Pipeline");
        if (steps.empty()) {
            std::visit(
                [&](const auto& e) {
                    estimator_blocks(e, X, [&](const auto& B, Eigen::Index first) {
                        proba_into_of(e, B, out + first * row_stride, row_stride, col_stride);
                    });
                },
                estimator);
            return;
        }
        for_each_block_into(detail::in_block(X), [&](const detail::ColMap& Z, Eigen::Index first) {
            std::visit(
                [&](const auto& e) {
                    proba_into_of(e, Z, out + first * row_stride, row_stride, col_stride);
                },
                estimator);
        });
    }

    /// The kernel behind transform's Rows forms: X's rows (any Eigen matrix of double or float
    /// with direct access, read in place) through every step, into `out` (X.rows() x
    /// n_features_out()). Throws as transform, and Errc::shape_mismatch unless `out` has that
    /// shape.
    template <class M>
    void transform_into(const M& X, Eigen::Ref<Eigen::MatrixXd> out) const {
        detail::check_columns(X.cols(), n_features(), "Pipeline");
        if (out.rows() != X.rows() || out.cols() != n_features_out()) {
            throw Error(Errc::shape_mismatch,
                        "Pipeline::transform_into writes " + std::to_string(X.rows()) + " x " +
                            std::to_string(n_features_out()) + " values, the output is " +
                            std::to_string(out.rows()) + " x " + std::to_string(out.cols()));
        }
        const auto in = detail::in_block(X);
        if (steps.empty()) {
            detail::visit_layout(in, [&](const auto& V) { out = V.template cast<double>(); });
            return;
        }
        const Eigen::Index step_rows = rows_per_block();
        for (Eigen::Index first = 0; first < X.rows(); first += step_rows) {
            const Eigen::Index n = std::min(step_rows, X.rows() - first);
            const detail::InputRowBase base(first);
            out.middleRows(first, n) = run_block(detail::in_block_rows(in, first, n), true);
        }
    }

    /// Prediction for one sample. Intermediate values live in a stack buffer, or for more than
    /// `stack_width` features in a per-thread buffer that grows once, so steady-state calls do
    /// not allocate. Throws as predict.
    template <class = void>
    double predict_one(const RowRef& x) const;

    /// Class probabilities of one sample into out[0 .. n_classes()), without heap allocation in
    /// steady state (see predict_one). Throws Errc::invalid_argument unless the estimator is a
    /// classifier, Errc::shape_mismatch unless x has n_features entries and `size` >= n_classes()
    /// (nothing is written then), Errc::invalid_input as predict_one.
    template <class = void>
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const;

    /// Class probabilities of one sample into a contiguous buffer (std::vector<double>,
    /// std::array<double, N>, Eigen vector) of at least n_classes() entries; throws as above.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void predict_proba_one(const RowRef& x, Buffer&& out) const {
        predict_proba_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Unsized form: writes n_classes() values to `out` whatever its size.
    template <class = void>
    [[deprecated("pass the buffer's size: predict_proba_one(x, out, size) or a sized buffer")]] void
    predict_proba_one(const RowRef& x, double* out) const {
        predict_proba_one(x, out, n_classes());
    }

    /// Widths up to this many features run predict_one without touching the heap at all.
    static constexpr Eigen::Index stack_width = 256;

    template <class P = Pipeline>
    friend bool operator==(const Pipeline& a, const Pipeline& b) {
        const P& a_ = a;  // dependent: not compiled until used
        return a_.steps == b.steps && a_.estimator == b.estimator;
    }
    template <class = void>
    friend bool operator!=(const Pipeline& a, const Pipeline& b) {
        return !(a == b);
    }

private:
    static constexpr const char* name = "Pipeline";
    friend class RowsForms<Pipeline>;

    template <class Part>
    static void validate_part(const Part& p, const std::string& where) {
        try {
            p.validate();
        } catch (const Error& e) {
            throw Error(Errc::invalid_model, "Pipeline " + where + ": " + strip(e.what()));
        }
    }

    static std::string strip(const std::string& what) {
        const std::string prefix = std::string("brine: ") + errc_name(Errc::invalid_model) + ": ";
        return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
    }

    static void check_width(Eigen::Index previous, Eigen::Index next, const std::string& where) {
        if (previous >= 0 && previous != next) {
            detail::invalid_model("Pipeline", where + " expects " + std::to_string(next) +
                                                  " features but the step before it produces " +
                                                  std::to_string(previous));
        }
    }

    static double* scratch(Eigen::Index n) {
        thread_local std::vector<double> buf;
        if (buf.size() < static_cast<std::size_t>(n)) buf.resize(static_cast<std::size_t>(n));
        return buf.data();
    }

    /// The widest of the input and every step's output.
    template <class = void>
    Eigen::Index max_width() const {
        return detail::chain_max_width(steps, n_features());
    }

    /// Rows per block of this pipeline's batch paths (see block_rows_for).
    template <class = void>
    Eigen::Index rows_per_block() const {
        return block_rows_for(max_width());
    }

    /// Runs the transforms on one sample; returns a view of the result, which lives in `local`
    /// (2 stack_width entries) or in the per-thread scratch buffer: two halves, each step writing
    /// into the one it does not read (validate() checks the widths chain; each transform_one
    /// checks its input and output sizes again).
    template <class = void>
    Eigen::Map<const Eigen::RowVectorXd> run_steps(const RowRef& x, double* local) const {
        const Eigen::Index half = max_width();
        double* buf = half <= stack_width ? local : scratch(2 * half);
        double* halves[2] = {buf, buf + half};
        Eigen::Index w = x.size();
        for (std::size_t i = 0; i < steps.size(); ++i) {
            std::visit(
                [&](const auto& t) {
                    if (i == 0) {
                        t.transform_one(x, halves[0], half);
                    } else {
                        t.transform_one(
                            Eigen::Map<const Eigen::RowVectorXd>(halves[(i - 1) % 2], w),
                            halves[i % 2], half);
                    }
                    w = t.n_features_out();
                },
                steps[i]);
        }
        return Eigen::Map<const Eigen::RowVectorXd>(halves[(steps.size() - 1) % 2], w);
    }

    /// Whether every step is a scaler: one whose output is non-finite exactly where its input is
    /// (so the estimator's check of the output stands for the steps' checks of their inputs).
    template <class = void>
    bool only_scalers() const noexcept {
        for (const auto& s : steps) {
            if (!std::visit([](const auto& t) { return is_scaler<std::decay_t<decltype(t)>>; }, s))
                return false;
        }
        return true;
    }

    template <class T>
    static constexpr bool is_scaler =
        std::is_same_v<T, StandardScaler> || std::is_same_v<T, MinMaxScaler> ||
        std::is_same_v<T, MaxAbsScaler> || std::is_same_v<T, RobustScaler>;

    /// One step on a block of rows; a scaler without `refuse_infinity` lets infinities through as
    /// NaN, every other step always takes and refuses what its transform does.
    template <class = void>
    static Eigen::MatrixXd step_rows(const Transform& step, const MatrixRef& X,
                                     bool refuse_infinity) {
        return std::visit(
            [&](const auto& t) -> Eigen::MatrixXd {
                using T = std::decay_t<decltype(t)>;
                if constexpr (is_scaler<T>)
                    return t.transform_rows(X, refuse_infinity);
                else
                    return t.transform(X);
            },
            step);
    }

    /// The transforms applied to a block of X's rows (at least one step), through one block-sized
    /// temporary per step; with `refuse_infinity`, each refuses an infinite input as its transform
    /// does, else a scaler lets infinities through as NaN does.
    template <class = void>
    Eigen::MatrixXd transform_rows(const MatrixRef& X, bool refuse_infinity) const {
        Eigen::MatrixXd Z = step_rows(steps.front(), X, refuse_infinity);
        for (std::size_t i = 1; i < steps.size(); ++i) Z = step_rows(steps[i], Z, refuse_infinity);
        return Z;
    }

    /// Calls f(transformed rows, index of their first row) for consecutive blocks of X's rows.
    /// Each row is transformed on its own, so the result is the same as for the whole of X.
    ///
    /// The input check is the estimator's alone: the transforms keep NaN and infinities here, and
    /// a NaN or an infinity entering a scaler leaves it as a NaN or an infinity whatever the
    /// parameters (x - m, x * s and x / s of a non-finite x are never finite), which the estimator
    /// refuses. Checking each block's infinities in every transform as well cost a tenth of the
    /// throughput. A refusal (Errc::invalid_input) saw rows numbered within the block; it is
    /// reported again in the pipeline's terms, naming the first NaN or infinity of X in the block.
    /// A block without one had a finite input made infinite by a transform (an overflow): its
    /// transforms are run again with their checks, so the refusal is the one a checked run makes.
    ///
    /// A pipeline with a step that is not a scaler (a ColumnTransformer, whose passthrough columns
    /// keep infinities and whose steps may turn a NaN into a number) runs every step with its
    /// checks, and a refusal names the caller's row (through detail::InputRowBase) and the step's
    /// column.
    template <class F>
    void for_each_block(const MatrixRef& X, F&& f) const {
        const bool scalers = only_scalers();
        const Eigen::Index step_rows = rows_per_block();
        for (Eigen::Index first = 0; first < X.rows(); first += step_rows) {
            const Eigen::Index n = std::min(step_rows, X.rows() - first);
            if (!scalers) {
                const detail::InputRowBase base(first);
                f(transform_rows(X.middleRows(first, n), true), first);
                continue;
            }
            try {
                f(transform_rows(X.middleRows(first, n), false), first);
            } catch (const Error& e) {
                if (e.code() != Errc::invalid_input) throw;
                detail::check_rows(X, first, n, "Pipeline", estimator_takes_missing());
                transform_rows(X.middleRows(first, n), true);
                throw;
            }
        }
    }

    /// As for_each_block, without allocating: f(Z, first) gets each block of X's rows through the
    /// transforms (run_block), in per-thread buffers. X is read in place, in any layout, double
    /// or float: the first step reads each block where it is, and every step computes on each
    /// value what it computes on the column-major double form of the same values.
    ///
    /// Steps that are all scalers before an estimator that refuses NaN and infinities run without
    /// their own infinity checks, as for_each_block does (the estimator's check stands for
    /// theirs); a refusal then names the caller's first NaN or infinity of the block, as there.
    template <class T, class F>
    void for_each_block_into(const detail::InBlock<T>& X, F&& f) const {
        const bool scalers = only_scalers();
        const bool refuse_infinity = !scalers || estimator_takes_missing();
        const Eigen::Index step_rows = rows_per_block();
        for (Eigen::Index first = 0; first < X.rows(); first += step_rows) {
            const Eigen::Index n = std::min(step_rows, X.rows() - first);
            const detail::InputRowBase base(scalers ? 0 : first);
            try {
                f(run_block(detail::in_block_rows(X, first, n), refuse_infinity), first);
            } catch (const Error& e) {
                if (e.code() != Errc::invalid_input || !scalers) throw;
                detail::check_rows(X, first, n, "Pipeline", estimator_takes_missing());
                throw;
            }
        }
    }

    /// The steps (at least one) on a block of at most block_rows rows: each writes into the half
    /// of the per-thread buffers it does not read, the first reading `in` in place. Returns the
    /// last step's output, valid until the next call on this thread.
    template <class T>
    detail::ColMap run_block(const detail::InBlock<T>& in, bool refuse_infinity) const {
        const Eigen::Index n = in.rows();
        const Eigen::Index widest = max_width();
        const Eigen::Index cap = block_rows_for(widest) * widest;
        double* halves[2] = {detail::scratch_doubles<detail::pipeline_slot_a>(cap),
                             detail::scratch_doubles<detail::pipeline_slot_b>(cap)};
        Eigen::Index width = step_into(steps[0], in, halves[0], n, refuse_infinity);
        for (std::size_t i = 1; i < steps.size(); ++i) {
            const detail::ColMap prev(halves[(i - 1) % 2], n, width, Eigen::OuterStride<>(n));
            width = step_into(steps[i], detail::in_block(prev), halves[i % 2], n, refuse_infinity);
        }
        return detail::ColMap(halves[(steps.size() - 1) % 2], n, width, Eigen::OuterStride<>(n));
    }

    /// Runs one transform on n rows into `out` (column-major, n rows); returns its width. A
    /// scaler skips its infinity check unless `refuse_infinity`; every other step always checks.
    template <class T>
    static Eigen::Index step_into(const Transform& step, const detail::InBlock<T>& in, double* out,
                                  Eigen::Index n, bool refuse_infinity) {
        return std::visit(
            [&](const auto& t) {
                using S = std::decay_t<decltype(t)>;
                const Eigen::Index w = t.n_features_out();
                Eigen::Map<Eigen::MatrixXd> o(out, n, w);
                if constexpr (is_scaler<S>)
                    t.transform_block(in, o, refuse_infinity);
                else
                    t.transform_into(in, o);
                return w;
            },
            step);
    }

    /// f(B, first) for X as the estimator E reads it: double input of any layout in place,
    /// float input converted in blocks (an estimator's kernels take doubles).
    template <class E, class M, class F>
    static void estimator_blocks(const E&, const M& X, F&& f) {
        if constexpr (std::is_same_v<typename M::Scalar, double>) {
            f(X, Eigen::Index{0});
        } else {
            detail::for_each_block_for<E>(Rows(X), f);
        }
    }

    template <class E, class M>
    static void proba_into_of(const E& e, const M& X, double* out, Eigen::Index row_stride,
                              Eigen::Index col_stride) {
        if constexpr (std::is_same_v<E, LinearRegression>) {
            throw Error(Errc::invalid_argument,
                        "predict_proba needs a classifier; this Pipeline ends in LinearRegression");
        } else {
            e.predict_proba_into(X, out, row_stride, col_stride);
        }
    }

    /// Whether the estimator takes NaN as a missing value rather than refusing it.
    bool estimator_takes_missing() const noexcept {
        if (std::holds_alternative<TreeEnsemble>(estimator)) return true;
        if (const auto* t = std::get_if<DecisionTree>(&estimator))
            return t->default_left.size() != 0;
        return false;
    }

    void require_classifier_estimator() const {
        if (std::holds_alternative<LinearRegression>(estimator)) {
            throw Error(Errc::invalid_argument,
                        "predict_proba needs a classifier; this Pipeline ends in LinearRegression");
        }
    }

    template <class E>
    static Eigen::MatrixXd proba_of(const E& e, const MatrixRef& X) {
        if constexpr (std::is_same_v<E, LinearRegression>) {
            throw Error(Errc::invalid_argument,
                        "predict_proba needs a classifier; this Pipeline ends in LinearRegression");
        } else {
            return e.predict_proba(X);
        }
    }

    /// The estimator's output for a block of a batch of `batch_rows` rows: a tree checks its node
    /// indices at most once for all the blocks of a call (`nodes_checked`), as for one batch.
    template <class E>
    static Eigen::VectorXd block_predict_of(const E& e, const MatrixRef& Z, Eigen::Index batch_rows,
                                            bool& nodes_checked) {
        if constexpr (std::is_same_v<E, DecisionTree>) {
            return e.predict_rows(Z, batch_rows, nodes_checked);
        } else {
            (void)batch_rows;
            (void)nodes_checked;
            return e.predict(Z);
        }
    }

    template <class E>
    static Eigen::MatrixXd block_proba_of(const E& e, const MatrixRef& Z, Eigen::Index batch_rows,
                                          bool& nodes_checked) {
        if constexpr (std::is_same_v<E, DecisionTree>) {
            return e.proba_rows(Z, batch_rows, nodes_checked);
        } else {
            (void)batch_rows;
            (void)nodes_checked;
            return proba_of(e, Z);
        }
    }

    template <class E>
    static void proba_one_of(const E& e, const RowRef& x, double* out, Eigen::Index size) {
        if constexpr (std::is_same_v<E, LinearRegression>) {
            throw Error(Errc::invalid_argument,
                        "predict_proba needs a classifier; this Pipeline ends in LinearRegression");
        } else {
            e.predict_proba_one(x, out, size);
        }
    }
};

// The public members that visit the steps and the estimator, defined out of the class and not
// `inline` in compiled mode, so that its `extern` declarations of them hold (BRINE_MODELS_INLINE,
// brine/models/extern.hpp).

template <class>
BRINE_MODELS_INLINE Pipeline::Pipeline(std::vector<Transform> steps_, Estimator estimator_)
    : steps(std::move(steps_)), estimator(std::move(estimator_)) {}

template <class>
BRINE_MODELS_INLINE Eigen::Index Pipeline::n_features() const {
    if (!steps.empty())
        return std::visit([](const auto& s) { return s.n_features(); }, steps.front());
    return std::visit([](const auto& e) { return e.n_features(); }, estimator);
}

template <class>
BRINE_MODELS_INLINE Eigen::Index Pipeline::n_outputs() const {
    return std::visit([](const auto& e) { return e.n_outputs(); }, estimator);
}

template <class>
BRINE_MODELS_INLINE const Eigen::VectorXd& Pipeline::class_labels() const noexcept {
    return std::visit([](const auto& e) -> const Eigen::VectorXd& { return e.class_labels(); },
                      estimator);
}

template <class>
BRINE_MODELS_INLINE void Pipeline::validate() const {
    Eigen::Index width = -1;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        std::visit([&](const auto& s) { validate_part(s, "step " + std::to_string(i)); }, steps[i]);
        check_width(width, detail::step_width_in(steps[i]), "step " + std::to_string(i));
        width = detail::step_width_out(steps[i]);
    }
    std::visit([&](const auto& e) { validate_part(e, "estimator"); }, estimator);
    check_width(width, std::visit([](const auto& e) { return e.n_features(); }, estimator),
                "estimator");
}

template <class>
BRINE_MODELS_INLINE Eigen::Index Pipeline::n_features_out() const {
    return steps.empty() ? n_features() : detail::step_width_out(steps.back());
}

template <class>
BRINE_MODELS_INLINE Eigen::MatrixXd Pipeline::transform(const MatrixRef& X) const {
    detail::check_columns(X.cols(), n_features(), "Pipeline");
    if (steps.empty()) return X;
    Eigen::MatrixXd Z(X.rows(), n_features_out());
    const Eigen::Index step_rows = rows_per_block();
    for (Eigen::Index first = 0; first < X.rows(); first += step_rows) {
        const Eigen::Index n = std::min(step_rows, X.rows() - first);
        const detail::InputRowBase base(first);
        Z.middleRows(first, n) = transform_rows(X.middleRows(first, n), true);
    }
    return Z;
}

template <class>
BRINE_MODELS_INLINE Eigen::VectorXd Pipeline::predict(const MatrixRef& X) const {
    if (steps.empty()) return std::visit([&](const auto& e) { return e.predict(X); }, estimator);
    detail::check_columns(X.cols(), n_features(), "Pipeline");
    Eigen::VectorXd y(X.rows());
    bool nodes_checked = false;  // a tree's node indices, checked at most once per call
    for_each_block(X, [&](const Eigen::MatrixXd& Z, Eigen::Index first) {
        y.segment(first, Z.rows()) = std::visit(
            [&](const auto& e) { return block_predict_of(e, Z, X.rows(), nodes_checked); },
            estimator);
    });
    return y;
}

template <class>
BRINE_MODELS_INLINE Eigen::MatrixXd Pipeline::predict_proba(const MatrixRef& X) const {
    require_classifier_estimator();
    if (steps.empty()) return std::visit([&](const auto& e) { return proba_of(e, X); }, estimator);
    detail::check_columns(X.cols(), n_features(), "Pipeline");
    Eigen::MatrixXd p(X.rows(), n_classes());
    bool nodes_checked = false;
    for_each_block(X, [&](const Eigen::MatrixXd& Z, Eigen::Index first) {
        p.middleRows(first, Z.rows()) =
            std::visit([&](const auto& e) { return block_proba_of(e, Z, X.rows(), nodes_checked); },
                       estimator);
    });
    return p;
}

template <class>
BRINE_MODELS_INLINE double Pipeline::predict_one(const RowRef& x) const {
    detail::check_columns(x.size(), n_features(), "Pipeline");
    if (steps.empty())
        return std::visit([&](const auto& e) { return e.predict_one(x); }, estimator);
    if (only_scalers()) detail::check_sample(x, "Pipeline", estimator_takes_missing());
    double local[2 * stack_width];
    const Eigen::Map<const Eigen::RowVectorXd> z = run_steps(x, local);
    return std::visit([&](const auto& e) { return e.predict_one(z); }, estimator);
}

template <class>
BRINE_MODELS_INLINE void Pipeline::predict_proba_one(const RowRef& x, double* out,
                                                     Eigen::Index size) const {
    require_classifier_estimator();
    detail::check_columns(x.size(), n_features(), "Pipeline");
    detail::check_output_size(size, n_classes(), "Pipeline", "predict_proba_one");
    if (steps.empty()) {
        std::visit([&](const auto& e) { proba_one_of(e, x, out, size); }, estimator);
        return;
    }
    if (only_scalers()) detail::check_sample(x, "Pipeline", estimator_takes_missing());
    double local[2 * stack_width];
    const Eigen::Map<const Eigen::RowVectorXd> z = run_steps(x, local);
    std::visit([&](const auto& e) { proba_one_of(e, z, out, size); }, estimator);
}

}  // namespace brine
