// brine::CompiledEnsemble: an immutable snapshot of a TreeEnsemble with its node layout built once,
// for programs that predict many times with one model (a server's single rows, repeated batches).
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
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
class CompiledEnsemble : public RowsForms<CompiledEnsemble>, public OneRowForms<CompiledEnsemble> {
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
    using OneRowForms<CompiledEnsemble>::predict_proba_one;
    using OneRowForms<CompiledEnsemble>::decision_function_one;

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
    /// Trees walked in lockstep by one row in the complete layout.
    static constexpr Eigen::Index complete_group = 8;

    /// A split node of the complete layout (see build_complete): the threshold as the flat
    /// layout's, and the feature's place among the read columns.
    template <class T>
    struct CompleteNode {
        T thr;
        std::uint32_t feature;
    };
    /// The deepest complete layout built: 2^8 - 1 split nodes per tree.
    static constexpr std::int32_t complete_depth_max = 8;
    template <class T>
    void build_complete();
    template <class T>
    void fill_complete(Eigen::Index t, std::int32_t g, std::size_t i, std::int32_t level);
    template <class T, bool Missing, int Depth>
    void walk_complete(const T* x, double* acc) const;
    template <class T, bool Missing>
    void walk_complete_any(const T* x, double* acc) const;
    template <class T>
    std::vector<CompleteNode<T>>& complete_nodes();
    template <class T>
    const CompleteNode<T>* complete_nodes_of() const;

    TreeEnsemble model_;
    detail::FlatEnsemble flat_;
    /// Single rows of a boosted ensemble (one value per leaf) whose trees are all at most
    /// complete_depth_max deep: every tree laid out as the complete tree of the ensemble's depth D
    /// (complete_depth_, 0 when there is no such layout), split nodes in heap order (the children
    /// of node i at 2i + 1 and 2i + 2), so a step is `i = 2i + 2 - left` with no child to load; a
    /// leaf above depth D becomes split nodes that send every input left (threshold +infinity,
    /// missing values left), down to copies of its value.
    std::int32_t complete_depth_ = 0;
    std::vector<CompleteNode<float>> complete_f_;
    std::vector<CompleteNode<double>> complete_d_;
    std::vector<std::uint8_t> complete_ml_;  ///< per complete split node: missing values go left
    std::vector<double> complete_value_;     ///< per tree, its 2^D leaves' values
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
    if (model_.compare == TreeCompare::double_le) {
        build_complete<double>();
    } else {
        build_complete<float>();
    }
}

template <class T>
std::vector<CompiledEnsemble::CompleteNode<T>>& CompiledEnsemble::complete_nodes() {
    if constexpr (std::is_same_v<T, float>) {
        return complete_f_;
    } else {
        return complete_d_;
    }
}

template <class T>
const CompiledEnsemble::CompleteNode<T>* CompiledEnsemble::complete_nodes_of() const {
    if constexpr (std::is_same_v<T, float>) {
        return complete_f_.data();
    } else {
        return complete_d_.data();
    }
}

/// Builds the complete layout when it applies: one value per leaf, every tree at most
/// complete_depth_max deep, and at most 4 times the ensemble's nodes in complete leaves (a few
/// deep paths in otherwise shallow trees would need far more places than nodes).
template <class T>
void CompiledEnsemble::build_complete() {
    const Eigen::Index trees = model_.n_trees();
    std::int32_t depth = 0;
    for (const std::int32_t d : flat_.depth) depth = std::max(depth, d);
    if (model_.value.cols() != 1 || flat_.value.empty() || depth < 1 ||
        depth > complete_depth_max || trees * (Eigen::Index{1} << depth) > 4 * model_.n_nodes()) {
        return;
    }
    complete_depth_ = depth;
    const auto inner = static_cast<std::size_t>((1 << depth) - 1);
    // Whole groups: the places after the last tree hold splits that send every input left.
    const auto places =
        static_cast<std::size_t>((trees + complete_group - 1) / complete_group * complete_group);
    complete_nodes<T>().assign(places * inner, {std::numeric_limits<T>::infinity(), 0});
    complete_ml_.assign(places * inner, 1);
    complete_value_.resize(static_cast<std::size_t>(trees) * (inner + 1));
    for (Eigen::Index t = 0; t < trees; ++t) fill_complete<T>(t, 0, 0, 0);
}

/// Places node g (local to tree t) at heap index i of level `level`, then its subtree.
template <class T>
void CompiledEnsemble::fill_complete(Eigen::Index t, std::int32_t g, std::size_t i,
                                     std::int32_t level) {
    const auto inner = static_cast<std::size_t>((1 << complete_depth_) - 1);
    const Eigen::Index at = model_.tree_offsets(t) + g;
    const bool leaf = model_.children_left(at) == TreeEnsemble::leaf;
    if (level == complete_depth_) {  // only leaves are this deep
        complete_value_[static_cast<std::size_t>(t) * (inner + 1) + (i - inner)] =
            model_.value(at, 0);
        return;
    }
    CompleteNode<T>& n = complete_nodes<T>()[static_cast<std::size_t>(t) * inner + i];
    std::uint8_t& ml = complete_ml_[static_cast<std::size_t>(t) * inner + i];
    if (leaf) {
        n = {std::numeric_limits<T>::infinity(), 0};
        ml = 1;
        fill_complete<T>(t, g, 2 * i + 1, level + 1);
        fill_complete<T>(t, g, 2 * i + 2, level + 1);
        return;
    }
    if constexpr (std::is_same_v<T, float>) {
        n.thr = detail::flat_threshold(model_.threshold(at), model_.compare);
    } else {
        n.thr = model_.threshold(at);
    }
    n.feature =
        static_cast<std::uint32_t>(flat_.slot[static_cast<std::size_t>(model_.feature(at))]);
    ml = model_.default_left(at) != 0 ? 1 : 0;
    fill_complete<T>(t, model_.children_left(at), 2 * i + 1, level + 1);
    fill_complete<T>(t, model_.children_right(at), 2 * i + 2, level + 1);
}

/// The complete-layout walks of one row x (its read columns, rounded to T, column c at x[c])
/// through every tree, complete_group trees at a time in lockstep, Depth steps each; the group's
/// leaves are then added to the scores in tree order.
template <class T, bool Missing, int Depth>
void CompiledEnsemble::walk_complete(const T* x, double* acc) const {
    constexpr Eigen::Index group = complete_group;
    constexpr std::size_t inner = (std::size_t{1} << Depth) - 1;
    const CompleteNode<T>* nodes = complete_nodes_of<T>();
    const std::uint8_t* ml = complete_ml_.data();
    const double* values = complete_value_.data();
    const std::int32_t* outputs = model_.tree_output.data();
    const Eigen::Index trees = model_.n_trees();
    const bool f32 = model_.accumulation == TreeEnsemble::Accumulation::float32;
    for (Eigen::Index t0 = 0; t0 < trees; t0 += group) {
        const Eigen::Index g = std::min(group, trees - t0);
        // The group's trees follow each other: tree k's node i at at[k * inner + i].
        const CompleteNode<T>* at = nodes + static_cast<std::size_t>(t0) * inner;
        const std::uint8_t* mat = ml + static_cast<std::size_t>(t0) * inner;
        std::size_t i[group] = {};
        for (int s = 0; s < Depth; ++s) {
            for (Eigen::Index k = 0; k < group; ++k) {
                const auto kk = static_cast<std::size_t>(k);
                const CompleteNode<T>& n = at[kk * inner + i[k]];
                const T v = x[n.feature];
                std::size_t left = v <= n.thr;
                if (Missing) left |= (v != v) & mat[kk * inner + i[k]];
                i[k] = 2 * i[k] + 2 - left;
            }
        }
        for (Eigen::Index k = 0; k < g; ++k) {
            const double v = values[static_cast<std::size_t>(t0 + k) * (inner + 1) + i[k] - inner];
            double& a = acc[outputs[t0 + k]];
            a = f32 ? static_cast<double>(static_cast<float>(a) + static_cast<float>(v)) : a + v;
        }
    }
}

template <class T, bool Missing>
void CompiledEnsemble::walk_complete_any(const T* x, double* acc) const {
    switch (complete_depth_) {
        case 1: return walk_complete<T, Missing, 1>(x, acc);
        case 2: return walk_complete<T, Missing, 2>(x, acc);
        case 3: return walk_complete<T, Missing, 3>(x, acc);
        case 4: return walk_complete<T, Missing, 4>(x, acc);
        case 5: return walk_complete<T, Missing, 5>(x, acc);
        case 6: return walk_complete<T, Missing, 6>(x, acc);
        case 7: return walk_complete<T, Missing, 7>(x, acc);
        default: return walk_complete<T, Missing, 8>(x, acc);
    }
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
    // The complete layout reads column c at x[c]; the flat one at x[c * flat_group].
    const Eigen::Index stride = complete_depth_ > 0 ? 1 : detail::flat_group;
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
        if (complete_depth_ > 0) {
            if (missing) {
                walk_complete_any<double, true>(row.data(), out);
            } else {
                walk_complete_any<double, false>(row.data(), out);
            }
        } else if (missing) {
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
        if (complete_depth_ > 0) {
            if (missing) {
                walk_complete_any<float, true>(row.data(), out);
            } else {
                walk_complete_any<float, false>(row.data(), out);
            }
        } else if (missing) {
            walk_one<float, true, single_group>(row.data(), out);
        } else {
            walk_one<float, false, single_group>(row.data(), out);
        }
    }
    model_.finish_scores(out);
}

inline double CompiledEnsemble::predict_one(const RowRef& x) const {
    return model_.predict_one_from([&](double* s) { scores_one(x, s); });
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
    model_.proba_one_from([&](double* s) { scores_one(x, s); }, out);
}

}  // namespace brine
