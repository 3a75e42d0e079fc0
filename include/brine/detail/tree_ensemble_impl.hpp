// brine::TreeEnsemble's member functions: checks, walks and the batch and single-row predictions.
// SPDX-License-Identifier: MIT
#pragma once

#include <thread>
#include <type_traits>

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
        detail::invalid_model(name, "n_features must be >= 1, is " + std::to_string(n_features_in));
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
            detail::invalid_model(
                name, "tree_offsets must be strictly increasing, but tree_offsets[" +
                          std::to_string(t + 1) + "] <= tree_offsets[" + std::to_string(t) +
                          "] (tree " + std::to_string(t) + " has no nodes)");
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
            detail::invalid_model(name, "a regressor has 1 score, this one " + std::to_string(ns));
        }
        if (link == Link::softmax) detail::invalid_model(name, "a regressor has no softmax link");
        return;
    }
    if (classes.size() < 2) {
        detail::invalid_model(
            name, "a classifier needs at least 2 classes, has " + std::to_string(classes.size()));
    }
    if (link == Link::logistic) {
        if (classes.size() != 2 || ns != 1) {
            detail::invalid_model(name, "a logistic link needs 2 classes and 1 score, has " +
                                            std::to_string(classes.size()) + " classes and " +
                                            std::to_string(ns) + " scores");
        }
    } else if (ns != classes.size()) {
        detail::invalid_model(
            name, std::string(link == Link::identity ? "an identity" : "a softmax") +
                      " link needs one score per class: " + std::to_string(classes.size()) +
                      " classes, " + std::to_string(ns) + " scores");
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
    // One linear pass over the nodes through raw pointers. A message is built only for the node
    // that fails: building its "tree t, node i" prefix for every node was most of the load time of
    // a large forest.
    const std::int32_t* const left = children_left.data();
    const std::int32_t* const right = children_right.data();
    const std::int32_t* const feat = feature.data();
    const double* const thr = threshold.data();
    const std::uint8_t* const dl = default_left.data();
    const bool float32_thresholds = compare == Compare::float32_lt;
    const auto at = [](Eigen::Index t, Eigen::Index i) {
        return "tree " + std::to_string(t) + ", node " + std::to_string(i);
    };
    std::vector<std::uint8_t> has_parent;
    for (Eigen::Index t = 0; t < n_trees(); ++t) {
        const Eigen::Index first = tree_offsets(t), size = tree_size(t);
        has_parent.assign(static_cast<std::size_t>(size), 0);
        std::uint8_t* const parent = has_parent.data();
        for (Eigen::Index i = 0; i < size; ++i) {
            const Eigen::Index g = first + i;
            const std::int32_t l = left[g], r = right[g];
            if (dl[g] > 1) {
                detail::invalid_model(name, at(t, i) + " has default_left " +
                                                std::to_string(dl[g]) + ", expected 0 or 1");
            }
            if (l == leaf || r == leaf) {
                if (l != r) {
                    detail::invalid_model(name, at(t, i) + " has one child: children_left " +
                                                    std::to_string(l) + ", children_right " +
                                                    std::to_string(r));
                }
                continue;
            }
            if (l == r) {
                detail::invalid_model(
                    name, at(t, i) + " has node " + std::to_string(l) + " as both children");
            }
            for (const std::int32_t c : {l, r}) {
                if (c <= i || c >= size) {
                    detail::invalid_model(name, at(t, i) + " has child " + std::to_string(c) +
                                                    "; children must be in (" + std::to_string(i) +
                                                    ", " + std::to_string(size) + ")");
                }
                if (parent[c]) {
                    detail::invalid_model(name, at(t, c) + " is the child of two nodes");
                }
                parent[c] = 1;
            }
            if (feat[g] < 0 || feat[g] >= n_features_in) {
                detail::invalid_model(
                    name, at(t, i) + " splits on feature " + std::to_string(feat[g]) +
                              ", expected 0 <= feature < " + std::to_string(n_features_in));
            }
            if (std::isnan(thr[g])) detail::invalid_model(name, at(t, i) + " has a NaN threshold");
            if (float32_thresholds && !detail::is_float32_value(thr[g])) {
                detail::invalid_model(name, at(t, i) + " has threshold " + std::to_string(thr[g]) +
                                                ", not a float32 value as compare float32_lt "
                                                "requires");
            }
        }
        for (Eigen::Index i = 1; i < size; ++i) {
            if (!parent[i]) {
                detail::invalid_model(name, at(t, i) + " is unreachable (no parent)");
            }
        }
    }
}

inline void TreeEnsemble::bad_step(Eigen::Index tree, std::int32_t node, std::int32_t to) const {
    detail::invalid_model(name, "tree " + std::to_string(tree) + ", node " + std::to_string(node) +
                                    " has child " + std::to_string(to) + "; children must be in (" +
                                    std::to_string(node) + ", " + std::to_string(tree_size(tree)) +
                                    ")");
}

inline void TreeEnsemble::bad_feature(Eigen::Index tree, std::int32_t node) const {
    detail::invalid_model(name, "tree " + std::to_string(tree) + ", node " + std::to_string(node) +
                                    " splits on feature " +
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

/// The walk of one tree (detail::walk_tree). Requires check_shape().
template <bool Round, bool Strict, bool Checked>
std::int32_t TreeEnsemble::walk(Eigen::Index tree, const double* x, Eigen::Index stride) const {
    const Eigen::Index first = tree_offsets(tree);
    const detail::TreeNodes t{children_left.data() + first,
                              children_right.data() + first,
                              feature.data() + first,
                              threshold.data() + first,
                              default_left.data() + first,
                              static_cast<std::uint32_t>(tree_size(tree)),
                              static_cast<std::uint32_t>(n_features_in)};
    return detail::walk_tree<Round, Strict, true, Checked>(
        t, x, stride, [&](std::int32_t node) { bad_feature(tree, node); },
        [&](std::int32_t node, std::int32_t to) { bad_step(tree, node, to); });
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
    add_values(tree, value.data() + (tree_offsets(tree) + node) * value.cols(), acc);
}

/// Adds a leaf's W values v of tree `tree` to the scores of one sample, in the ensemble's rounding.
inline void TreeEnsemble::add_values(Eigen::Index tree, const double* v, double* acc) const {
    const Eigen::Index w = value.cols();
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

/// Refuses an infinity in a column some split node reads (Errc::invalid_input, as a batch does);
/// infinities elsewhere are not inspected. The row is scanned whole first (n_features values), and
/// only a row holding an infinity pays for finding whether a split reads its column. Returns
/// whether the row holds a NaN.
inline bool TreeEnsemble::check_row_one(const RowRef& x) const {
    detail::check_columns(x.size(), n_features(), name);
    std::uint64_t refused = 0, missing = 0;
    for (Eigen::Index j = 0; j < x.size(); ++j) {
        const std::uint64_t bits = detail::bits_of(x(j)) & ~(std::uint64_t{1} << 63);
        refused |= static_cast<std::uint64_t>(bits == detail::exponent_mask);
        missing |= static_cast<std::uint64_t>(bits > detail::exponent_mask);
    }
    if (refused) {
        std::vector<std::uint8_t> read(static_cast<std::size_t>(x.size()), 0);
        for (Eigen::Index g = 0; g < n_nodes(); ++g) {
            const auto f = static_cast<std::uint32_t>(feature(g));
            if (children_left(g) != leaf && f < static_cast<std::uint32_t>(x.size())) read[f] = 1;
        }
        for (Eigen::Index j = 0; j < x.size(); ++j) {
            if (read[static_cast<std::size_t>(j)] && detail::is_refused(x(j), true))
                detail::refuse_input(name, -1, j, x(j), true);
        }
    }
    return missing != 0;
}

/// The walks of one sample x (contiguous; already rounded to float32 where the ensemble compares
/// in float32) through every tree, `group` trees at a time in lockstep: each round advances every
/// tree of the group by one step without a branch (a tree at its leaf stays there), so the
/// group's loads overlap instead of waiting on each other, until all of them are at leaves; then
/// their leaves are added to the scores in tree order. Each step is checked as walk<Checked>
/// checks it; a check that fails repeats the group's walks one by one, which throws the error the
/// batch throws. Missing: x holds a NaN (else the default directions are not read).
template <bool Strict, bool Missing>
void TreeEnsemble::walk_trees_one(const double* x, double* acc) const {
    constexpr Eigen::Index group = 8;
    const std::int32_t* left = children_left.data();
    const std::int32_t* right = children_right.data();
    const std::int32_t* feat = feature.data();
    const double* thr = threshold.data();
    const std::uint8_t* def = default_left.data();
    const auto nf = static_cast<std::uint32_t>(n_features_in);
    const Eigen::Index trees = n_trees();
    for (Eigen::Index t0 = 0; t0 < trees; t0 += group) {
        const Eigen::Index g = std::min(group, trees - t0);
        const std::int32_t* lk[group];
        const std::int32_t* rk[group];
        const std::int32_t* fk[group];
        const double* tk[group];
        const std::uint8_t* dk[group];
        std::uint32_t size[group];
        std::uint32_t node[group];
        for (Eigen::Index k = 0; k < group; ++k) {
            // Places past the last tree repeat the group's first, whose results are not used.
            const Eigen::Index t = t0 + (k < g ? k : 0), first = tree_offsets(t);
            lk[k] = left + first;
            rk[k] = right + first;
            fk[k] = feat + first;
            tk[k] = thr + first;
            dk[k] = def + first;
            size[k] = static_cast<std::uint32_t>(tree_size(t));
            node[k] = 0;
        }
        bool bad = false;
        for (;;) {
            bool active = false;
            for (Eigen::Index k = 0; k < group; ++k) {
                const std::uint32_t at = node[k];
                const std::int32_t l = lk[k][at], r = rk[k][at];
                const bool split = l != leaf;
                const auto f = static_cast<std::uint32_t>(fk[k][at]);
                const double v = x[f < nf ? f : 0];
                bool go_left = Strict ? v < tk[k][at] : v <= tk[k][at];
                if (Missing) go_left |= (v != v) & (dk[k][at] != 0);
                const auto next = static_cast<std::uint32_t>(go_left ? l : r);
                // Checked: node < next < size, and the feature in range.
                const bool ok = (next - at - 1 < size[k] - at - 1) & (f < nf);
                bad |= split & !ok;
                active |= split;
                node[k] = split ? next : at;
            }
            if (bad | !active) break;
        }
        if (bad) {
            for (Eigen::Index k = 0; k < g; ++k) (void)walk<false, Strict, true>(t0 + k, x, 1);
        }
        for (Eigen::Index k = 0; k < g; ++k)
            add_leaf(t0 + k, static_cast<std::int32_t>(node[k]), acc);
    }
}

/// Scores of one sample into out[0 .. n_scores). The sample is copied (rounded to float32 for the
/// float32 compare modes) into a per-thread buffer, so each input is rounded once.
inline void TreeEnsemble::scores_one(const RowRef& x, double* out) const {
    const bool missing = check_row_one(x);
    thread_local std::vector<double> row;
    if (row.size() < static_cast<std::size_t>(x.size()))
        row.resize(static_cast<std::size_t>(x.size()));
    const bool round = compare != Compare::double_le, strict = compare == Compare::float32_lt;
    for (Eigen::Index j = 0; j < x.size(); ++j)
        row[static_cast<std::size_t>(j)] = round ? detail::round_to_float32(x(j)) : x(j);
    start_scores(out);
    if (strict) {
        if (missing) {
            walk_trees_one<true, true>(row.data(), out);
        } else {
            walk_trees_one<true, false>(row.data(), out);
        }
    } else if (missing) {
        walk_trees_one<false, true>(row.data(), out);
    } else {
        walk_trees_one<false, false>(row.data(), out);
    }
    finish_scores(out);
}

namespace detail {

/// Rows that walk a tree in lockstep in the batch walk (see walk_flat).
constexpr Eigen::Index flat_group = 8;
/// The widest leaves copied into the flat layout (in walk order, next to their trees' other
/// leaves); wider ones are read from `value` through `leaf`, so that a many-class forest does not
/// hold its leaves twice.
constexpr Eigen::Index flat_values_max = 4;

/// A node of the flat layout the batch walk uses, built per batch call from the node arrays. A
/// split node's children sit next to each other: the left one at `child`, the right one at
/// `child + 1`, so a step is `node = child + 1 - left`, arithmetic instead of a branch. `feature`
/// is the feature's place among the columns the ensemble reads (the block buffer holds only those)
/// times flat_group, the offset of its first value in a group's inputs (see run_rows). T is the
/// compared type: float for the float32 modes, each threshold rewritten so that `float(x) <= thr`
/// decides exactly as the node's rule (see flat_threshold), double for double_le. A leaf has a NaN
/// threshold and `child` one less than itself: every input goes "right", to the leaf again, so
/// each row of a tree takes exactly the tree's depth in steps and a group of rows walks in
/// lockstep (their loads overlap instead of waiting on each other and on mispredicted branches).
template <class T>
struct FlatNode {
    T thr;
    std::uint32_t feature;
    std::int32_t child;
};

/// The float32 threshold for which `float(x) <= thr` holds exactly when the rule `c` sends
/// float(x) left:
///  - float32_le: the largest float32 value <= the double threshold t (float(x) is a float32 value,
///    so float(x) <= t exactly when float(x) <= it);
///  - float32_lt: the float32 value just below t (float(x) < t exactly when float(x) <= it), and
///    NaN for t = -infinity (nothing is below it; a NaN threshold fails every comparison).
inline float flat_threshold(double t, TreeCompare c) noexcept {
    const auto f = static_cast<float>(t);
    constexpr float neg_inf = -std::numeric_limits<float>::infinity();
    if (c == TreeCompare::float32_lt) {
        return f == neg_inf ? std::numeric_limits<float>::quiet_NaN() : std::nextafter(f, neg_inf);
    }
    return static_cast<double>(f) > t ? std::nextafter(f, neg_inf) : f;  // largest float32 <= t
}

/// The per-call flat layout of an ensemble (in a per-thread buffer of the calling thread).
struct FlatEnsemble {
    std::vector<FlatNode<float>> nodes_f;   ///< float32 compare modes
    std::vector<FlatNode<double>> nodes_d;  ///< double_le
    std::vector<std::int32_t> leaf;         ///< per flat node: its index in the node arrays (local)
    std::vector<std::uint8_t> missing_left;  ///< per flat node: 1 if a missing value goes left
    std::vector<double> value;  ///< per flat node: its leaf's W values, for W <= flat_values_max

    std::vector<std::int32_t> depth;       ///< per tree: its depth
    std::vector<std::int32_t> columns;     ///< the features split nodes read, increasing
    std::vector<std::int32_t> slot;        ///< per feature: its place in `columns`, or -1
    std::vector<std::int32_t> node_depth;  ///< scratch: per flat node, its depth
    Eigen::Index block_rows = 64;          ///< rows walked through all trees together
};

inline FlatEnsemble& flat_scratch() {
    thread_local FlatEnsemble flat;
    return flat;
}

/// Per-thread block buffers of the batch walk.
struct EnsembleBlock {
    std::vector<float> xf;
    std::vector<double> xd;
    std::vector<std::int32_t> leaves;
    std::vector<double> acc, p;
};

inline EnsembleBlock& block_scratch() {
    thread_local EnsembleBlock block;
    return block;
}

inline std::vector<FlatNode<float>>& flat_nodes(FlatEnsemble& f, float) { return f.nodes_f; }
inline std::vector<FlatNode<double>>& flat_nodes(FlatEnsemble& f, double) { return f.nodes_d; }
inline const FlatNode<float>* flat_nodes(const FlatEnsemble& f, float) { return f.nodes_f.data(); }
inline const FlatNode<double>* flat_nodes(const FlatEnsemble& f, double) {
    return f.nodes_d.data();
}
template <class T>
std::vector<T>& block_inputs(EnsembleBlock& b);
template <>
inline std::vector<float>& block_inputs<float>(EnsembleBlock& b) {
    return b.xf;
}
template <>
inline std::vector<double>& block_inputs<double>(EnsembleBlock& b) {
    return b.xd;
}

/// Asks for the `bytes` bytes at p to be brought into the cache (a hint: no effect on results).
inline void prefetch_span(const void* p, Eigen::Index bytes) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    const char* c = static_cast<const char*>(p);
    for (Eigen::Index b = 0; b < bytes; b += 64) __builtin_prefetch(c + b);
#else
    (void)p;
    (void)bytes;
#endif
}

/// Walks the block's rows, flat_group at a time, through the flat tree `tree` of depth `depth` and
/// writes each row's flat leaf index to out[r]. `xb` holds groups of rows: group q's value of read
/// column c for its row k at xb[q * w * flat_group + c * flat_group + k] (so one address register
/// serves the group). With `Missing` (the block holds a NaN in a read column), a NaN goes where
/// `missing_left` says; without, no input is NaN and the test is one comparison.
template <bool Missing, class T>
void walk_flat(const FlatNode<T>* tree, const std::uint8_t* missing_left, std::int32_t depth,
               const T* xb, Eigen::Index w, Eigen::Index groups, std::int32_t* out) {
    constexpr Eigen::Index group = flat_group;
    for (Eigen::Index q = 0; q < groups; ++q) {
        const T* x = xb + q * w * group;
        // The next group's inputs, asked for while this group walks: a block of deep trees'
        // rows is larger than L2, and each step's input load would otherwise wait on L3 after the
        // node's load (measured on a 100-tree forest of 469056 nodes, 100000 rows, one thread:
        // 0.88 -> 0.60 s CPU).
        if (q + 1 < groups) prefetch_span(x + w * group, w * group * Eigen::Index{sizeof(T)});
        Eigen::Index node[group] = {};
        for (std::int32_t s = 0; s < depth; ++s) {
            for (Eigen::Index k = 0; k < group; ++k) {
                const FlatNode<T>& n = tree[node[k]];
                const T v = x[static_cast<Eigen::Index>(n.feature) + k];
                Eigen::Index left = v <= n.thr;
                if (Missing) left |= (v != v) & missing_left[node[k]];
                node[k] = n.child + 1 - left;
            }
            // Every fourth step, stop once the whole group is at leaves (a leaf's child is one
            // less than itself; a split node's children come after it): deep, unbalanced trees
            // (a random forest's) have leaves far above their deepest one.
            if ((s & 3) == 3) {
                bool all = true;
                for (Eigen::Index k = 0; k < group; ++k) all &= tree[node[k]].child + 1 == node[k];
                if (all) break;
            }
        }
        for (Eigen::Index k = 0; k < group; ++k)
            out[q * group + k] = static_cast<std::int32_t>(node[k]);
    }
}

/// walk_flat for trees of exactly `Depth` levels at most (every leaf steps to itself): the steps
/// unrolled, without the test for a group at leaves.
template <bool Missing, int Depth, class T>
void walk_flat_fixed(const FlatNode<T>* tree, const std::uint8_t* missing_left, const T* xb,
                     Eigen::Index w, Eigen::Index groups, std::int32_t* out) {
    constexpr Eigen::Index group = flat_group;
    for (Eigen::Index q = 0; q < groups; ++q) {
        const T* x = xb + q * w * group;
        std::int32_t node[group] = {};
        for (int s = 0; s < Depth; ++s) {
            for (Eigen::Index k = 0; k < group; ++k) {
                const FlatNode<T>& n = tree[node[k]];
                const T v = x[static_cast<Eigen::Index>(n.feature) + k];
                std::int32_t left = v <= n.thr;
                if (Missing) left |= (v != v) & missing_left[node[k]];
                node[k] = n.child + 1 - left;
            }
        }
        for (Eigen::Index k = 0; k < group; ++k) out[q * group + k] = node[k];
    }
}

/// walk_flat, with the steps unrolled for trees of depth up to 8 (boosted trees).
template <bool Missing, class T>
void walk_flat_any(const FlatNode<T>* tree, const std::uint8_t* ml, std::int32_t depth, const T* xb,
                   Eigen::Index w, Eigen::Index groups, std::int32_t* out) {
    // Measured on XGBoost's 100 trees of depth 6: 140 -> 124 ms CPU for 100000 rows.
    switch (depth) {
        case 1: return walk_flat_fixed<Missing, 1>(tree, ml, xb, w, groups, out);
        case 2: return walk_flat_fixed<Missing, 2>(tree, ml, xb, w, groups, out);
        case 3: return walk_flat_fixed<Missing, 3>(tree, ml, xb, w, groups, out);
        case 4: return walk_flat_fixed<Missing, 4>(tree, ml, xb, w, groups, out);
        case 5: return walk_flat_fixed<Missing, 5>(tree, ml, xb, w, groups, out);
        case 6: return walk_flat_fixed<Missing, 6>(tree, ml, xb, w, groups, out);
        case 7: return walk_flat_fixed<Missing, 7>(tree, ml, xb, w, groups, out);
        case 8: return walk_flat_fixed<Missing, 8>(tree, ml, xb, w, groups, out);
        default: return walk_flat<Missing>(tree, ml, depth, xb, w, groups, out);
    }
}

}  // namespace detail

namespace detail {

/// Rows walked through all trees together, for trees of `tree_bytes` each on average and rows of
/// `row_bytes` in the block buffer. Small trees (boosting's): 64 rows, whose inputs stay in L1
/// while every tree is walked. Large trees (a fully grown forest's, tens of KB each): a block of
/// 64 rows would fetch every tree from memory once per 64 rows, and the walk was bound by those
/// misses; thousands of rows walk each tree while it stays in L2 (measured on a 100-tree forest of
/// 469056 nodes, 20000 rows, one thread: 64 rows 0.83 s, 512 0.38 s, 2048 0.23 s, 8192 0.16 s CPU;
/// with the inputs prefetched (walk_flat), 100000 rows: 8192 0.61 s, 16384 0.49 s). The block
/// buffer is capped at 4 MB for wide inputs.
inline Eigen::Index flat_block_rows(Eigen::Index tree_bytes, Eigen::Index row_bytes) {
    if (tree_bytes <= 16 * 1024) return 64;
    const Eigen::Index fit = (Eigen::Index{4} << 20) / std::max<Eigen::Index>(row_bytes, 1);
    return std::max<Eigen::Index>(64, std::min<Eigen::Index>(16384, fit) / 64 * 64);
}

/// Builds the flat layout of every tree (detail::FlatNode) into `flat`, after check_indices():
/// breadth first from each root, the two children of a split node placed next to each other. A
/// node that is the child of two nodes (possible only in an ensemble that was not validated) would
/// need more places than the tree has nodes, and is refused.
template <class T>
void build_flat(const TreeEnsemble& e, detail::FlatEnsemble& flat) {
    const Eigen::Index n = e.n_nodes(), nf = e.n_features();
    flat.slot.assign(static_cast<std::size_t>(nf), -1);
    for (Eigen::Index g = 0; g < n; ++g) {
        if (e.children_left(g) != TreeEnsemble::leaf)
            flat.slot[static_cast<std::size_t>(e.feature(g))] = 0;
    }
    flat.columns.clear();
    for (Eigen::Index j = 0; j < nf; ++j) {
        auto& s = flat.slot[static_cast<std::size_t>(j)];
        if (s < 0) continue;
        s = static_cast<std::int32_t>(flat.columns.size());
        flat.columns.push_back(static_cast<std::int32_t>(j));
    }
    auto& nodes = detail::flat_nodes(flat, T());
    nodes.resize(static_cast<std::size_t>(n));
    flat.leaf.resize(static_cast<std::size_t>(n));
    flat.missing_left.assign(static_cast<std::size_t>(n), 0);
    const Eigen::Index w = e.value.cols() <= flat_values_max ? e.value.cols() : 0;
    flat.value.resize(static_cast<std::size_t>(n * w));
    flat.node_depth.resize(static_cast<std::size_t>(n));
    flat.depth.resize(static_cast<std::size_t>(e.n_trees()));
    const T nan = std::numeric_limits<T>::quiet_NaN();
    for (Eigen::Index t = 0; t < e.n_trees(); ++t) {
        const Eigen::Index first = e.tree_offsets(t), size = e.tree_size(t);
        auto* node = nodes.data() + first;
        std::int32_t* leaf = flat.leaf.data() + first;
        std::int32_t* depth = flat.node_depth.data() + first;
        leaf[0] = 0;
        depth[0] = 0;
        std::int32_t used = 1, deepest = 0;
        for (std::int32_t s = 0; s < used; ++s) {
            const Eigen::Index g = first + leaf[s];
            deepest = std::max(deepest, depth[s]);
            const std::int32_t l = e.children_left(g);
            if (l == TreeEnsemble::leaf) {
                node[s] = {nan, 0, s - 1};
                for (Eigen::Index k = 0; k < w; ++k)
                    flat.value[static_cast<std::size_t>((first + s) * w + k)] = e.value(g, k);
                continue;
            }
            if (used + 2 > size) {
                detail::invalid_model("TreeEnsemble", "tree " + std::to_string(t) +
                                                          " has a node that is the child of two "
                                                          "nodes");
            }
            T thr;
            if constexpr (std::is_same_v<T, float>) {
                thr = detail::flat_threshold(e.threshold(g), e.compare);
            } else {
                thr = e.threshold(g);
            }
            const auto column =
                static_cast<std::uint32_t>(flat.slot[static_cast<std::size_t>(e.feature(g))]);
            node[s] = {thr, column * static_cast<std::uint32_t>(flat_group), used};
            flat.missing_left[static_cast<std::size_t>(first + s)] = e.default_left(g) != 0 ? 1 : 0;
            leaf[used] = l;
            leaf[used + 1] = e.children_right(g);
            depth[used] = depth[used + 1] = depth[s] + 1;
            used += 2;
        }
        for (std::int32_t s = used; s < size; ++s) {  // unreachable nodes: never visited
            node[s] = {nan, 0, s - 1};
            leaf[s] = 0;
            for (Eigen::Index k = 0; k < w; ++k)
                flat.value[static_cast<std::size_t>((first + s) * w + k)] = 0.0;
        }
        flat.depth[static_cast<std::size_t>(t)] = deepest;
    }
    flat.block_rows =
        flat_block_rows(n * static_cast<Eigen::Index>(sizeof(FlatNode<T>)) / e.n_trees(),
                        static_cast<Eigen::Index>(flat.columns.size() * sizeof(T)));
}

}  // namespace detail

/// Throws Errc::invalid_input for the first (lowest row, then lowest column) infinity among rows
/// [first, first + n) of X in a column some split node reads; returns if there is none (the
/// infinities are in columns no split reads, which are not inspected). O(n_nodes + n * n_features).
inline void TreeEnsemble::refuse_read(const Input& X, Eigen::Index first, Eigen::Index n) const {
    std::vector<std::uint8_t> read(static_cast<std::size_t>(X.cols), 0);
    for (Eigen::Index g = 0; g < n_nodes(); ++g) {
        const auto f = static_cast<std::uint32_t>(feature(g));
        if (children_left(g) != leaf && f < static_cast<std::uint32_t>(X.cols)) read[f] = 1;
    }
    for (Eigen::Index i = first; i < first + n; ++i) {
        for (Eigen::Index j = 0; j < X.cols; ++j) {
            const double v = X.data[i * X.rs + j * X.cs];
            if (read[static_cast<std::size_t>(j)] && detail::is_refused(v, true))
                detail::refuse_input(name, i, j, v, true);
        }
    }
}

/// Adds the leaves of tree t to the block's scores, or records them: leaves[r] is row r's leaf,
/// whose values are at v + leaves[r] * W (v: the tree's rows of `value`, or for W = 1 the flat
/// layout's leaf values); for leaf indices, leaves[r] is the leaf's index in the node arrays.
inline void TreeEnsemble::consume_tree(Eigen::Index t, const std::int32_t* leaves, Eigen::Index nb,
                                       double* acc, const Target& target, Eigen::Index first,
                                       const double* v) const {
    if (target.kind == Target::leaf_indices) {
        const Eigen::Index trees = n_trees();
        for (Eigen::Index r = 0; r < nb; ++r) target.leaves[(first + r) * trees + t] = leaves[r];
        return;
    }
    const Eigen::Index w = value.cols(), ns = n_scores();
    double* a = acc + tree_output(t);
    if (w == 1) {
        if (accumulation == Accumulation::float32) {
            for (Eigen::Index r = 0; r < nb; ++r) {
                double& s = a[r * ns];
                s = static_cast<double>(static_cast<float>(s) + static_cast<float>(v[leaves[r]]));
            }
        } else {
            for (Eigen::Index r = 0; r < nb; ++r) a[r * ns] += v[leaves[r]];
        }
        return;
    }
    for (Eigen::Index r = 0; r < nb; ++r) {
        const double* l = v + leaves[r] * w;
        double* s = a + r * ns;
        if (accumulation == Accumulation::float32) {
            for (Eigen::Index k = 0; k < w; ++k)
                s[k] = static_cast<double>(static_cast<float>(s[k]) + static_cast<float>(l[k]));
        } else {
            for (Eigen::Index k = 0; k < w; ++k) s[k] += l[k];
        }
    }
}

/// Turns the block's scores into the target's outputs. `p` holds n_classes values.
inline void TreeEnsemble::finish_block(Eigen::Index first, Eigen::Index nb, double* acc, double* p,
                                       const Target& target) const {
    if (target.kind == Target::leaf_indices) return;
    const Eigen::Index ns = n_scores(), nc = n_classes();
    for (Eigen::Index r = 0; r < nb; ++r) {
        double* s = acc + r * ns;
        finish_scores(s);
        double* o = target.out;
        const Eigen::Index i = first + r;
        if (target.kind == Target::predict) {
            o[i] = output_of_scores(s);
        } else if (target.kind == Target::scores) {
            for (Eigen::Index k = 0; k < ns; ++k) o[i * target.rs + k * target.cs] = s[k];
        } else {
            proba_of_scores(s, p);
            for (Eigen::Index k = 0; k < nc; ++k) o[i * target.rs + k * target.cs] = p[k];
        }
    }
}

/// Rows [begin, end) of X, block by block. With `flat` (a detail::FlatEnsemble of T nodes), each
/// block's read columns are copied into a T buffer in groups of flat_group rows (see walk_flat;
/// checked for NaN and infinities and rounded to T on the way, so each input is rounded once) and
/// walked through every flat tree, tree by tree, so each row meets the trees in tree order.
/// Without, each row walks the node arrays with every step checked (small batches, where checking
/// every node first would cost more), after a check of the block's values.
template <class T>
void TreeEnsemble::run_rows(const Input& X, Eigen::Index begin, Eigen::Index end,
                            const Target& target, const detail::FlatEnsemble* flat) const {
    constexpr Eigen::Index group = detail::flat_group;
    static_assert(block_rows % group == 0, "whole groups per block");
    const Eigen::Index block = flat ? flat->block_rows : block_rows;
    detail::EnsembleBlock& b = detail::block_scratch();
    const Eigen::Index ns = n_scores(), trees = n_trees(), w = value.cols();
    b.leaves.resize(static_cast<std::size_t>(block));
    b.acc.resize(static_cast<std::size_t>(block * ns));
    b.p.resize(static_cast<std::size_t>(std::max<Eigen::Index>(n_classes(), 1)));
    const Eigen::Index nc =
        flat ? static_cast<Eigen::Index>(flat->columns.size()) : Eigen::Index{0};
    const Eigen::Index width = std::max<Eigen::Index>(nc, 1);
    std::vector<T>& xb = detail::block_inputs<T>(b);
    if (flat && xb.size() < static_cast<std::size_t>(block * width))
        xb.resize(static_cast<std::size_t>(block * width));
    const bool round = compare != Compare::double_le;
    const bool flat_values = flat && !flat->value.empty() && target.kind != Target::leaf_indices;
    for (Eigen::Index first = begin; first < end; first += block) {
        const Eigen::Index nb = std::min(block, end - first);
        std::uint64_t refused = 0, missing = 0;
        if (flat) {
            for (Eigen::Index c = 0; c < nc; ++c) {
                const double* col =
                    X.data + first * X.rs + flat->columns[static_cast<std::size_t>(c)] * X.cs;
                T* dst = xb.data() + c * group;
                for (Eigen::Index r = 0; r < nb; ++r) {
                    const double v = col[r * X.rs];
                    const std::uint64_t bits = detail::bits_of(v) & ~(std::uint64_t{1} << 63);
                    refused |= static_cast<std::uint64_t>(bits == detail::exponent_mask);
                    missing |= static_cast<std::uint64_t>(bits > detail::exponent_mask);
                    dst[(r / group) * width * group + r % group] = static_cast<T>(v);
                }
                // The rows after the last of a short block walk too; their leaves are not used.
                for (Eigen::Index r = nb; r % group != 0; ++r)
                    dst[(r / group) * width * group + r % group] = T(0);
            }
        } else {
            for (Eigen::Index r = 0; r < nb; ++r) {
                const double* x = X.data + (first + r) * X.rs;
                for (Eigen::Index j = 0; j < X.cols; ++j)
                    refused |= detail::is_refused(x[j * X.cs], true);
            }
        }
        if (refused) refuse_read(X, first, nb);
        double* acc = b.acc.data();
        if (target.kind != Target::leaf_indices) {
            for (Eigen::Index r = 0; r < nb; ++r) start_scores(acc + r * ns);
        }
        std::int32_t* leaves = b.leaves.data();
        const Eigen::Index groups = (nb + group - 1) / group;
        for (Eigen::Index t = 0; t < trees; ++t) {
            const Eigen::Index off = tree_offsets(t);
            if (flat) {
                const auto* nodes = detail::flat_nodes(*flat, T()) + off;
                const std::uint8_t* ml = flat->missing_left.data() + off;
                const std::int32_t depth = flat->depth[static_cast<std::size_t>(t)];
                if (missing) {
                    detail::walk_flat_any<true>(nodes, ml, depth, xb.data(), width, groups, leaves);
                } else {
                    detail::walk_flat_any<false>(nodes, ml, depth, xb.data(), width, groups,
                                                 leaves);
                }
                if (!flat_values) {
                    const std::int32_t* leaf = flat->leaf.data() + off;
                    for (Eigen::Index r = 0; r < nb; ++r) leaves[r] = leaf[leaves[r]];
                }
            } else {
                for (Eigen::Index r = 0; r < nb; ++r) {
                    const double* x = X.data + (first + r) * X.rs;
                    leaves[r] =
                        round ? walk_as<true, true>(t, x, X.cs) : walk_as<false, true>(t, x, X.cs);
                }
            }
            const double* v = flat_values ? flat->value.data() + off * w : value.data() + off * w;
            consume_tree(t, leaves, nb, acc, target, first, v);
        }
        finish_block(first, nb, acc, b.p.data(), target);
    }
}

/// Every batch call: checks the fields, builds the flat layout when the batch has enough rows for
/// checking every node once to pay (at least n_nodes / 16), and shares the rows among threads in
/// whole blocks. With `compiled` (a CompiledEnsemble's layout of this ensemble, which was
/// validated when it was built), the fields are not checked again and the layout not rebuilt.
inline void TreeEnsemble::run_batch(const Input& X, const Target& target,
                                    const PredictOptions& options,
                                    const detail::FlatEnsemble* compiled) const {
    if (!compiled) check_shape();
    detail::check_columns(X.cols, n_features(), name);
    if (options.threads < 1) {
        throw Error(Errc::invalid_argument,
                    "TreeEnsemble: PredictOptions::threads must be >= 1, is " +
                        std::to_string(options.threads));
    }
    if (X.rows == 0) return;
    const bool flat = compiled == nullptr && X.rows * 16 >= n_nodes();
    const bool as_float = compare != Compare::double_le;
    const detail::FlatEnsemble* f = compiled;
    if (flat) {
        check_indices();
        detail::FlatEnsemble& scratch = detail::flat_scratch();
        if (as_float) {
            detail::build_flat<float>(*this, scratch);
        } else {
            detail::build_flat<double>(*this, scratch);
        }
        f = &scratch;
    }
    const auto rows = [&](Eigen::Index begin, Eigen::Index end) {
        if (as_float) {
            run_rows<float>(X, begin, end, target, f);
        } else {
            run_rows<double>(X, begin, end, target, f);
        }
    };
    const Eigen::Index block = f ? f->block_rows : block_rows;
    const Eigen::Index blocks = (X.rows + block - 1) / block;
    const auto threads = static_cast<Eigen::Index>(std::min<Eigen::Index>(options.threads, blocks));
    if (threads <= 1) {
        rows(0, X.rows);
        return;
    }
    // Thread c takes blocks [c * blocks / threads, (c + 1) * blocks / threads); the calling thread
    // takes the first share. A refusal of the input is reported for the lowest rows, as on one
    // thread, and names the caller's row numbers.
    const Eigen::Index base = detail::input_row_base();
    const auto bounds = [&](Eigen::Index c) -> Eigen::Index {
        return std::min(X.rows, c * blocks / threads * block);
    };
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(threads - 1));
    for (Eigen::Index c = 1; c < threads; ++c) {
        pool.emplace_back([&, c] {
            const detail::InputRowBase at(base);
            try {
                rows(bounds(c), bounds(c + 1));
            } catch (...) {
                errors[static_cast<std::size_t>(c)] = std::current_exception();
            }
        });
    }
    try {
        rows(0, bounds(1));
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (std::thread& t : pool) t.join();
    for (const std::exception_ptr& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

inline Eigen::MatrixXd TreeEnsemble::decision_function(const MatrixRef& X) const {
    return decision_function(X, PredictOptions{});
}

inline Eigen::MatrixXd TreeEnsemble::decision_function(const MatrixRef& X,
                                                       const PredictOptions& options) const {
    check_shape();
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::MatrixXd S(X.rows(), n_scores());
    run_batch(input_of(X), Target{Target::scores, S.data(), 1, S.rows(), nullptr}, options);
    return S;
}

inline Eigen::MatrixXd TreeEnsemble::predict_proba(const MatrixRef& X) const {
    return predict_proba(X, PredictOptions{});
}

inline Eigen::MatrixXd TreeEnsemble::predict_proba(const MatrixRef& X,
                                                   const PredictOptions& options) const {
    check_shape();
    require_classifier();
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::MatrixXd P(X.rows(), n_classes());
    run_batch(input_of(X), Target{Target::proba, P.data(), 1, P.rows(), nullptr}, options);
    return P;
}

inline Eigen::VectorXd TreeEnsemble::predict(const MatrixRef& X) const {
    return predict(X, PredictOptions{});
}

inline Eigen::VectorXd TreeEnsemble::predict(const MatrixRef& X,
                                             const PredictOptions& options) const {
    check_shape();
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::VectorXd y(X.rows());
    run_batch(input_of(X), Target{Target::predict, y.data(), 1, 1, nullptr}, options);
    return y;
}

inline IndexMatrix TreeEnsemble::apply(const MatrixRef& X) const {
    return apply(X, PredictOptions{});
}

inline IndexMatrix TreeEnsemble::apply(const MatrixRef& X, const PredictOptions& options) const {
    check_shape();
    detail::check_columns(X.cols(), n_features(), name);
    IndexMatrix leaves(X.rows(), n_trees());
    run_batch(input_of(X), Target{Target::leaf_indices, nullptr, 0, 0, leaves.data()}, options);
    return leaves;
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

inline void TreeEnsemble::decision_function_one(const RowRef& x, double* out,
                                                Eigen::Index size) const {
    check_shape();
    detail::check_output_size(size, n_scores(), name, "decision_function_one");
    scores_one(x, out);
}

template <class Scores>
double TreeEnsemble::predict_one_from(const Scores& scores) const {
    // Scores live on the stack for up to 64 of them; more take one allocation.
    constexpr Eigen::Index stack_scores = 64;
    double local[stack_scores];
    std::vector<double> heap;
    double* s = local;
    if (n_scores() > stack_scores) {
        heap.resize(static_cast<std::size_t>(n_scores()));
        s = heap.data();
    }
    scores(s);
    return output_of_scores(s);
}

template <class Scores>
void TreeEnsemble::proba_one_from(const Scores& scores, double* out) const {
    if (link == Link::logistic) {
        double s = 0.0;
        scores(&s);
        proba_of_scores(&s, out);
        return;
    }
    // identity and softmax: n_scores == n_classes, so the scores are computed in place.
    scores(out);
    proba_of_scores(out, out);
}

inline double TreeEnsemble::predict_one(const RowRef& x) const {
    check_shape();
    return predict_one_from([&](double* s) { scores_one(x, s); });
}

inline void TreeEnsemble::predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const {
    check_shape();
    require_classifier();
    detail::check_output_size(size, n_classes(), name, "predict_proba_one");
    proba_one_from([&](double* s) { scores_one(x, s); }, out);
}

}  // namespace brine
