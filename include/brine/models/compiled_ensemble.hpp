// brine::CompiledEnsemble: an immutable snapshot of a TreeEnsemble with its node layout built once,
// for programs that predict many times with one model (a server's single rows, repeated batches).
// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "brine/models/tree_ensemble.hpp"

namespace brine {

/// A TreeEnsemble compiled for prediction: made once (`TreeEnsemble::compile()` or the
/// constructor), it holds its own copy of the ensemble and the layout the batch walk uses, built
/// from it after validate(). Nothing of it can change afterwards (no public fields), so the layout
/// cannot go stale, and its const functions may be called from any number of threads at once.
///
/// Every prediction gives the bits TreeEnsemble's gives for the same input — every compare mode,
/// missing values, aggregation, accumulation and link — and throws what TreeEnsemble's throws
/// (messages name TreeEnsemble), except Errc::invalid_model, which only construction throws.
/// What it saves: TreeEnsemble's batch checks every node and builds the layout (O(n_nodes)) on
/// every call of at least n_nodes / 16 rows, and walks smaller batches and single rows through the
/// node arrays with every step checked; a CompiledEnsemble does neither, so a single row costs
/// only its walks.
///
/// ```
/// const brine::CompiledEnsemble c = brine::load<brine::TreeEnsemble>("gbm.brine").compile();
/// double y = c.predict_one(row);         // no allocation in steady state
/// Eigen::VectorXd Y = c.predict(batch);  // the same bits as the ensemble's predict(batch)
/// ```
class CompiledEnsemble : public RowsForms<CompiledEnsemble> {
public:
    using PredictOptions = TreeEnsemblePredictOptions;

    /// Validates `model` (Errc::invalid_model as TreeEnsemble::validate) and compiles it.
    explicit CompiledEnsemble(TreeEnsemble model);

    /// The ensemble this snapshot was compiled from (its own copy).
    const TreeEnsemble& model() const noexcept { return model_; }

    Eigen::Index n_features() const noexcept { return model_.n_features(); }
    Eigen::Index n_trees() const noexcept { return model_.n_trees(); }
    Eigen::Index n_nodes() const noexcept { return model_.n_nodes(); }
    Eigen::Index n_scores() const noexcept { return model_.n_scores(); }
    Eigen::Index n_classes() const noexcept { return model_.n_classes(); }
    Eigen::Index n_outputs() const noexcept { return model_.n_outputs(); }
    const Eigen::VectorXd& class_labels() const noexcept { return model_.class_labels(); }
    bool is_classifier() const noexcept { return model_.is_classifier(); }

    /// As TreeEnsemble's, with and without options (threads).
    Eigen::MatrixXd decision_function(const MatrixRef& X, const PredictOptions& options = {}) const;
    Eigen::MatrixXd predict_proba(const MatrixRef& X, const PredictOptions& options = {}) const;
    Eigen::VectorXd predict(const MatrixRef& X, const PredictOptions& options = {}) const;
    IndexMatrix apply(const MatrixRef& X, const PredictOptions& options = {}) const;

    /// The Rows forms (row-major, float, views, caller buffers), as TreeEnsemble's.
    using RowsForms<CompiledEnsemble>::predict;
    using RowsForms<CompiledEnsemble>::predict_proba;
    using RowsForms<CompiledEnsemble>::decision_function;
    template <class In, detail::enable_if_rows_input<In> = 0>
    IndexMatrix apply(const In& X) const {
        return detail::apply_matrix_rows(*this, Rows(X));
    }
    void apply(const Rows& X, std::int32_t* out, Eigen::Index size) const {
        detail::apply_matrix_rows_into(*this, X, out, size, name);
    }

    /// The batch kernels (as TreeEnsemble's).
    static constexpr bool reads_any_layout = true;
    template <class M>
    void predict_into(const M& X, double* out, const PredictOptions& options = {}) const {
        run(X, TreeEnsemble::Target{TreeEnsemble::Target::predict, out, 1, 1, nullptr}, options);
    }
    template <class M>
    void predict_proba_into(const M& X, double* out, Eigen::Index row_stride,
                            Eigen::Index col_stride, const PredictOptions& options = {}) const {
        model_.require_classifier();
        run(X,
            TreeEnsemble::Target{TreeEnsemble::Target::proba, out, row_stride, col_stride, nullptr},
            options);
    }
    template <class M>
    void decision_function_into(const M& X, double* out, Eigen::Index row_stride,
                                Eigen::Index col_stride, const PredictOptions& options = {}) const {
        run(X,
            TreeEnsemble::Target{TreeEnsemble::Target::scores, out, row_stride, col_stride,
                                 nullptr},
            options);
    }
    template <class M>
    void leaves_into(const M& X, std::int32_t* out, const PredictOptions& options = {}) const {
        run(X, TreeEnsemble::Target{TreeEnsemble::Target::leaf_indices, nullptr, 0, 0, out},
            options);
    }

    /// Single rows, without heap allocation once a per-thread buffer has grown to the model's
    /// read columns. Throw as TreeEnsemble's.
    double predict_one(const RowRef& x) const;
    void decision_function_one(const RowRef& x, double* out, Eigen::Index size) const;
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const;
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void predict_proba_one(const RowRef& x, Buffer&& out) const {
        predict_proba_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void decision_function_one(const RowRef& x, Buffer&& out) const {
        decision_function_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

private:
    static constexpr const char* name = "TreeEnsemble";
    friend class RowsForms<CompiledEnsemble>;

    template <class M>
    void run(const M& X, const TreeEnsemble::Target& target, const PredictOptions& options) const {
        model_.run_batch(TreeEnsemble::input_of(X), target, options, &flat_);
    }
    void scores_one(const RowRef& x, double* out) const;
    template <class T, bool Missing, Eigen::Index Group>
    void walk_one(const T* x, double* acc) const;
    /// `depth` steps (Depth when not 0, unrolled) of Group trees in lockstep: node[k] is tree k's
    /// node, local to its first flat node at[k].
    template <class T, bool Missing, Eigen::Index Group, int Depth>
    static void steps(const detail::FlatNode<T>* nodes, const std::uint8_t* ml, const T* x,
                      const std::int32_t* at, std::int32_t* node, std::int32_t depth) {
        const std::int32_t n_steps = Depth > 0 ? Depth : depth;
        for (std::int32_t s = 0; s < n_steps; ++s) {
            for (Eigen::Index k = 0; k < Group; ++k) {
                const detail::FlatNode<T>& n = nodes[at[k] + node[k]];
                const T v = x[n.feature];
                std::int32_t left = v <= n.thr;
                if (Missing) left |= (v != v) & ml[at[k] + node[k]];
                node[k] = n.child + 1 - left;
            }
        }
    }
    /// Trees walked in lockstep by one row (16 measured no faster on 100 trees of depth 6).
    static constexpr Eigen::Index single_group = 8;

    TreeEnsemble model_;
    detail::FlatEnsemble flat_;
};

inline CompiledEnsemble TreeEnsemble::compile() const { return CompiledEnsemble(*this); }

inline CompiledEnsemble::CompiledEnsemble(TreeEnsemble model) : model_(std::move(model)) {
    model_.validate();
    if (model_.compare == TreeCompare::double_le) {
        detail::build_flat<double>(model_, flat_);
    } else {
        detail::build_flat<float>(model_, flat_);
    }
    flat_.node_depth = std::vector<std::int32_t>();  // build scratch
}

inline Eigen::MatrixXd CompiledEnsemble::decision_function(const MatrixRef& X,
                                                           const PredictOptions& options) const {
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::MatrixXd S(X.rows(), n_scores());
    decision_function_into(X, S.data(), 1, S.rows(), options);
    return S;
}

inline Eigen::MatrixXd CompiledEnsemble::predict_proba(const MatrixRef& X,
                                                       const PredictOptions& options) const {
    model_.require_classifier();
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::MatrixXd P(X.rows(), n_classes());
    predict_proba_into(X, P.data(), 1, P.rows(), options);
    return P;
}

inline Eigen::VectorXd CompiledEnsemble::predict(const MatrixRef& X,
                                                 const PredictOptions& options) const {
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::VectorXd y(X.rows());
    predict_into(X, y.data(), options);
    return y;
}

inline IndexMatrix CompiledEnsemble::apply(const MatrixRef& X,
                                           const PredictOptions& options) const {
    detail::check_columns(X.cols(), n_features(), name);
    IndexMatrix leaves(X.rows(), n_trees());
    leaves_into(X, leaves.data(), options);
    return leaves;
}

/// The walks of one row x (its read columns, rounded to T, column c at x[c * flat_group], the
/// offsets the flat nodes hold) through every tree, single_group trees at a time in lockstep, each
/// group for its deepest tree's depth in steps (a leaf steps to itself); then the group's leaves
/// are added to the scores in tree order.
template <class T, bool Missing, Eigen::Index group>
void CompiledEnsemble::walk_one(const T* x, double* acc) const {
    const detail::FlatNode<T>* nodes = detail::flat_nodes(flat_, T());
    const std::uint8_t* ml = flat_.missing_left.data();
    const Eigen::Index trees = model_.n_trees(), w = model_.value.cols();
    const std::int32_t* offsets = model_.tree_offsets.data();
    const std::int32_t* outputs = model_.tree_output.data();
    const double* values = flat_.value.data();
    const bool f32 = model_.accumulation == TreeEnsemble::Accumulation::float32;
    for (Eigen::Index t0 = 0; t0 < trees; t0 += group) {
        const Eigen::Index g = std::min(group, trees - t0);
        std::int32_t at[group];
        std::int32_t depth = 0;
        for (Eigen::Index k = 0; k < group; ++k) {
            const Eigen::Index t = t0 + (k < g ? k : 0);
            at[k] = offsets[t];
            depth = std::max(depth, flat_.depth[static_cast<std::size_t>(t)]);
        }
        std::int32_t node[group] = {};
        switch (depth) {
            case 1: steps<T, Missing, group, 1>(nodes, ml, x, at, node, 1); break;
            case 2: steps<T, Missing, group, 2>(nodes, ml, x, at, node, 2); break;
            case 3: steps<T, Missing, group, 3>(nodes, ml, x, at, node, 3); break;
            case 4: steps<T, Missing, group, 4>(nodes, ml, x, at, node, 4); break;
            case 5: steps<T, Missing, group, 5>(nodes, ml, x, at, node, 5); break;
            case 6: steps<T, Missing, group, 6>(nodes, ml, x, at, node, 6); break;
            case 7: steps<T, Missing, group, 7>(nodes, ml, x, at, node, 7); break;
            case 8: steps<T, Missing, group, 8>(nodes, ml, x, at, node, 8); break;
            default: steps<T, Missing, group, 0>(nodes, ml, x, at, node, depth); break;
        }
        if (w == 1) {  // boosting: one value per leaf
            for (Eigen::Index k = 0; k < g; ++k) {
                const double v = values[at[k] + node[k]];
                double& a = acc[outputs[t0 + k]];
                a = f32 ? static_cast<double>(static_cast<float>(a) + static_cast<float>(v))
                        : a + v;
            }
        } else if (!flat_.value.empty()) {
            for (Eigen::Index k = 0; k < g; ++k)
                model_.add_values(t0 + k, values + (at[k] + node[k]) * w, acc);
        } else {  // wide leaves: read from the model's rows
            for (Eigen::Index k = 0; k < g; ++k)
                model_.add_leaf(t0 + k, flat_.leaf[static_cast<std::size_t>(at[k] + node[k])], acc);
        }
    }
}

/// Scores of one row into out[0 .. n_scores): its read columns are checked (an infinity refused,
/// as TreeEnsemble refuses it, the lowest such column first) and rounded once into a per-thread
/// buffer.
inline void CompiledEnsemble::scores_one(const RowRef& x, double* out) const {
    detail::check_columns(x.size(), n_features(), name);
    const std::vector<std::int32_t>& columns = flat_.columns;
    const auto nc = static_cast<Eigen::Index>(columns.size());
    constexpr Eigen::Index stride = detail::flat_group;
    std::uint64_t missing = 0;
    const auto check = [&](double v, std::int32_t j) {
        const std::uint64_t bits = detail::bits_of(v) & ~(std::uint64_t{1} << 63);
        if (bits == detail::exponent_mask) detail::refuse_input(name, -1, j, v, true);
        missing |= static_cast<std::uint64_t>(bits > detail::exponent_mask);
    };
    model_.start_scores(out);
    if (model_.compare == TreeCompare::double_le) {
        thread_local std::vector<double> row;
        if (row.size() < static_cast<std::size_t>(nc * stride))
            row.resize(static_cast<std::size_t>(nc * stride));
        for (Eigen::Index c = 0; c < nc; ++c) {
            const std::int32_t j = columns[static_cast<std::size_t>(c)];
            const double v = x(j);
            check(v, j);
            row[static_cast<std::size_t>(c * stride)] = v;
        }
        if (missing) {
            walk_one<double, true, single_group>(row.data(), out);
        } else {
            walk_one<double, false, single_group>(row.data(), out);
        }
    } else {
        thread_local std::vector<float> row;
        if (row.size() < static_cast<std::size_t>(nc * stride))
            row.resize(static_cast<std::size_t>(nc * stride));
        for (Eigen::Index c = 0; c < nc; ++c) {
            const std::int32_t j = columns[static_cast<std::size_t>(c)];
            const double v = x(j);
            check(v, j);
            row[static_cast<std::size_t>(c * stride)] = static_cast<float>(v);
        }
        if (missing) {
            walk_one<float, true, single_group>(row.data(), out);
        } else {
            walk_one<float, false, single_group>(row.data(), out);
        }
    }
    model_.finish_scores(out);
}

inline double CompiledEnsemble::predict_one(const RowRef& x) const {
    constexpr Eigen::Index stack_scores = 64;
    double local[stack_scores];
    std::vector<double> heap;
    double* s = local;
    if (n_scores() > stack_scores) {
        heap.resize(static_cast<std::size_t>(n_scores()));
        s = heap.data();
    }
    scores_one(x, s);
    return model_.output_of_scores(s);
}

inline void CompiledEnsemble::decision_function_one(const RowRef& x, double* out,
                                                    Eigen::Index size) const {
    detail::check_output_size(size, n_scores(), name, "decision_function_one");
    scores_one(x, out);
}

inline void CompiledEnsemble::predict_proba_one(const RowRef& x, double* out,
                                                Eigen::Index size) const {
    model_.require_classifier();
    detail::check_output_size(size, n_classes(), name, "predict_proba_one");
    if (model_.link == TreeEnsemble::Link::logistic) {
        double s = 0.0;
        scores_one(x, &s);
        model_.proba_of_scores(&s, out);
        return;
    }
    scores_one(x, out);
    model_.proba_of_scores(out, out);
}

}  // namespace brine
