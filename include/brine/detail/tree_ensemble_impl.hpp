// brine::TreeEnsemble's member functions: checks, walks and the batch and single-row predictions.
// SPDX-License-Identifier: MIT
#pragma once

#include "brine/models/tree_ensemble.hpp"

namespace brine {

namespace detail {

/// Throws Errc::invalid_model naming the first entry of `a` that is not a float32 value.
template <class Derived>
void require_float32(const Eigen::DenseBase<Derived>& a, const char* model, const char* field) {
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        if (!is_float32_value(a.derived().coeff(i))) {
            invalid_model(model, std::string(field) + "[" + std::to_string(i) +
                                     "] is not a float32 value, as accumulation float32 requires");
        }
    }
}

}  // namespace detail

inline void TreeEnsemble::check_shape() const {
    if (task != Task::classification && task != Task::regression)
        detail::invalid_model(name, "unknown task " + std::to_string(static_cast<int>(task)));
    if (static_cast<int>(compare) > 2)
        detail::invalid_model(name, "unknown compare " + std::to_string(static_cast<int>(compare)));
    if (static_cast<int>(aggregation) > 1) {
        detail::invalid_model(
            name, "unknown aggregation " + std::to_string(static_cast<int>(aggregation)));
    }
    if (static_cast<int>(accumulation) > 1) {
        detail::invalid_model(
            name, "unknown accumulation " + std::to_string(static_cast<int>(accumulation)));
    }
    if (static_cast<int>(link) > 2)
        detail::invalid_model(name, "unknown link " + std::to_string(static_cast<int>(link)));
    if (n_features_in < 1) {
        detail::invalid_model(name,
                              "n_features must be >= 1, is " + std::to_string(n_features_in));
    }
    const Eigen::Index n = n_nodes();
    if (n > std::numeric_limits<std::int32_t>::max()) detail::invalid_model(name, "too many nodes");
    if (tree_offsets.size() < 2) {
        detail::invalid_model(name, "has no trees (tree_offsets has " +
                                        std::to_string(tree_offsets.size()) +
                                        " entries, expected n_trees + 1 >= 2)");
    }
    if (tree_offsets(0) != 0) {
        detail::invalid_model(name,
                              "tree_offsets[0] is " + std::to_string(tree_offsets(0)) + ", not 0");
    }
    const Eigen::Index trees = n_trees();
    for (Eigen::Index t = 0; t < trees; ++t) {
        if (!(tree_offsets(t) < tree_offsets(t + 1))) {
            detail::invalid_model(name, "tree_offsets must be strictly increasing, but tree_offsets[" +
                                            std::to_string(t + 1) + "] <= tree_offsets[" +
                                            std::to_string(t) + "] (tree " + std::to_string(t) +
                                            " has no nodes)");
        }
    }
    if (tree_offsets(trees) != n) {
        detail::invalid_model(name, "the trees end at node " + std::to_string(tree_offsets(trees)) +
                                        ", the node arrays hold " + std::to_string(n) + " nodes");
    }
    auto same_length = [&](Eigen::Index len, const char* field) {
        if (len != n) {
            detail::invalid_model(name, std::string(field) + " has " + std::to_string(len) +
                                            " entries for " + std::to_string(n) + " nodes");
        }
    };
    same_length(children_right.size(), "children_right");
    same_length(feature.size(), "feature");
    same_length(threshold.size(), "threshold");
    same_length(default_left.size(), "default_left");
    same_length(value.rows(), "value");
    const Eigen::Index w = value.cols(), ns = n_scores();
    if (w < 1) detail::invalid_model(name, "value has no columns (leaves without values)");
    if (ns < w) {
        detail::invalid_model(name, "leaves hold " + std::to_string(w) + " values but there are " +
                                        std::to_string(ns) + " scores (base_score entries)");
    }
    if (tree_output.size() != trees) {
        detail::invalid_model(name, "tree_output has " + std::to_string(tree_output.size()) +
                                        " entries for " + std::to_string(trees) + " trees");
    }
    for (Eigen::Index t = 0; t < trees; ++t) {
        if (tree_output(t) < 0 || tree_output(t) > ns - w) {
            detail::invalid_model(name, "tree " + std::to_string(t) + " adds to scores [" +
                                            std::to_string(tree_output(t)) + ", " +
                                            std::to_string(tree_output(t) + w) + "), there are " +
                                            std::to_string(ns));
        }
    }
    if (!is_classifier()) {
        if (classes.size() != 0) detail::invalid_model(name, "a regressor has no classes");
        if (ns != 1) {
            detail::invalid_model(name,
                                  "a regressor has 1 score, this one " + std::to_string(ns));
        }
        if (link == Link::softmax) detail::invalid_model(name, "a regressor has no softmax link");
        return;
    }
    if (classes.size() < 2) {
        detail::invalid_model(name, "a classifier needs at least 2 classes, has " +
                                        std::to_string(classes.size()));
    }
    if (link == Link::logistic) {
        if (classes.size() != 2 || ns != 1) {
            detail::invalid_model(name, "a logistic link needs 2 classes and 1 score, has " +
                                            std::to_string(classes.size()) + " classes and " +
                                            std::to_string(ns) + " scores");
        }
    } else if (ns != classes.size()) {
        detail::invalid_model(name, std::string(link == Link::identity ? "an identity" : "a softmax") +
                                        " link needs one score per class: " +
                                        std::to_string(classes.size()) + " classes, " +
                                        std::to_string(ns) + " scores");
    }
}

inline void TreeEnsemble::validate() const {
    check_shape();
    if (is_classifier()) {
        detail::require_finite(classes, name, "classes");
        for (Eigen::Index k = 1; k < classes.size(); ++k) {
            if (!(classes(k - 1) < classes(k))) {
                detail::invalid_model(name, "classes must be strictly increasing, but classes[" +
                                                std::to_string(k) + "] <= classes[" +
                                                std::to_string(k - 1) + "]");
            }
        }
    }
    detail::require_finite(value, name, "value");
    detail::require_finite(base_score, name, "base_score");
    if (accumulation == Accumulation::float32) {
        detail::require_float32(value, name, "value");
        detail::require_float32(base_score, name, "base_score");
    }
    std::vector<std::uint8_t> has_parent;
    for (Eigen::Index t = 0; t < n_trees(); ++t) {
        const Eigen::Index first = tree_offsets(t), size = tree_size(t);
        has_parent.assign(static_cast<std::size_t>(size), 0);
        for (Eigen::Index i = 0; i < size; ++i) {
            const Eigen::Index g = first + i;
            const std::int32_t l = children_left(g), r = children_right(g);
            const std::string at = "tree " + std::to_string(t) + ", node " + std::to_string(i);
            if (default_left(g) > 1) {
                detail::invalid_model(name, at + " has default_left " +
                                                std::to_string(default_left(g)) +
                                                ", expected 0 or 1");
            }
            if (l == leaf || r == leaf) {
                if (l != r) {
                    detail::invalid_model(name, at + " has one child: children_left " +
                                                    std::to_string(l) + ", children_right " +
                                                    std::to_string(r));
                }
                continue;
            }
            if (l == r) {
                detail::invalid_model(name,
                                      at + " has node " + std::to_string(l) + " as both children");
            }
            for (const std::int32_t c : {l, r}) {
                if (c <= i || c >= size) {
                    detail::invalid_model(name, at + " has child " + std::to_string(c) +
                                                    "; children must be in (" + std::to_string(i) +
                                                    ", " + std::to_string(size) + ")");
                }
                auto& seen = has_parent[static_cast<std::size_t>(c)];
                if (seen) {
                    detail::invalid_model(name, "tree " + std::to_string(t) + ", node " +
                                                    std::to_string(c) +
                                                    " is the child of two nodes");
                }
                seen = 1;
            }
            if (feature(g) < 0 || feature(g) >= n_features_in) {
                detail::invalid_model(
                    name, at + " splits on feature " + std::to_string(feature(g)) +
                              ", expected 0 <= feature < " + std::to_string(n_features_in));
            }
            if (std::isnan(threshold(g))) detail::invalid_model(name, at + " has a NaN threshold");
            if (compare == Compare::float32_lt && !detail::is_float32_value(threshold(g))) {
                detail::invalid_model(name, at + " has threshold " +
                                                std::to_string(threshold(g)) +
                                                ", not a float32 value as compare float32_lt "
                                                "requires");
            }
        }
        for (Eigen::Index i = 1; i < size; ++i) {
            if (!has_parent[static_cast<std::size_t>(i)]) {
                detail::invalid_model(name, "tree " + std::to_string(t) + ", node " +
                                                std::to_string(i) + " is unreachable (no parent)");
            }
        }
    }
}

inline void TreeEnsemble::bad_step(Eigen::Index tree, std::int32_t node, std::int32_t to) const {
    detail::invalid_model(name, "tree " + std::to_string(tree) + ", node " +
                                    std::to_string(node) + " has child " + std::to_string(to) +
                                    "; children must be in (" + std::to_string(node) + ", " +
                                    std::to_string(tree_size(tree)) + ")");
}

inline void TreeEnsemble::bad_feature(Eigen::Index tree, std::int32_t node) const {
    detail::invalid_model(name, "tree " + std::to_string(tree) + ", node " +
                                    std::to_string(node) + " splits on feature " +
                                    std::to_string(feature(tree_offsets(tree) + node)) +
                                    ", expected 0 <= feature < " + std::to_string(n_features_in));
}

/// What the unchecked walk relies on, for every split node of every tree: both children after it
/// and within its tree, its feature in [0, n_features). O(n_nodes), once per batch call.
inline void TreeEnsemble::check_indices() const {
    const auto nf = static_cast<std::uint32_t>(n_features_in);
    for (Eigen::Index t = 0; t < n_trees(); ++t) {
        const Eigen::Index first = tree_offsets(t), size = tree_size(t);
        for (Eigen::Index i = 0; i < size; ++i) {
            const std::int32_t l = children_left(first + i);
            if (l == leaf) continue;
            const auto node = static_cast<std::int32_t>(i);
            if (static_cast<std::uint32_t>(feature(first + i)) >= nf) bad_feature(t, node);
            for (const std::int32_t c : {l, children_right(first + i)}) {
                if (c <= node || c >= size) bad_step(t, node, c);
            }
        }
    }
}

/// The walk of one tree from its root to a leaf, reading x[feature * stride]. Round: compare
/// float(x) (the inputs are not rounded yet); Strict: `<` rather than `<=`. A NaN input takes the
/// node's default direction. Checked: each step checks the feature it reads and that the next node
/// comes after the current one and within the tree, so the walk stays in bounds and ends within
/// the tree's size in steps. Requires check_shape().
template <bool Round, bool Strict, bool Checked>
std::int32_t TreeEnsemble::walk(Eigen::Index tree, const double* x, Eigen::Index stride) const {
    const Eigen::Index first = tree_offsets(tree);
    const std::int32_t* left = children_left.data() + first;
    const std::int32_t* right = children_right.data() + first;
    const std::int32_t* feat = feature.data() + first;
    const double* thr = threshold.data() + first;
    const std::uint8_t* def = default_left.data() + first;
    const auto size = static_cast<std::uint32_t>(tree_size(tree));
    const auto nf = static_cast<std::uint32_t>(n_features_in);
    std::int32_t node = 0;
    for (;;) {
        const std::int32_t l = left[node];
        if (l == leaf) return node;
        const std::int32_t f = feat[node];
        if (Checked && static_cast<std::uint32_t>(f) >= nf) bad_feature(tree, node);
        double v = x[f * stride];
        if (Round) v = detail::round_to_float32(v);
        // A NaN fails both comparisons, so it goes left exactly when the default says so.
        const bool go_left = (Strict ? v < thr[node] : v <= thr[node]) || (v != v && def[node]);
        const std::int32_t next = go_left ? l : right[node];
        if (Checked && (next <= node || static_cast<std::uint32_t>(next) >= size))
            bad_step(tree, node, next);
        node = next;
    }
}

template <bool Round, bool Checked>
std::int32_t TreeEnsemble::walk_as(Eigen::Index tree, const double* x, Eigen::Index stride) const {
    return compare == Compare::float32_lt ? walk<Round, true, Checked>(tree, x, stride)
                                          : walk<Round, false, Checked>(tree, x, stride);
}

inline void TreeEnsemble::start_scores(double* acc) const {
    const Eigen::Index ns = n_scores();
    if (aggregation == Aggregation::sum) {
        for (Eigen::Index k = 0; k < ns; ++k) acc[k] = base_score(k);
    } else {
        for (Eigen::Index k = 0; k < ns; ++k) acc[k] = 0.0;
    }
}

/// Adds the leaf `node` of tree `tree` to the scores of one sample, in the ensemble's rounding.
inline void TreeEnsemble::add_leaf(Eigen::Index tree, std::int32_t node, double* acc) const {
    const Eigen::Index w = value.cols();
    const double* v = value.data() + (tree_offsets(tree) + node) * w;
    double* a = acc + tree_output(tree);
    if (accumulation == Accumulation::float32) {
        for (Eigen::Index k = 0; k < w; ++k)
            a[k] = static_cast<double>(static_cast<float>(a[k]) + static_cast<float>(v[k]));
    } else {
        for (Eigen::Index k = 0; k < w; ++k) a[k] += v[k];
    }
}

inline void TreeEnsemble::finish_scores(double* acc) const {
    if (aggregation != Aggregation::average) return;
    const Eigen::Index ns = n_scores();
    if (accumulation == Accumulation::float32) {
        const auto n = static_cast<float>(n_trees());
        for (Eigen::Index k = 0; k < ns; ++k) {
            acc[k] = static_cast<double>(static_cast<float>(acc[k]) / n +
                                         static_cast<float>(base_score(k)));
        }
    } else {
        const auto n = static_cast<double>(n_trees());
        for (Eigen::Index k = 0; k < ns; ++k) acc[k] = acc[k] / n + base_score(k);
    }
}

/// Scores of one checked sample into out[0 .. n_scores), the walks checked step by step.
inline void TreeEnsemble::scores_one(const RowRef& x, double* out) const {
    detail::check_columns(x.size(), n_features(), name);
    detail::check_sample(x, name, /*allow_nan=*/true);
    start_scores(out);
    const bool round = compare != Compare::double_le;
    for (Eigen::Index t = 0; t < n_trees(); ++t) {
        const std::int32_t node = round ? walk_as<true, true>(t, x.data(), x.innerStride())
                                        : walk_as<false, true>(t, x.data(), x.innerStride());
        add_leaf(t, node, out);
    }
    finish_scores(out);
}

namespace detail {

/// A split or leaf node of the compact layout the float32 batch walk uses: 16 bytes, so four
/// nodes share a cache line (the node arrays take 4 + 4 + 4 + 8 + 1 bytes per node in five
/// places). Every float32 rule becomes `float(x) <= thr` with a float32 threshold:
///  - float32_le: thr is the largest float32 value <= the double threshold (float(x) is a float32
///    value, so float(x) <= t exactly when float(x) <= thr);
///  - float32_lt: thr is the float32 value just below t (float(x) < t exactly when float(x) <= it),
///    and NaN for t = -infinity (nothing is below it; a NaN threshold fails every comparison).
/// A missing input fails the comparison too and goes left only where the node's missing bit is
/// set. A leaf points to itself on both sides with a NaN threshold, so a walk that reaches it stays
/// there: every row takes exactly the tree's depth in steps, which lets a group of rows walk in
/// lockstep without a branch per step (their loads overlap instead of waiting on each other).
struct CompactNode {
    float thr;
    std::uint32_t feature;  ///< feature index, and bit 31: a missing value goes left
    std::int32_t left;      ///< local child indices, as in the node arrays
    std::int32_t right;
};
constexpr std::uint32_t missing_left_bit = std::uint32_t{1} << 31;
static_assert(sizeof(CompactNode) == 16, "four nodes per cache line");

inline float compact_threshold(double t, TreeCompare c) noexcept {
    const auto f = static_cast<float>(t);
    constexpr float neg_inf = -std::numeric_limits<float>::infinity();
    if (c == TreeCompare::float32_lt) {
        return f == neg_inf ? std::numeric_limits<float>::quiet_NaN() : std::nextafter(f, neg_inf);
    }
    return static_cast<double>(f) > t ? std::nextafter(f, neg_inf) : f;  // largest float32 <= t
}

}  // namespace detail

/// The batch walk: blocks of block_rows rows are copied into a row-major buffer (rounded to
/// float32 first when the ensemble compares in float32, so each input is rounded once, not once per
/// comparison), checked for infinities, then walked through every tree, tree by tree, so each row
/// meets the trees in tree order. sink.start(first, n) opens a block of rows [first, first + n),
/// sink.leaf(r, t, node) receives the leaf of the block's row r in tree t, sink.finish() closes it.
///
/// A float32 ensemble with enough rows to check every node once walks a compact copy of the nodes
/// (detail::CompactNode) over float32 inputs instead: half the bytes per input and per node.
template <class Sink>
void TreeEnsemble::walk_batch(const MatrixRef& X, Sink&& sink) const {
    check_shape();
    detail::check_columns(X.cols(), n_features(), name);
    // Checking every node once costs less than checking each step of the walks when there are at
    // least n_nodes / 16 rows; for fewer, each step is checked instead.
    const bool checked = X.rows() * 16 < n_nodes();
    if (!checked) check_indices();
    const Eigen::Index nf = X.cols(), stride = X.outerStride();
    const bool round = compare != Compare::double_le;
    const bool compact = round && !checked;
    std::vector<detail::CompactNode> nodes;
    std::vector<std::int32_t> depth;  // per node while building; then per tree, its depth
    if (compact) {
        nodes.resize(static_cast<std::size_t>(n_nodes()));
        depth.assign(static_cast<std::size_t>(n_nodes()), 0);
        for (Eigen::Index t = 0; t < n_trees(); ++t) {
            const Eigen::Index first = tree_offsets(t);
            std::int32_t deepest = 0;
            for (Eigen::Index i = 0; i < tree_size(t); ++i) {
                const Eigen::Index g = first + i;
                const std::int32_t d = depth[static_cast<std::size_t>(g)];
                deepest = std::max(deepest, d);
                auto& n = nodes[static_cast<std::size_t>(g)];
                if (children_left(g) == leaf) {
                    const auto self = static_cast<std::int32_t>(i);
                    n = {std::numeric_limits<float>::quiet_NaN(), 0, self, self};
                    continue;
                }
                n = {detail::compact_threshold(threshold(g), compare),
                     static_cast<std::uint32_t>(feature(g)) |
                         (default_left(g) != 0 ? detail::missing_left_bit : 0u),
                     children_left(g), children_right(g)};
                depth[static_cast<std::size_t>(first + children_left(g))] = d + 1;
                depth[static_cast<std::size_t>(first + children_right(g))] = d + 1;
            }
            depth[static_cast<std::size_t>(t)] = deepest;  // t <= first: entry t is no longer read
        }
    }
    const auto block = static_cast<std::size_t>(std::min(block_rows, X.rows()) * nf);
    std::vector<double> xb(compact ? 0 : block);
    std::vector<float> xf(compact ? block : 0);
    for (Eigen::Index first = 0; first < X.rows(); first += block_rows) {
        const Eigen::Index nb = std::min(block_rows, X.rows() - first);
        bool bad = false;
        for (Eigen::Index j = 0; j < nf; ++j)
            bad |= detail::any_infinite(X.data() + j * stride + first, nb);
        if (bad) detail::check_rows(X, first, nb, name, /*allow_nan=*/true);
        for (Eigen::Index j = 0; j < nf; ++j) {
            const double* col = X.data() + j * stride + first;
            if (compact) {
                float* dst = xf.data() + j;
                for (Eigen::Index r = 0; r < nb; ++r) dst[r * nf] = static_cast<float>(col[r]);
            } else if (round) {
                double* dst = xb.data() + j;
                for (Eigen::Index r = 0; r < nb; ++r) dst[r * nf] = detail::round_to_float32(col[r]);
            } else {
                double* dst = xb.data() + j;
                for (Eigen::Index r = 0; r < nb; ++r) dst[r * nf] = col[r];
            }
        }
        sink.start(first, nb);
        for (Eigen::Index t = 0; t < n_trees(); ++t) {
            if (compact) {
                walk_group(nodes.data() + tree_offsets(t), depth[static_cast<std::size_t>(t)],
                           xf.data(), nf, nb, t, sink);
                continue;
            }
            for (Eigen::Index r = 0; r < nb; ++r) {
                const double* x = xb.data() + r * nf;
                sink.leaf(r, t, checked ? walk_as<false, true>(t, x, 1) : walk_as<false, false>(t, x, 1));
            }
        }
        sink.finish();
    }
}

/// Walks rows [0, nb) of the float32 block `xf` (nf values per row) through one compact tree of
/// depth `depth`, `group` rows in lockstep, and hands each leaf to the sink. Every row takes
/// exactly `depth` steps (leaves point to themselves), so the steps need no branch.
template <class Sink>
void TreeEnsemble::walk_group(const detail::CompactNode* tree, std::int32_t depth, const float* xf,
                              Eigen::Index nf, Eigen::Index nb, Eigen::Index t, Sink& sink) const {
    constexpr Eigen::Index group = 8;
    Eigen::Index r0 = 0;
    for (; r0 + group <= nb; r0 += group) {
        std::int32_t node[group] = {};
        for (std::int32_t step = 0; step < depth; ++step) {
            for (Eigen::Index k = 0; k < group; ++k) {
                const detail::CompactNode& n = tree[node[k]];
                const std::uint32_t f = n.feature & ~detail::missing_left_bit;
                const float v = xf[(r0 + k) * nf + static_cast<Eigen::Index>(f)];
                const bool go_left = (v <= n.thr) | ((v != v) & ((n.feature >> 31) != 0));
                node[k] = go_left ? n.left : n.right;
            }
        }
        for (Eigen::Index k = 0; k < group; ++k) sink.leaf(r0 + k, t, node[k]);
    }
    for (; r0 < nb; ++r0) {
        std::int32_t node = 0;
        for (std::int32_t step = 0; step < depth; ++step) {
            const detail::CompactNode& n = tree[node];
            const std::uint32_t f = n.feature & ~detail::missing_left_bit;
            const float v = xf[r0 * nf + static_cast<Eigen::Index>(f)];
            const bool go_left = (v <= n.thr) | ((v != v) & ((n.feature >> 31) != 0));
            node = go_left ? n.left : n.right;
        }
        sink.leaf(r0, t, node);
    }
}

inline Eigen::MatrixXd TreeEnsemble::decision_function(const MatrixRef& X) const {
    check_shape();
    const Eigen::Index ns = n_scores();
    Eigen::MatrixXd S(X.rows(), ns);
    struct Sink {
        const TreeEnsemble* m;
        Eigen::MatrixXd* S;
        std::vector<double> acc;
        Eigen::Index first = 0, n = 0, ns = 0;
        void start(Eigen::Index f, Eigen::Index nb) {
            first = f;
            n = nb;
            for (Eigen::Index r = 0; r < nb; ++r) m->start_scores(acc.data() + r * ns);
        }
        void leaf(Eigen::Index r, Eigen::Index t, std::int32_t node) {
            m->add_leaf(t, node, acc.data() + r * ns);
        }
        void finish() {
            for (Eigen::Index r = 0; r < n; ++r) {
                double* a = acc.data() + r * ns;
                m->finish_scores(a);
                for (Eigen::Index k = 0; k < ns; ++k) (*S)(first + r, k) = a[k];
            }
        }
    } sink{this, &S, std::vector<double>(static_cast<std::size_t>(block_rows * ns)), 0, 0, ns};
    walk_batch(X, sink);
    return S;
}

inline void TreeEnsemble::require_classifier() const {
    if (!is_classifier()) {
        throw Error(Errc::invalid_argument,
                    "predict_proba needs a classifier; this TreeEnsemble is a regressor");
    }
}

/// Class probabilities (n_classes of them) from the scores of one sample; `p` may alias `s` only
/// when the link is identity or softmax.
inline void TreeEnsemble::proba_of_scores(const double* s, double* p) const {
    const Eigen::Index nc = classes.size();
    if (link == Link::logistic) {
        // scipy's expit, as scikit-learn's binary GradientBoosting: 1 / (1 + exp(-z)).
        const double q = 1.0 / (1.0 + std::exp(-s[0]));
        p[0] = 1.0 - q;
        p[1] = q;
        return;
    }
    if (link == Link::identity) {
        for (Eigen::Index k = 0; k < nc; ++k) p[k] = s[k];
        return;
    }
    // Softmax. Scores are finite (finite leaves and base scores, finite sums unless they overflow).
    const double top = s[detail::argmax(s, nc)];
    if (std::isnan(top) || std::isinf(top)) {
        Eigen::Index ties = 0;
        for (Eigen::Index k = 0; k < nc; ++k) ties += s[k] == top ? 1 : 0;
        for (Eigen::Index k = 0; k < nc; ++k) {
            p[k] = std::isnan(top) ? std::numeric_limits<double>::quiet_NaN()
                                   : (s[k] == top ? 1.0 / static_cast<double>(ties) : 0.0);
        }
        return;
    }
    double sum = 0.0;
    for (Eigen::Index k = 0; k < nc; ++k) sum += (p[k] = std::exp(s[k] - top));
    for (Eigen::Index k = 0; k < nc; ++k) p[k] /= sum;
}

/// predict's value from the scores of one sample.
inline double TreeEnsemble::output_of_scores(const double* s) const {
    if (!is_classifier()) return link == Link::logistic ? 1.0 / (1.0 + std::exp(-s[0])) : s[0];
    if (link == Link::logistic) {
        double p[2];
        proba_of_scores(s, p);
        return classes(detail::argmax(p, 2));
    }
    // identity: the probabilities are the scores; softmax is increasing, so the largest score is
    // the largest probability (scikit-learn's multinomial GradientBoosting takes argmax of scores).
    return classes(detail::argmax(s, classes.size()));
}

inline Eigen::MatrixXd TreeEnsemble::predict_proba(const MatrixRef& X) const {
    check_shape();
    require_classifier();
    const Eigen::MatrixXd S = decision_function(X);
    Eigen::MatrixXd P(X.rows(), n_classes());
    std::vector<double> s(static_cast<std::size_t>(n_scores())), p(static_cast<std::size_t>(n_classes()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index k = 0; k < n_scores(); ++k) s[static_cast<std::size_t>(k)] = S(i, k);
        proba_of_scores(s.data(), p.data());
        for (Eigen::Index k = 0; k < n_classes(); ++k) P(i, k) = p[static_cast<std::size_t>(k)];
    }
    return P;
}

inline Eigen::VectorXd TreeEnsemble::predict(const MatrixRef& X) const {
    const Eigen::MatrixXd S = decision_function(X);
    Eigen::VectorXd y(X.rows());
    std::vector<double> s(static_cast<std::size_t>(n_scores()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index k = 0; k < n_scores(); ++k) s[static_cast<std::size_t>(k)] = S(i, k);
        y(i) = output_of_scores(s.data());
    }
    return y;
}

inline IndexMatrix TreeEnsemble::apply(const MatrixRef& X) const {
    check_shape();
    IndexMatrix leaves(X.rows(), n_trees());
    struct Sink {
        IndexMatrix* out;
        Eigen::Index first = 0;
        void start(Eigen::Index f, Eigen::Index) { first = f; }
        void leaf(Eigen::Index r, Eigen::Index t, std::int32_t node) { (*out)(first + r, t) = node; }
        void finish() {}
    } sink{&leaves};
    walk_batch(X, sink);
    return leaves;
}

inline void TreeEnsemble::decision_function_one(const RowRef& x, double* out,
                                                Eigen::Index size) const {
    check_shape();
    detail::check_output_size(size, n_scores(), name, "decision_function_one");
    scores_one(x, out);
}

inline double TreeEnsemble::predict_one(const RowRef& x) const {
    check_shape();
    // Scores live on the stack for up to 64 of them; more take one allocation.
    constexpr Eigen::Index stack_scores = 64;
    double local[stack_scores];
    std::vector<double> heap;
    double* s = local;
    if (n_scores() > stack_scores) {
        heap.resize(static_cast<std::size_t>(n_scores()));
        s = heap.data();
    }
    scores_one(x, s);
    return output_of_scores(s);
}

inline void TreeEnsemble::predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const {
    check_shape();
    require_classifier();
    detail::check_output_size(size, n_classes(), name, "predict_proba_one");
    if (link == Link::logistic) {
        double s = 0.0;
        scores_one(x, &s);
        proba_of_scores(&s, out);
        return;
    }
    // identity and softmax: n_scores == n_classes, so the scores are computed in place.
    scores_one(x, out);
    proba_of_scores(out, out);
}

}  // namespace brine
